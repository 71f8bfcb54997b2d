import Foundation

/// A one-line progress report on stderr — count, rate and, when the total
/// is known, percent and time left — redrawn in place a few times a
/// second. Shown only when stderr is a terminal, so pipes and scripts see
/// nothing but the result.
final class ProgressLine {
    private let label: String
    private let total: Int?
    private let enabled: Bool
    private let start = ContinuousClock.now
    private var lastDraw = ContinuousClock.now
    private var drawn = false

    init(_ label: String, total: Int? = nil, enabled: Bool = stderrIsTerminal) {
        self.label = label
        self.total = total
        self.enabled = enabled
    }

    /// Reports `done` items; cheap enough to call for every event.
    /// - Parameter fraction: how much of the work is done (0–1), when the
    ///   total count is unknown but the share is (bytes of a file read).
    func update(_ done: Int, fraction: @autoclosure () -> Double? = nil) {
        guard enabled, done % 1024 == 0 else { return }
        let now = ContinuousClock.now
        guard now - lastDraw > .milliseconds(200) else { return }
        lastDraw = now
        let seconds = Self.seconds(now - start)
        let rate = seconds > 0 ? Double(done) / seconds : 0
        var text = "\(label) \(done.formatted()) (\(Int(rate).formatted())/s)"
        if let total, total > 0, rate > 0 {
            let left = Double(max(0, total - done)) / rate
            text += String(format: " %3.0f%%, about %.0f s left", 100 * Double(done) / Double(total), left)
        } else if let share = fraction(), share > 0, share <= 1 {
            text += String(format: " %3.0f%%, about %.0f s left", 100 * share, seconds * (1 - share) / share)
        }
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + text).utf8))
        drawn = true
    }

    /// Clears the line.
    func finish() {
        guard drawn else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        drawn = false
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
