// The payloads of the catalogue: What the teams agree on: lead criteria, the SLA, shared goals.

public struct CriteriaChanged: EventPayload {
    public static let type = "criteria.changed"
    public static let version = PayloadKey<Int64>.required("version", .integer(1...Int64.max), "one more than the current version")
    public static let rules = PayloadKey<String>.required("rules", .text(maxLength: 4000))
    public static let rationale = PayloadKey<String>.optional("rationale", .note)
    public static let spec = EventTypeSpec(type, stream: "criteria", streamID: "mql", "a new version of the MQL definition",
                                           [version, rules, rationale])
    public var version: Int64, rules: String, rationale: String?
    public init(version: Int64, rules: String, rationale: String? = nil) { self.version = version; self.rules = rules; self.rationale = rationale }
}

public struct CriteriaAgreed: EventPayload {
    public static let type = "criteria.agreed"
    public static let version = PayloadKey<Int64>.required("version", .integer(1...Int64.max))
    public static let team = PayloadKey<String>.required("team", .team)
    public static let spec = EventTypeSpec(type, stream: "criteria", streamID: "mql", "a team signs off a criteria version", [version, team])
    public var version: Int64, team: String
    public init(version: Int64, team: String) { self.version = version; self.team = team }
}

public struct SLASet: EventPayload {
    public static let type = "sla.set"
    public static let followUpHours = PayloadKey<Int64>.required("follow_up_hours", .integer(1...8760), "hours sales has to give a verdict on a lead")
    public static let feedbackWithinDays = PayloadKey<Int64>.optional("feedback_within_days", .integer(1...365))
    public static let monthlyMqlTarget = PayloadKey<Int64>.optional("monthly_mql_target", .integer(0...10_000_000))
    public static let feedbackOn = PayloadKey<String>.optional("feedback_on", .choice(SLASet.feedbackOnChoices),
                                                               "which leads sales rates: accepted (the default: a rejection's reason is its feedback) or all")
    public static let version = PayloadKey<Int64>.optional("version", .integer(1...Int64.max),
                                                           "one more than the latest SLA version (Parley numbers it; an SLA set without one takes the next)")
    public static let spec = EventTypeSpec(type, stream: "sla", streamID: "main", "the service level agreement between the teams",
                                           [followUpHours, feedbackWithinDays, monthlyMqlTarget, feedbackOn, version])
    /// What `feedback_on` takes: the leads whose feedback the SLA asks for.
    public static let feedbackOnChoices = ["accepted", "all"]
    public var followUpHours: Int64, feedbackWithinDays: Int64?, monthlyMqlTarget: Int64?, feedbackOn: String?, version: Int64?
    public init(followUpHours: Int64, feedbackWithinDays: Int64? = nil, monthlyMqlTarget: Int64? = nil, feedbackOn: String? = nil,
                version: Int64? = nil) {
        self.followUpHours = followUpHours; self.feedbackWithinDays = feedbackWithinDays; self.monthlyMqlTarget = monthlyMqlTarget
        self.feedbackOn = feedbackOn; self.version = version
    }

    /// The one stream of the SLA.
    public static let stream = "sla/main"
}

public struct SLAAgreed: EventPayload {
    public static let type = "sla.agreed"
    public static let version = PayloadKey<Int64>.required("version", .integer(1...Int64.max))
    public static let team = PayloadKey<String>.required("team", .team)
    public static let spec = EventTypeSpec(type, stream: "sla", streamID: "main", "a team signs off an SLA version", [version, team])
    public var version: Int64, team: String
    public init(version: Int64, team: String) { self.version = version; self.team = team }
}

public struct AgreementProposed: EventPayload {
    public static let type = "agreement.proposed"
    public static let agreement = PayloadKey<String>.required("agreement", .identifier, "its name: personas, messaging-guide, …")
    public static let version = PayloadKey<Int64>.required("version", .integer(1...Int64.max), "one more than its latest version")
    public static let text = PayloadKey<String>.required("text", .text(maxLength: AgreementProposed.maximumTextLength))
    public static let rationale = PayloadKey<String>.optional("rationale", .note)
    public static let spec = EventTypeSpec(type, stream: "agreement", idField: agreement,
                                           "a new version of an agreement between the teams (personas, messaging guide, routing rules, …)",
                                           [agreement, version, text, rationale])
    /// The longest text an agreement's version may have, in characters (an event is at most 64 KiB).
    public static let maximumTextLength = 20_000
    public var agreement: String, version: Int64, text: String, rationale: String?
    public init(agreement: String, version: Int64, text: String, rationale: String? = nil) {
        self.agreement = agreement; self.version = version; self.text = text; self.rationale = rationale
    }
}

public struct AgreementAgreed: EventPayload {
    public static let type = "agreement.agreed"
    public static let agreement = PayloadKey<String>.required("agreement", .identifier)
    public static let version = PayloadKey<Int64>.required("version", .integer(1...Int64.max))
    public static let team = PayloadKey<String>.required("team", .team)
    public static let spec = EventTypeSpec(type, stream: "agreement", idField: agreement, "a team signs off a version of an agreement",
                                           [agreement, version, team])
    public var agreement: String, version: Int64, team: String
    public init(agreement: String, version: Int64, team: String) { self.agreement = agreement; self.version = version; self.team = team }
}

public struct GoalSet: EventPayload {
    public static let type = "goal.set"
    public static let goal = PayloadKey<String>.required("goal", .identifier)
    public static let metric = PayloadKey<String>.required("metric", .text(maxLength: 100))
    public static let target = PayloadKey<Double>.required("target", .number(0...Double.greatestFiniteMagnitude))
    public static let period = PayloadKey<String>.required("period", .text(maxLength: 32), "2026-Q1, 2026-03, …")
    public static let teams = PayloadKey<[String]>.optional("teams", .list(.team, maxCount: 3))
    public static let spec = EventTypeSpec(type, stream: "goal", idField: goal, "a shared goal", [goal, metric, target, period, teams])
    public var goal: String, metric: String, target: Double, period: String, teams: [String]?
    public init(goal: String, metric: String, target: Double, period: String, teams: [String]? = nil) {
        self.goal = goal; self.metric = metric; self.target = target; self.period = period; self.teams = teams
    }
}
