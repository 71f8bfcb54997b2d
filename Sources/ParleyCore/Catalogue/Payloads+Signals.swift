// The payloads of the catalogue: people answering the signals Parley raises.
// A signal itself is a view, never an event; what people do about it is.

public struct SignalAcknowledged: EventPayload {
    public static let type = "signal.acknowledged"
    public static let signal = PayloadKey<String>.required("signal", .identifier, "the signal's id, as `parley signals` shows it")
    public static let note = PayloadKey<String>.optional("note", .note)
    public static let spec = EventTypeSpec(type, stream: "signal", idField: signal, "someone has seen a signal and is acting on it", [signal, note])
    public var signal: String, note: String?
    public init(signal: String, note: String? = nil) { self.signal = signal; self.note = note }
}

public struct SignalDismissed: EventPayload {
    public static let type = "signal.dismissed"
    public static let signal = PayloadKey<String>.required("signal", .identifier, "the signal's id, as `parley signals` shows it")
    public static let reason = PayloadKey<String>.required("reason", .choice(SignalDismissed.reasons))
    public static let note = PayloadKey<String>.optional("note", .note)
    public static let spec = EventTypeSpec(type, stream: "signal", idField: signal, "someone closes a signal they judge wrong or expected",
                                           [signal, reason, note])
    public static let reasons = ["false-alarm", "expected", "other"]
    public var signal: String, reason: String, note: String?
    public init(signal: String, reason: String, note: String? = nil) { self.signal = signal; self.reason = reason; self.note = note }
}

public struct SignalConfigured: EventPayload {
    public static let type = "signal.configured"
    public static let kind = PayloadKey<String>.required("kind", .choice(SignalKind.allCases.map(\.rawValue)))
    public static let budgetYears = PayloadKey<Double>.optional("budget_years", .number(0.1...100),
                                                                "years between false alarms per subject, on average (rate detectors)")
    public static let graceDays = PayloadKey<Int64>.optional("grace_days", .integer(1...365), "days before a rule detector speaks")
    public static let baselineWeeks = PayloadKey<Int64>.optional("baseline_weeks", .integer(2...104),
                                                                 "weeks of history a rate detector compares with")
    public static let state = PayloadKey<String>.optional("state", .choice(["on", "off"]), "off: the detector raises nothing")
    public static let spec = EventTypeSpec(type, stream: "signal-config", idField: kind, "management sets a detector's thresholds",
                                           [kind, budgetYears, graceDays, baselineWeeks, state])
    public var kind: String, budgetYears: Double?, graceDays: Int64?, baselineWeeks: Int64?, state: String?
    public init(kind: String, budgetYears: Double? = nil, graceDays: Int64? = nil, baselineWeeks: Int64? = nil, state: String? = nil) {
        self.kind = kind; self.budgetYears = budgetYears; self.graceDays = graceDays; self.baselineWeeks = baselineWeeks; self.state = state
    }
}
