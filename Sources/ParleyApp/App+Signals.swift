public import ParleyCore
import ParleyStore

extension App {
    /// The detectors' rows a read of the signals needs (all but the leads).
    func signalRows(_ window: ReplayWindow, progress: ProgressReporter) throws(ParleyError) -> [String: SignalsProjection.Row] {
        let source = try self.source(SignalsProjection.self, window, progress: progress)
        return try mapped {
            var rows: [String: SignalsProjection.Row] = [:]
            for prefix in SignalDetectors.prefixes { rows.merge(try source.rows(prefix: prefix)) { $1 } }
            let quiet = SignalDetectors.quietRange(at: window.now)
            rows.merge(try source.rows(from: quiet.from, to: quiet.to)) { $1 }
            return rows
        }
    }

    /// The signals open at the window's moment, most severe first: what the
    /// detectors see in the log before anyone complains, with the evidence.
    ///
    /// - Parameter dismissed: list the ones people dismissed too.
    public func signals(_ window: ReplayWindow = ReplayWindow(), dismissed: Bool = false,
                        progress: ProgressReporter = .none) throws(ParleyError) -> [SignalEntry] {
        let rows = try signalRows(window, progress: progress)
        return try mapped { try SignalDetectors.signals(rows, at: window.now, dismissed: dismissed).map(SignalEntry.init) }
    }

    /// Per kind, how people answered signals: acknowledged, and dismissed
    /// by reason (false alarms are the real-world false-alarm count).
    public func signalStats(_ window: ReplayWindow = ReplayWindow(), progress: ProgressReporter = .none) throws(ParleyError) -> [SignalStat] {
        let rows = try signalRows(window, progress: progress)
        return SignalDetectors.stats(rows).map { SignalStat(kind: $0.kind.rawValue, acknowledged: $0.acknowledged, dismissed: $0.dismissed) }
    }

    /// Answers a signal (acknowledged or dismissed) as `actor`, once the
    /// signal is known: an id that no detector raised is not found.
    @discardableResult
    public func answerSignal(_ command: Command, as actor: String, at time: Timestamp? = nil) throws(ParleyError) -> [Recorded] {
        let id: String
        switch command {
        case let .acknowledgeSignal(payload): id = payload.signal
        case let .dismissSignal(payload): id = payload.signal
        default: return try run(command, as: actor, at: time)
        }
        let known = try signals(ReplayWindow(asOf: time), dismissed: true)
        guard known.contains(where: { $0.signal.id == id }) else {
            throw ParleyError(.notFound, code: "unknown-signal",
                              "no signal \(id) is open\(known.isEmpty ? "; there are none now" : "; open now: " + known.prefix(5).map(\.signal.id).joined(separator: ", "))",
                              hint: .listSignals)
        }
        return try run(command, as: actor, at: time)
    }
}
