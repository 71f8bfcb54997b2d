// The payloads of the catalogue: Meetings and their action items, content, resources, corrections.

public struct MeetingHeld: EventPayload {
    public static let type = "meeting.held"
    public static let spec = EventTypeSpec(type, stream: "meeting", idField: "meeting", "a joint meeting", [
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
    public static let type = "action.completed"
    public static let spec = EventTypeSpec(type, stream: "meeting", "an action item from a meeting is done", [
        .required("action", .identifier),
        .optional("note", .note),
    ])
    public var action: String, note: String?
    public init(action: String, note: String? = nil) { self.action = action; self.note = note }
}

public struct ContentRequested: EventPayload {
    public static let type = "content.requested"
    public static let spec = EventTypeSpec(type, stream: "content", idField: "request", "sales asks marketing for content", [
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
    public static let type = "content.delivered"
    public static let spec = EventTypeSpec(type, stream: "content", idField: "request", "marketing delivers the content", [
        .required("request", .identifier),
        .optional("title", .line),
        .optional("link", .link),
    ])
    public var request: String, title: String?, link: String?
    public init(request: String, title: String? = nil, link: String? = nil) { self.request = request; self.title = title; self.link = link }
}

public struct ResourceShared: EventPayload {
    public static let type = "resource.shared"
    public static let spec = EventTypeSpec(type, stream: "resource", idField: "resource", "a resource in the shared knowledge base", [
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
    public static let type = "resource.used"
    public static let spec = EventTypeSpec(type, stream: "resource", idField: "resource", "sales used a shared resource", [
        .required("resource", .identifier),
        .optional("lead", .identifier),
        .optional("note", .note),
    ])
    public var resource: String, lead: String?, note: String?
    public init(resource: String, lead: String? = nil, note: String? = nil) { self.resource = resource; self.lead = lead; self.note = note }
}

public struct EventRetracted: EventPayload {
    public static let type = "event.retracted"
    public static let spec = EventTypeSpec(type, stream: nil, "a correction: the target event no longer counts", [
        .required("target", .eventID, "the id of the event retracted"),
        .required("reason", .note),
    ])
    public var target: String, reason: String
    public init(target: String, reason: String) { self.target = target; self.reason = reason }
}
