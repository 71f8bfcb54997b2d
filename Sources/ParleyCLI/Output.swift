import Foundation

/// Buffered standard output: a log of millions of lines goes out in large
/// writes, and starts at once.
final class Output: @unchecked Sendable {
    /// The process's standard output. Used from the main thread only.
    static let standard = Output()

    private var buffer: [UInt8] = []
    /// While set, output is kept here instead of written (``capture(_:)``).
    private var captured: [UInt8]?

    private init() {
        buffer.reserveCapacity(1 << 16)
    }

    func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 16 { flush() }
    }

    func line(_ text: String = "") {
        write(text)
        buffer.append(0x0A)
    }

    /// Lets `body` append to the buffer in place (no intermediate copy).
    func write(_ body: (inout [UInt8]) -> Void) {
        body(&buffer)
        if buffer.count >= 1 << 16 { flush() }
    }

    /// Runs `body` and returns what it wrote, writing none of it.
    func capture(_ body: () throws -> Void) throws -> [UInt8] {
        flush()
        captured = []
        defer { captured = nil }
        try body()
        flush()
        return captured ?? []
    }

    func flush() {
        guard !buffer.isEmpty else { return }
        if captured != nil {
            captured!.append(contentsOf: buffer)
            buffer.removeAll(keepingCapacity: true)
            return
        }
        buffer.withUnsafeBytes { raw in
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
        buffer.removeAll(keepingCapacity: true)
    }
}

/// A message for a person on stderr (progress, notes); never mixed into stdout.
func note(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// True when stderr is a terminal: progress is shown only then.
var stderrIsTerminal: Bool { isatty(2) == 1 }
