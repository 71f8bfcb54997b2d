// The payloads of the catalogue: Meetings and their action items, content, resources, corrections.

public struct MeetingHeld: EventPayload {
    public static let type = "meeting.held"
    public static let meeting = PayloadKey<String>.required("meeting", .identifier)
    public static let title = PayloadKey<String>.required("title", .line)
    public static let attendees = PayloadKey<[String]>.required("attendees", .list(.handle, maxCount: 100))
    public static let agenda = PayloadKey<String>.optional("agenda", .note)
    public static let decisions = PayloadKey<[String]>.optional("decisions", .list(.note, maxCount: 100))
    public static let actionItems = PayloadKey<[ActionItem]>.optional("action_items", .list(.object(ActionItem.fields), maxCount: 100))
    public static let spec = EventTypeSpec(type, stream: "meeting", idField: meeting, "a joint meeting",
                                           [meeting, title, attendees, agenda, decisions, actionItems])
    /// One action item of a meeting: an object in its `action_items`.
    public struct ActionItem: Codable, Sendable, Equatable {
        public static let action = PayloadKey<String>.required("action", .identifier)
        public static let owner = PayloadKey<String>.required("owner", .handle)
        public static let text = PayloadKey<String>.required("text", .line)
        public static let due = PayloadKey<String>.optional("due", .time)
        static let fields = [action, owner, text, due].map(\.field)
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

extension MeetingHeld.ActionItem: PayloadValue {
    /// An item as a fold reads it: one without an action id is passed over.
    public init?(payloadMember value: JSONValue) {
        guard let action = value[Self.action] else { return nil }
        self.init(action: action, owner: value[Self.owner] ?? "", text: value[Self.text] ?? "", due: value[Self.due])
    }

    public static func holds(_ kind: PayloadField.Kind) -> Bool {
        if case .object = kind { true } else { false }
    }
}

public struct ActionCompleted: EventPayload {
    public static let type = "action.completed"
    public static let action = PayloadKey<String>.required("action", .identifier)
    public static let note = PayloadKey<String>.optional("note", .note)
    public static let spec = EventTypeSpec(type, stream: "meeting", "an action item from a meeting is done", [action, note])
    public var action: String, note: String?
    public init(action: String, note: String? = nil) { self.action = action; self.note = note }
}

public struct ContentRequested: EventPayload {
    public static let type = "content.requested"
    public static let request = PayloadKey<String>.required("request", .identifier)
    public static let topic = PayloadKey<String>.required("topic", .line)
    public static let lead = PayloadKey<String>.optional("lead", .identifier)
    public static let neededBy = PayloadKey<String>.optional("needed_by", .time)
    public static let spec = EventTypeSpec(type, stream: "content", idField: request, "sales asks marketing for content",
                                           [request, topic, lead, neededBy])
    public var request: String, topic: String, lead: String?, neededBy: String?
    public init(request: String, topic: String, lead: String? = nil, neededBy: String? = nil) {
        self.request = request; self.topic = topic; self.lead = lead; self.neededBy = neededBy
    }
}

public struct ContentDelivered: EventPayload {
    public static let type = "content.delivered"
    public static let request = PayloadKey<String>.required("request", .identifier)
    public static let title = PayloadKey<String>.optional("title", .line)
    public static let link = PayloadKey<String>.optional("link", .link)
    public static let spec = EventTypeSpec(type, stream: "content", idField: request, "marketing delivers the content", [request, title, link])
    public var request: String, title: String?, link: String?
    public init(request: String, title: String? = nil, link: String? = nil) { self.request = request; self.title = title; self.link = link }
}

public struct ResourceShared: EventPayload {
    public static let type = "resource.shared"
    public static let resource = PayloadKey<String>.required("resource", .identifier)
    public static let title = PayloadKey<String>.required("title", .line)
    public static let link = PayloadKey<String>.required("link", .link)
    public static let team = PayloadKey<String>.required("team", .team)
    public static let kind = PayloadKey<String>.optional("kind", .text(maxLength: 50), "case study, battle card, …")
    public static let spec = EventTypeSpec(type, stream: "resource", idField: resource, "a resource in the shared knowledge base",
                                           [resource, title, link, team, kind])
    public var resource: String, title: String, link: String, team: String, kind: String?
    public init(resource: String, title: String, link: String, team: String, kind: String? = nil) {
        self.resource = resource; self.title = title; self.link = link; self.team = team; self.kind = kind
    }
}

public struct ResourceUsed: EventPayload {
    public static let type = "resource.used"
    public static let resource = PayloadKey<String>.required("resource", .identifier)
    public static let lead = PayloadKey<String>.optional("lead", .identifier)
    public static let note = PayloadKey<String>.optional("note", .note)
    public static let spec = EventTypeSpec(type, stream: "resource", idField: resource, "sales used a shared resource", [resource, lead, note])
    public var resource: String, lead: String?, note: String?
    public init(resource: String, lead: String? = nil, note: String? = nil) { self.resource = resource; self.lead = lead; self.note = note }
}

public struct EventRetracted: EventPayload {
    public static let type = "event.retracted"
    public static let target = PayloadKey<String>.required("target", .eventID, "the id of the event retracted")
    public static let reason = PayloadKey<String>.required("reason", .note)
    public static let spec = EventTypeSpec(type, stream: nil, "a correction: the target event no longer counts", [target, reason])
    public var target: String, reason: String
    public init(target: String, reason: String) { self.target = target; self.reason = reason }
}
