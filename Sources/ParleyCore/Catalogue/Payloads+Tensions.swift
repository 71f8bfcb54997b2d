// The payloads of the catalogue: Tensions, from flagged to resolved.

public struct TensionFlagged: EventPayload {
    public static let type = "tension.flagged"
    public static let spec = EventTypeSpec(type, stream: "tension", idField: "tension", "someone flags tension early", [
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
    public static let type = "tension.commented"
    public static let spec = EventTypeSpec(type, stream: "tension", idField: "tension", "a comment on a tension", [
        .required("tension", .identifier),
        .required("comment", .note),
    ])
    public var tension: String, comment: String
    public init(tension: String, comment: String) { self.tension = tension; self.comment = comment }
}

public struct TensionEscalated: EventPayload {
    public static let type = "tension.escalated"
    public static let spec = EventTypeSpec(type, stream: "tension", idField: "tension", "a tension goes to management", [
        .required("tension", .identifier),
        .optional("to", .handle),
        .optional("reason", .note),
    ])
    public var tension: String, to: String?, reason: String?
    public init(tension: String, to: String? = nil, reason: String? = nil) { self.tension = tension; self.to = to; self.reason = reason }
}

public struct TensionResolved: EventPayload {
    public static let type = "tension.resolved"
    public static let spec = EventTypeSpec(type, stream: "tension", idField: "tension", "a tension is resolved", [
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
    public static let type = "tension.reopened"
    public static let spec = EventTypeSpec(type, stream: "tension", idField: "tension", "a resolved tension is open again", [
        .required("tension", .identifier),
        .optional("reason", .note),
    ])
    public var tension: String, reason: String?
    public init(tension: String, reason: String? = nil) { self.tension = tension; self.reason = reason }
}
