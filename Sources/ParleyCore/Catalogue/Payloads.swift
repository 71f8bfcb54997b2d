import Foundation

/// A typed event payload. Its `Codable` form uses the catalogue's
/// snake_case field names; ``EventCatalogue`` validates it.
///
/// ```swift
/// let payload = LeadSent(lead: "L-1042", source: "webinar", score: 72)
/// let event = try payload.event(actor: "mia@marketing")
/// ```
public protocol EventPayload: Codable, Sendable, Equatable {
    /// The event type: `lead.sent`, …
    static var type: String { get }
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
    public static let type = "member.joined"
    public var handle: String, name: String, team: String, role: String?
    public init(handle: String, name: String, team: String, role: String? = nil) {
        self.handle = handle; self.name = name; self.team = team; self.role = role
    }
}

public struct MemberLeft: EventPayload {
    public static let type = "member.left"
    public var handle: String
    public init(handle: String) { self.handle = handle }
}

public struct MemberMoved: EventPayload {
    public static let type = "member.moved"
    public var handle: String, team: String?
    public init(handle: String, team: String?) { self.handle = handle; self.team = team }
}

public struct RoleDefined: EventPayload {
    public static let type = "role.defined"
    public var team: String, responsibility: String, kpi: String?, accountableTo: String?
    public init(team: String, responsibility: String, kpi: String? = nil, accountableTo: String? = nil) {
        self.team = team; self.responsibility = responsibility; self.kpi = kpi; self.accountableTo = accountableTo
    }
}

public struct LeadSent: EventPayload {
    public static let type = "lead.sent"
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
    public static let type = "lead.reassigned"
    public var lead: String, to: String, reason: String?
    public init(lead: String, to: String, reason: String? = nil) { self.lead = lead; self.to = to; self.reason = reason }
}

public struct LeadAccepted: EventPayload {
    public static let type = "lead.accepted"
    public var lead: String
    public init(lead: String) { self.lead = lead }
}

public struct LeadRejected: EventPayload {
    public static let type = "lead.rejected"
    public var lead: String, reason: String, comment: String?
    public init(lead: String, reason: String, comment: String? = nil) { self.lead = lead; self.reason = reason; self.comment = comment }
}

public struct LeadRecycled: EventPayload {
    public static let type = "lead.recycled"
    public var lead: String, reason: String?
    public init(lead: String, reason: String? = nil) { self.lead = lead; self.reason = reason }
}

public struct LeadFeedback: EventPayload {
    public static let type = "lead.feedback"
    public var lead: String, rating: Int64, comment: String?, objections: [String]?
    public init(lead: String, rating: Int64, comment: String? = nil, objections: [String]? = nil) {
        self.lead = lead; self.rating = rating; self.comment = comment; self.objections = objections
    }
}

public struct LeadConverted: EventPayload {
    public static let type = "lead.converted"
    public var lead: String, amount: Double?, currency: String?
    public init(lead: String, amount: Double? = nil, currency: String? = nil) { self.lead = lead; self.amount = amount; self.currency = currency }
}

public struct LeadLost: EventPayload {
    public static let type = "lead.lost"
    public var lead: String, reason: String?
    public init(lead: String, reason: String? = nil) { self.lead = lead; self.reason = reason }
}

public struct CriteriaChanged: EventPayload {
    public static let type = "criteria.changed"
    public var version: Int64, rules: String, rationale: String?
    public init(version: Int64, rules: String, rationale: String? = nil) { self.version = version; self.rules = rules; self.rationale = rationale }
}

public struct CriteriaAgreed: EventPayload {
    public static let type = "criteria.agreed"
    public var version: Int64, team: String
    public init(version: Int64, team: String) { self.version = version; self.team = team }
}

public struct SLASet: EventPayload {
    public static let type = "sla.set"
    public var followUpHours: Int64, feedbackWithinDays: Int64?, monthlyMqlTarget: Int64?
    public init(followUpHours: Int64, feedbackWithinDays: Int64? = nil, monthlyMqlTarget: Int64? = nil) {
        self.followUpHours = followUpHours; self.feedbackWithinDays = feedbackWithinDays; self.monthlyMqlTarget = monthlyMqlTarget
    }
}

public struct GoalSet: EventPayload {
    public static let type = "goal.set"
    public var goal: String, metric: String, target: Double, period: String, teams: [String]?
    public init(goal: String, metric: String, target: Double, period: String, teams: [String]? = nil) {
        self.goal = goal; self.metric = metric; self.target = target; self.period = period; self.teams = teams
    }
}

public struct TensionFlagged: EventPayload {
    public static let type = "tension.flagged"
    public var tension: String, title: String, severity: String, category: String
    public var teams: [String]?, description: String?, refs: [String]?
    public init(tension: String, title: String, severity: String, category: String, teams: [String]? = nil,
                description: String? = nil, refs: [String]? = nil) {
        self.tension = tension; self.title = title; self.severity = severity; self.category = category
        self.teams = teams; self.description = description; self.refs = refs
    }
}

public struct TensionCommented: EventPayload {
    public static let type = "tension.commented"
    public var tension: String, comment: String
    public init(tension: String, comment: String) { self.tension = tension; self.comment = comment }
}

public struct TensionEscalated: EventPayload {
    public static let type = "tension.escalated"
    public var tension: String, to: String?, reason: String?
    public init(tension: String, to: String? = nil, reason: String? = nil) { self.tension = tension; self.to = to; self.reason = reason }
}

public struct TensionResolved: EventPayload {
    public static let type = "tension.resolved"
    public var tension: String, resolution: String, actions: [String]?
    public init(tension: String, resolution: String, actions: [String]? = nil) {
        self.tension = tension; self.resolution = resolution; self.actions = actions
    }
}

public struct TensionReopened: EventPayload {
    public static let type = "tension.reopened"
    public var tension: String, reason: String?
    public init(tension: String, reason: String? = nil) { self.tension = tension; self.reason = reason }
}

public struct MeetingHeld: EventPayload {
    public static let type = "meeting.held"
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
    public static let type = "action.completed"
    public var action: String, note: String?
    public init(action: String, note: String? = nil) { self.action = action; self.note = note }
}

public struct ContentRequested: EventPayload {
    public static let type = "content.requested"
    public var request: String, topic: String, lead: String?, neededBy: String?
    public init(request: String, topic: String, lead: String? = nil, neededBy: String? = nil) {
        self.request = request; self.topic = topic; self.lead = lead; self.neededBy = neededBy
    }
}

public struct ContentDelivered: EventPayload {
    public static let type = "content.delivered"
    public var request: String, title: String?, link: String?
    public init(request: String, title: String? = nil, link: String? = nil) { self.request = request; self.title = title; self.link = link }
}

public struct ResourceShared: EventPayload {
    public static let type = "resource.shared"
    public var resource: String, title: String, link: String, team: String, kind: String?
    public init(resource: String, title: String, link: String, team: String, kind: String? = nil) {
        self.resource = resource; self.title = title; self.link = link; self.team = team; self.kind = kind
    }
}

public struct ResourceUsed: EventPayload {
    public static let type = "resource.used"
    public var resource: String, lead: String?, note: String?
    public init(resource: String, lead: String? = nil, note: String? = nil) { self.resource = resource; self.lead = lead; self.note = note }
}

public struct EventRetracted: EventPayload {
    public static let type = "event.retracted"
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
