import Foundation

/// A typed event payload. Its `Codable` form uses the catalogue's
/// snake_case field names; ``EventCatalogue`` validates it.
///
/// ```swift
/// let payload = LeadSent(lead: "L-1042", source: "webinar", score: 72)
/// let event = try payload.event(actor: "mia@marketing")
/// ```
public protocol EventPayload: Codable, Sendable, Equatable {
    /// The type's one declaration: its name, stream, schema number and
    /// fields, which validate every event of the type and `parley types`
    /// prints. Declared with the payload's properties, which it must name.
    static var spec: EventTypeSpec { get }

    /// A payload of this type written with an older `schema`, brought to
    /// the current one (events are never rewritten: old payloads are
    /// upcast when read): one step, from `schema` to `schema + 1`. Types
    /// that never changed keep the default.
    static func upcast(_ data: JSONValue, from schema: Int) -> JSONValue
}

extension EventPayload {
    /// The event type: `lead.sent`, …
    public static var type: String { spec.name }

    public static func upcast(_ data: JSONValue, from schema: Int) -> JSONValue { data }
}

extension EventPayload {
    /// The payload as a JSON value (fields in canonical order, nil fields left out).
    public var json: JSONValue {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        // Encoding plain structs of strings and numbers cannot fail.
        let data = (try? encoder.encode(self)) ?? Data("{}".utf8)
        return (try? JSONValue.parse(Array(data))) ?? .object([])
    }

    /// Reads a payload of this type from an event's data.
    ///
    /// - Throws: ``InvalidEvent`` when the data does not fit the type.
    public init(json: JSONValue) throws {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do {
            self = try decoder.decode(Self.self, from: Data(json.canonicalText.utf8))
        } catch {
            throw InvalidEvent(field: "data", reason: "does not fit \(Self.type): \(error)")
        }
    }

    /// A validated event carrying this payload, in the stream the catalogue
    /// gives it (or `stream`, for types that do not say).
    public func event(actor: String, stream: String? = nil, occurredAt: Timestamp? = nil,
                      expectedVersion: Int64? = nil, meta: JSONValue? = nil) throws(InvalidEvent) -> ProposedEvent {
        let data = json
        guard let stream = stream ?? EventCatalogue.spec(Self.type)?.stream(for: data) else {
            throw InvalidEvent(field: "stream", reason: "\(Self.type) needs a stream")
        }
        return try ProposedEvent(stream: stream, type: Self.type, actor: actor, occurredAt: occurredAt,
                                 data: data, meta: meta, expectedVersion: expectedVersion)
    }
}

public struct MemberJoined: EventPayload {
    public static let spec = EventTypeSpec("member.joined", stream: "member", idField: "handle", "someone joins one of the teams", [
        .required("handle", .handle, "the member's handle, name@team"),
        .required("name", .line, "full name"),
        .required("team", .team),
        .optional("role", .line, "what they do, e.g. \"demand gen\""),
    ])
    public var handle: String, name: String, team: String, role: String?
    public init(handle: String, name: String, team: String, role: String? = nil) {
        self.handle = handle; self.name = name; self.team = team; self.role = role
    }
}

public struct MemberLeft: EventPayload {
    public static let spec = EventTypeSpec("member.left", stream: "member", idField: "handle", "a member leaves", [
        .required("handle", .handle),
    ])
    public var handle: String
    public init(handle: String) { self.handle = handle }
}

public struct MemberMoved: EventPayload {
    public static let spec = EventTypeSpec("member.moved", stream: "member", idField: "handle", "a member changes team", [
        .required("handle", .handle),
        .optional("team", .team, "the new team"),
    ])
    public var handle: String, team: String?
    public init(handle: String, team: String?) { self.handle = handle; self.team = team }
}

public struct RoleDefined: EventPayload {
    public static let spec = EventTypeSpec("role.defined", stream: "role", idField: "team", "a team's responsibility, KPI and accountability", [
        .required("team", .team),
        .required("responsibility", .note),
        .optional("kpi", .line, "how the responsibility is measured"),
        .optional("accountable_to", .handle, "who the team answers to"),
    ])
    public var team: String, responsibility: String, kpi: String?, accountableTo: String?
    public init(team: String, responsibility: String, kpi: String? = nil, accountableTo: String? = nil) {
        self.team = team; self.responsibility = responsibility; self.kpi = kpi; self.accountableTo = accountableTo
    }
}

public struct LeadSent: EventPayload {
    public static let spec = EventTypeSpec("lead.sent", stream: "lead", idField: "lead", "marketing hands a lead to sales", [
        .required("lead", .identifier),
        .required("source", .text(maxLength: 100), "webinar, paid-search, referral, …"),
        .optional("campaign", .text(maxLength: 100)),
        .optional("criteria_version", .integer(1...Int64.max), "the MQL definition the lead met"),
        .optional("score", .integer(0...100)),
        .optional("assigned_to", .handle, "the sales rep who owns it"),
        .optional("attributes", .attributes, "employees, industry, title, country, … to check criteria later"),
    ])
    public var lead: String, source: String, campaign: String?, criteriaVersion: Int64?, score: Int64?, assignedTo: String?
    public var attributes: [String: AttributeValue]?
    public init(lead: String, source: String, campaign: String? = nil, criteriaVersion: Int64? = nil, score: Int64? = nil,
                assignedTo: String? = nil, attributes: [String: AttributeValue]? = nil) {
        self.lead = lead; self.source = source; self.campaign = campaign; self.criteriaVersion = criteriaVersion
        self.score = score; self.assignedTo = assignedTo; self.attributes = attributes
    }
}

/// A value of a lead's free-form attributes.
public enum AttributeValue: Codable, Sendable, Equatable {
    case text(String)
    case number(Double)
    case flag(Bool)

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let flag = try? container.decode(Bool.self) { self = .flag(flag) }
        else if let number = try? container.decode(Double.self) { self = .number(number) }
        else { self = .text(try container.decode(String.self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case let .text(text): try container.encode(text)
        case let .number(number): try container.encode(number)
        case let .flag(flag): try container.encode(flag)
        }
    }
}

public struct LeadReassigned: EventPayload {
    public static let spec = EventTypeSpec("lead.reassigned", stream: "lead", idField: "lead", "a lead gets a new owner; the SLA clock restarts", [
        .required("lead", .identifier),
        .required("to", .handle),
        .optional("reason", .note),
    ])
    public var lead: String, to: String, reason: String?
    public init(lead: String, to: String, reason: String? = nil) { self.lead = lead; self.to = to; self.reason = reason }
}

public struct LeadAccepted: EventPayload {
    public static let spec = EventTypeSpec("lead.accepted", stream: "lead", idField: "lead", "sales accepts the lead (SAL)", [
        .required("lead", .identifier),
    ])
    public var lead: String
    public init(lead: String) { self.lead = lead }
}

public struct LeadRejected: EventPayload {
    public static let spec = EventTypeSpec("lead.rejected", stream: "lead", idField: "lead", "sales rejects the lead, and says why", [
        .required("lead", .identifier),
        .required("reason", .choice(EventCatalogue.rejectReasons)),
        .optional("comment", .note),
    ])
    public var lead: String, reason: String, comment: String?
    public init(lead: String, reason: String, comment: String? = nil) { self.lead = lead; self.reason = reason; self.comment = comment }
}

public struct LeadRecycled: EventPayload {
    public static let spec = EventTypeSpec("lead.recycled", stream: "lead", idField: "lead", "the lead goes back to marketing nurture", [
        .required("lead", .identifier),
        .optional("reason", .note),
    ])
    public var lead: String, reason: String?
    public init(lead: String, reason: String? = nil) { self.lead = lead; self.reason = reason }
}

public struct LeadFeedback: EventPayload {
    public static let spec = EventTypeSpec("lead.feedback", stream: "lead", idField: "lead", schema: 2, "sales rates the lead's quality", [
        .required("lead", .identifier),
        .required("rating", .integer(1...5), "1 (useless) to 5 (perfect)"),
        .optional("comment", .note),
        .optional("objections", .list(.line, maxCount: 20), "objections heard from the prospect"),
    ])
    public var lead: String, rating: Int64, comment: String?, objections: [String]?
    public init(lead: String, rating: Int64, comment: String? = nil, objections: [String]? = nil) {
        self.lead = lead; self.rating = rating; self.comment = comment; self.objections = objections
    }

    /// Schema 1 had one `objection` (text); schema 2 has `objections`, a list.
    public static func upcast(_ data: JSONValue, from schema: Int) -> JSONValue {
        guard schema == 1, case let .object(members) = data else { return data }
        var fields = Dictionary(uniqueKeysWithValues: members.map { ($0.key, $0.value) })
        if let objection = fields.removeValue(forKey: "objection") {
            fields["objections"] = objection == .null ? nil : .array([objection])
        }
        return .object(fields)
    }
}

public struct LeadConverted: EventPayload {
    public static let spec = EventTypeSpec("lead.converted", stream: "lead", idField: "lead", "the lead became a customer", [
        .required("lead", .identifier),
        .optional("amount", .number(0...Double.greatestFiniteMagnitude)),
        .optional("currency", .currency),
    ])
    public var lead: String, amount: Double?, currency: String?
    public init(lead: String, amount: Double? = nil, currency: String? = nil) { self.lead = lead; self.amount = amount; self.currency = currency }
}

public struct LeadLost: EventPayload {
    public static let spec = EventTypeSpec("lead.lost", stream: "lead", idField: "lead", "the lead was lost", [
        .required("lead", .identifier),
        .optional("reason", .note),
    ])
    public var lead: String, reason: String?
    public init(lead: String, reason: String? = nil) { self.lead = lead; self.reason = reason }
}

public struct CriteriaChanged: EventPayload {
    public static let spec = EventTypeSpec("criteria.changed", stream: "criteria", streamID: "mql", "a new version of the MQL definition", [
        .required("version", .integer(1...Int64.max), "one more than the current version"),
        .required("rules", .text(maxLength: 4000)),
        .optional("rationale", .note),
    ])
    public var version: Int64, rules: String, rationale: String?
    public init(version: Int64, rules: String, rationale: String? = nil) { self.version = version; self.rules = rules; self.rationale = rationale }
}

public struct CriteriaAgreed: EventPayload {
    public static let spec = EventTypeSpec("criteria.agreed", stream: "criteria", streamID: "mql", "a team signs off a criteria version", [
        .required("version", .integer(1...Int64.max)),
        .required("team", .team),
    ])
    public var version: Int64, team: String
    public init(version: Int64, team: String) { self.version = version; self.team = team }
}

public struct SLASet: EventPayload {
    public static let spec = EventTypeSpec("sla.set", stream: "sla", streamID: "main", "the service level agreement between the teams", [
        .required("follow_up_hours", .integer(1...8760), "hours sales has to give a verdict on a lead"),
        .optional("feedback_within_days", .integer(1...365)),
        .optional("monthly_mql_target", .integer(0...10_000_000)),
        .optional("feedback_on", .choice(SLASet.feedbackOnChoices),
                  "which leads sales rates: accepted (the default: a rejection's reason is its feedback) or all"),
    ])
    /// What `feedback_on` takes: the leads whose feedback the SLA asks for.
    public static let feedbackOnChoices = ["accepted", "all"]
    public var followUpHours: Int64, feedbackWithinDays: Int64?, monthlyMqlTarget: Int64?, feedbackOn: String?
    public init(followUpHours: Int64, feedbackWithinDays: Int64? = nil, monthlyMqlTarget: Int64? = nil, feedbackOn: String? = nil) {
        self.followUpHours = followUpHours; self.feedbackWithinDays = feedbackWithinDays; self.monthlyMqlTarget = monthlyMqlTarget
        self.feedbackOn = feedbackOn
    }
}

public struct GoalSet: EventPayload {
    public static let spec = EventTypeSpec("goal.set", stream: "goal", idField: "goal", "a shared goal", [
        .required("goal", .identifier),
        .required("metric", .text(maxLength: 100)),
        .required("target", .number(0...Double.greatestFiniteMagnitude)),
        .required("period", .text(maxLength: 32), "2026-Q1, 2026-03, …"),
        .optional("teams", .list(.team, maxCount: 3)),
    ])
    public var goal: String, metric: String, target: Double, period: String, teams: [String]?
    public init(goal: String, metric: String, target: Double, period: String, teams: [String]? = nil) {
        self.goal = goal; self.metric = metric; self.target = target; self.period = period; self.teams = teams
    }
}

public struct TensionFlagged: EventPayload {
    public static let spec = EventTypeSpec("tension.flagged", stream: "tension", idField: "tension", "someone flags tension early", [
        .required("tension", .identifier),
        .required("title", .line),
        .required("severity", .choice(EventCatalogue.severities)),
        .required("category", .choice(EventCatalogue.tensionCategories)),
        .optional("teams", .list(.team, maxCount: 3)),
        .optional("description", .note),
        .optional("refs", .list(.eventID, maxCount: 50), "events this is about"),
    ])
    public var tension: String, title: String, severity: String, category: String
    public var teams: [String]?, description: String?, refs: [String]?
    public init(tension: String, title: String, severity: String, category: String, teams: [String]? = nil,
                description: String? = nil, refs: [String]? = nil) {
        self.tension = tension; self.title = title; self.severity = severity; self.category = category
        self.teams = teams; self.description = description; self.refs = refs
    }
}

public struct TensionCommented: EventPayload {
    public static let spec = EventTypeSpec("tension.commented", stream: "tension", idField: "tension", "a comment on a tension", [
        .required("tension", .identifier),
        .required("comment", .note),
    ])
    public var tension: String, comment: String
    public init(tension: String, comment: String) { self.tension = tension; self.comment = comment }
}

public struct TensionEscalated: EventPayload {
    public static let spec = EventTypeSpec("tension.escalated", stream: "tension", idField: "tension", "a tension goes to management", [
        .required("tension", .identifier),
        .optional("to", .handle),
        .optional("reason", .note),
    ])
    public var tension: String, to: String?, reason: String?
    public init(tension: String, to: String? = nil, reason: String? = nil) { self.tension = tension; self.to = to; self.reason = reason }
}

public struct TensionResolved: EventPayload {
    public static let spec = EventTypeSpec("tension.resolved", stream: "tension", idField: "tension", "a tension is resolved", [
        .required("tension", .identifier),
        .required("resolution", .note),
        .optional("actions", .list(.line, maxCount: 50)),
    ])
    public var tension: String, resolution: String, actions: [String]?
    public init(tension: String, resolution: String, actions: [String]? = nil) {
        self.tension = tension; self.resolution = resolution; self.actions = actions
    }
}

public struct TensionReopened: EventPayload {
    public static let spec = EventTypeSpec("tension.reopened", stream: "tension", idField: "tension", "a resolved tension is open again", [
        .required("tension", .identifier),
        .optional("reason", .note),
    ])
    public var tension: String, reason: String?
    public init(tension: String, reason: String? = nil) { self.tension = tension; self.reason = reason }
}

public struct MeetingHeld: EventPayload {
    public static let spec = EventTypeSpec("meeting.held", stream: "meeting", idField: "meeting", "a joint meeting", [
        .required("meeting", .identifier),
        .required("title", .line),
        .required("attendees", .list(.handle, maxCount: 100)),
        .optional("agenda", .note),
        .optional("decisions", .list(.note, maxCount: 100)),
        .optional("action_items", .list(.object([
            .required("action", .identifier),
            .required("owner", .handle),
            .required("text", .line),
            .optional("due", .time),
        ]), maxCount: 100)),
    ])
    public struct ActionItem: Codable, Sendable, Equatable {
        public var action: String, owner: String, text: String, due: String?
        public init(action: String, owner: String, text: String, due: String? = nil) {
            self.action = action; self.owner = owner; self.text = text; self.due = due
        }
    }
    public var meeting: String, title: String, attendees: [String], agenda: String?, decisions: [String]?, actionItems: [ActionItem]?
    public init(meeting: String, title: String, attendees: [String], agenda: String? = nil, decisions: [String]? = nil,
                actionItems: [ActionItem]? = nil) {
        self.meeting = meeting; self.title = title; self.attendees = attendees; self.agenda = agenda
        self.decisions = decisions; self.actionItems = actionItems
    }
}

public struct ActionCompleted: EventPayload {
    public static let spec = EventTypeSpec("action.completed", stream: "meeting", "an action item from a meeting is done", [
        .required("action", .identifier),
        .optional("note", .note),
    ])
    public var action: String, note: String?
    public init(action: String, note: String? = nil) { self.action = action; self.note = note }
}

public struct ContentRequested: EventPayload {
    public static let spec = EventTypeSpec("content.requested", stream: "content", idField: "request", "sales asks marketing for content", [
        .required("request", .identifier),
        .required("topic", .line),
        .optional("lead", .identifier),
        .optional("needed_by", .time),
    ])
    public var request: String, topic: String, lead: String?, neededBy: String?
    public init(request: String, topic: String, lead: String? = nil, neededBy: String? = nil) {
        self.request = request; self.topic = topic; self.lead = lead; self.neededBy = neededBy
    }
}

public struct ContentDelivered: EventPayload {
    public static let spec = EventTypeSpec("content.delivered", stream: "content", idField: "request", "marketing delivers the content", [
        .required("request", .identifier),
        .optional("title", .line),
        .optional("link", .link),
    ])
    public var request: String, title: String?, link: String?
    public init(request: String, title: String? = nil, link: String? = nil) { self.request = request; self.title = title; self.link = link }
}

public struct ResourceShared: EventPayload {
    public static let spec = EventTypeSpec("resource.shared", stream: "resource", idField: "resource", "a resource in the shared knowledge base", [
        .required("resource", .identifier),
        .required("title", .line),
        .required("link", .link),
        .required("team", .team),
        .optional("kind", .text(maxLength: 50), "case study, battle card, …"),
    ])
    public var resource: String, title: String, link: String, team: String, kind: String?
    public init(resource: String, title: String, link: String, team: String, kind: String? = nil) {
        self.resource = resource; self.title = title; self.link = link; self.team = team; self.kind = kind
    }
}

public struct ResourceUsed: EventPayload {
    public static let spec = EventTypeSpec("resource.used", stream: "resource", idField: "resource", "sales used a shared resource", [
        .required("resource", .identifier),
        .optional("lead", .identifier),
        .optional("note", .note),
    ])
    public var resource: String, lead: String?, note: String?
    public init(resource: String, lead: String? = nil, note: String? = nil) { self.resource = resource; self.lead = lead; self.note = note }
}

public struct EventRetracted: EventPayload {
    public static let spec = EventTypeSpec("event.retracted", stream: nil, "a correction: the target event no longer counts", [
        .required("target", .eventID, "the id of the event retracted"),
        .required("reason", .note),
    ])
    public var target: String, reason: String
    public init(target: String, reason: String) { self.target = target; self.reason = reason }
}

/// Every typed payload, for tests that check each against the catalogue.
public let allPayloadTypes: [any EventPayload.Type] = [
    MemberJoined.self, MemberLeft.self, MemberMoved.self, RoleDefined.self, LeadSent.self, LeadReassigned.self,
    LeadAccepted.self, LeadRejected.self, LeadRecycled.self, LeadFeedback.self, LeadConverted.self, LeadLost.self,
    CriteriaChanged.self, CriteriaAgreed.self, SLASet.self, GoalSet.self, TensionFlagged.self, TensionCommented.self,
    TensionEscalated.self, TensionResolved.self, TensionReopened.self, MeetingHeld.self, ActionCompleted.self,
    ContentRequested.self, ContentDelivered.self, ResourceShared.self, ResourceUsed.self, EventRetracted.self,
]
