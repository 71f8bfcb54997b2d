import Foundation
import ParleyCore
import ParleyApp
import Synchronization

/// Buffered standard output: a log of millions of lines goes out in large
/// writes, and starts at once.
final class Output: Sendable {
    /// The process's standard output.
    static let standard = Output()

    private struct State {
        var buffer: [UInt8] = []
        /// While set, output is kept here instead of written (``capture(_:)``).
        var captured: [UInt8]?
    }

    private let state: Mutex<State>

    private init() {
        var initial = State()
        initial.buffer.reserveCapacity(1 << 16)
        state = Mutex(initial)
    }

    func write(_ text: String) {
        write { $0.append(contentsOf: text.utf8) }
    }

    func line(_ text: String = "") {
        write { buffer in
            buffer.append(contentsOf: text.utf8)
            buffer.append(0x0A)
        }
    }

    /// A result in its documented JSON shape, on one line, in canonical form
    /// (keys sorted, as every `--json` prints).
    func json(_ value: some Encodable) throws {
        line(try CanonicalJSON.text(value))
    }

    /// Lets `body` append to the buffer in place (no intermediate copy).
    func write(_ body: (inout [UInt8]) -> Void) {
        state.withLock { state in
            body(&state.buffer)
            if state.buffer.count >= 1 << 16 { Self.flush(&state) }
        }
    }

    /// Runs `body` and returns what it wrote, writing none of it.
    func capture(_ body: () throws -> Void) throws -> [UInt8] {
        state.withLock { state in
            Self.flush(&state)
            state.captured = []
        }
        defer { state.withLock { $0.captured = nil } }
        try body()
        return state.withLock { state in
            Self.flush(&state)
            return state.captured ?? []
        }
    }

    func flush() {
        state.withLock { Self.flush(&$0) }
    }

    private static func flush(_ state: inout State) {
        guard !state.buffer.isEmpty else { return }
        if state.captured != nil {
            state.captured!.append(contentsOf: state.buffer)
            state.buffer.removeAll(keepingCapacity: true)
            return
        }
        state.buffer.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = Foundation.write(1, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    // The reader went away (`parley log | head`): stop quietly.
                    Foundation.exit(errno == EPIPE ? 0 : 1)
                }
                offset += written
            }
        }
        state.buffer.removeAll(keepingCapacity: true)
    }
}

/// A message for a person on stderr (progress, notes); never mixed into stdout.
func note(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// True when stderr is a terminal: progress is shown only then.
var stderrIsTerminal: Bool { isatty(2) == 1 }
