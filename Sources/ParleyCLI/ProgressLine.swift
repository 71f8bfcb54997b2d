import Foundation
import ParleyApp
import Synchronization

/// A one-line progress report on stderr — count, rate and, when the total
/// is known, percent and time left — redrawn in place a few times a
/// second. Shown only when stderr is a terminal, so pipes and scripts see
/// nothing but the result.
final class ProgressLine: Sendable {
    private struct State {
        var label: String
        var total: Int?
        var start = ContinuousClock.now
        var lastDraw = ContinuousClock.now
        var drawn = false
    }

    private let state: Mutex<State>
    private let enabled: Bool

    init(_ label: String, total: Int? = nil, enabled: Bool = stderrIsTerminal) {
        state = Mutex(State(label: label, total: total))
        self.enabled = enabled
    }

    /// A line for the facade's long work: each piece of work it begins
    /// redraws the line with its own label and total.
    static func reporting() -> ProgressReporter {
        let line = ProgressLine("")
        return ProgressReporter(begin: { what, total in line.restart(what, total: total) },
                        update: { done in line.update(done) },
                        end: { line.finish() })
    }

    /// Starts over for other work.
    func restart(_ label: String, total: Int?) {
        state.withLock { $0 = State(label: label, total: total) }
    }

    /// Reports `done` items; cheap enough to call for every event.
    /// - Parameter fraction: how much of the work is done (0–1), when the
    ///   total count is unknown but the share is (bytes of a file read).
    func update(_ done: Int, fraction: @autoclosure () -> Double? = nil) {
        guard enabled, done % 1024 == 0 else { return }
        let share = fraction()
        state.withLock { state in
            let now = ContinuousClock.now
            guard now - state.lastDraw > .milliseconds(200) else { return }
            state.lastDraw = now
            let seconds = Self.seconds(now - state.start)
            let rate = seconds > 0 ? Double(done) / seconds : 0
            var text = "\(state.label) \(done.formatted()) (\(Int(rate).formatted())/s)"
            if let total = state.total, total > 0, rate > 0 {
                let left = Double(max(0, total - done)) / rate
                text += String(format: " %3.0f%%, about %.0f s left", 100 * Double(done) / Double(total), left)
            } else if let share, share > 0, share <= 1 {
                text += String(format: " %3.0f%%, about %.0f s left", 100 * share, seconds * (1 - share) / share)
            }
            FileHandle.standardError.write(Data(("\r\u{1B}[K" + text).utf8))
            state.drawn = true
        }
    }

    /// Clears the line.
    func finish() {
        state.withLock { state in
            guard state.drawn else { return }
            FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
            state.drawn = false
        }
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
