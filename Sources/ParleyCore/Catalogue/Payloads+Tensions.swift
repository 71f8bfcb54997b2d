// The payloads of the catalogue: Tensions, from flagged to resolved.

public struct TensionFlagged: EventPayload {
    public static let type = "tension.flagged"
    public static let tension = PayloadKey<String>.required("tension", .identifier)
    public static let title = PayloadKey<String>.required("title", .line)
    public static let severity = PayloadKey<String>.required("severity", .choice(EventCatalogue.severities))
    public static let category = PayloadKey<String>.required("category", .choice(EventCatalogue.tensionCategories))
    public static let teams = PayloadKey<[String]>.optional("teams", .list(.team, maxCount: 3))
    public static let description = PayloadKey<String>.optional("description", .note)
    public static let refs = PayloadKey<[String]>.optional("refs", .list(.eventID, maxCount: 50), "events this is about")
    public static let spec = EventTypeSpec(type, stream: "tension", idField: tension, "someone flags tension early",
                                           [tension, title, severity, category, teams, description, refs])
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
    public static let tension = PayloadKey<String>.required("tension", .identifier)
    public static let comment = PayloadKey<String>.required("comment", .note)
    public static let spec = EventTypeSpec(type, stream: "tension", idField: tension, "a comment on a tension", [tension, comment])
    public var tension: String, comment: String
    public init(tension: String, comment: String) { self.tension = tension; self.comment = comment }
}

public struct TensionEscalated: EventPayload {
    public static let type = "tension.escalated"
    public static let tension = PayloadKey<String>.required("tension", .identifier)
    public static let to = PayloadKey<String>.optional("to", .handle)
    public static let reason = PayloadKey<String>.optional("reason", .note)
    public static let spec = EventTypeSpec(type, stream: "tension", idField: tension, "a tension goes to management", [tension, to, reason])
    public var tension: String, to: String?, reason: String?
    public init(tension: String, to: String? = nil, reason: String? = nil) { self.tension = tension; self.to = to; self.reason = reason }
}

public struct TensionResolved: EventPayload {
    public static let type = "tension.resolved"
    public static let tension = PayloadKey<String>.required("tension", .identifier)
    public static let resolution = PayloadKey<String>.required("resolution", .note)
    public static let actions = PayloadKey<[String]>.optional("actions", .list(.line, maxCount: 50))
    public static let spec = EventTypeSpec(type, stream: "tension", idField: tension, "a tension is resolved", [tension, resolution, actions])
    public var tension: String, resolution: String, actions: [String]?
    public init(tension: String, resolution: String, actions: [String]? = nil) {
        self.tension = tension; self.resolution = resolution; self.actions = actions
    }
}

public struct TensionReopened: EventPayload {
    public static let type = "tension.reopened"
    public static let tension = PayloadKey<String>.required("tension", .identifier)
    public static let reason = PayloadKey<String>.optional("reason", .note)
    public static let spec = EventTypeSpec(type, stream: "tension", idField: tension, "a resolved tension is open again", [tension, reason])
    public var tension: String, reason: String?
    public init(tension: String, reason: String? = nil) { self.tension = tension; self.reason = reason }
}
