public import ParleyCore

/// A signal as `parley signals --json` shows it.
public struct SignalEntry: Sendable, Equatable, Encodable {
    public var signal: Signal

    init(_ signal: Signal) { self.signal = signal }

    public func encode(to encoder: any Encoder) throws {
        var out = encoder.container(keyedBy: JSONKey.self)
        try out.put(signal.id, "id")
        try out.put(signal.kind.rawValue, "kind")
        try out.put(signal.subject, "subject")
        try out.put(signal.since, "since")
        try out.put(signal.severity, "severity")
        try out.put(signal.summary, "summary")
        try out.put(Evidence(evidence: signal.evidence), "evidence")
        try out.put(signal.clears, "clears")
        try out.put(signal.answer?.state ?? "open", "state")
        try out.put(signal.answer.map(Answer.init), "answer")
    }

    private struct Evidence: Encodable {
        var evidence: SignalEvidence
        func encode(to encoder: any Encoder) throws {
            var out = encoder.container(keyedBy: JSONKey.self)
            try out.put(evidence.baseline.map(Window.init), "baseline")
            try out.put(evidence.current.map(Window.init), "current")
            try out.put(evidence.statistic, "statistic")
            try out.put(evidence.threshold, "threshold")
            try out.put(evidence.budget, "false_alarm_budget")
            try out.put(evidence.fact, "fact")
            try out.put(evidence.clock, "clock")
            try out.put(evidence.rule, "rule")
            try out.put(evidence.positions, "positions")
            try out.put(evidence.reasons.isEmpty ? nil : evidence.reasons, "reasons")
            try out.put(evidence.configuredBy, "configured_by")
        }
    }

    private struct Window: Encodable {
        var window: SignalWindow
        init(_ window: SignalWindow) { self.window = window }
        func encode(to encoder: any Encoder) throws {
            var out = encoder.container(keyedBy: JSONKey.self)
            try out.put(window.from, "from")
            try out.put(window.to, "to")
            try out.put(window.count, "count")
            try out.put(window.events, "events")
            try out.put((window.rate * 1000).rounded() / 1000, "rate")
        }
    }

    private struct Answer: Encodable {
        var answer: SignalAnswer
        init(_ answer: SignalAnswer) { self.answer = answer }
        func encode(to encoder: any Encoder) throws {
            var out = encoder.container(keyedBy: JSONKey.self)
            try out.put(answer.state, "state")
            try out.put(answer.reason, "reason")
            try out.put(answer.note, "note")
            try out.put(answer.by, "by")
            try out.put(answer.at, "at")
            try out.put(answer.position, "position")
        }
    }
}

/// How people answered one kind of signal.
public struct SignalStat: Sendable, Equatable, Encodable {
    public var kind: String
    public var acknowledged: Int
    /// Reason → how many.
    public var dismissed: [String: Int]

    public var falseAlarms: Int { dismissed["false-alarm"] ?? 0 }

    public func encode(to encoder: any Encoder) throws {
        var out = encoder.container(keyedBy: JSONKey.self)
        try out.put(kind, "kind")
        try out.put(acknowledged, "acknowledged")
        try out.put(dismissed, "dismissed")
        try out.put(falseAlarms, "false_alarms")
    }
}
