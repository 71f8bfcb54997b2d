/// The v1 event catalogue: every event type Parley knows, and the kinds of
/// stream events live in (see DESIGN.md, "Event catalogue").
///
/// The envelope is checked against these lists; each type's payload rules
/// are checked by its typed payload.
public enum EventCatalogue {
    /// Stream kinds: the part of a stream name before the `/`.
    public static let streamKinds: [String] = [
        "lead", "tension", "criteria", "meeting", "sla", "goal",
        "member", "content", "resource", "role",
    ]

    /// Every event type of v1, with the payload schema number it is
    /// written with today.
    public static let types: [String: Int] = [
        "member.joined": 1, "member.left": 1, "member.moved": 1,
        "role.defined": 1,
        "lead.sent": 1, "lead.reassigned": 1, "lead.accepted": 1, "lead.rejected": 1,
        "lead.recycled": 1, "lead.feedback": 1, "lead.converted": 1, "lead.lost": 1,
        "criteria.changed": 1, "criteria.agreed": 1,
        "sla.set": 1,
        "goal.set": 1,
        "tension.flagged": 1, "tension.commented": 1, "tension.escalated": 1,
        "tension.resolved": 1, "tension.reopened": 1,
        "meeting.held": 1, "action.completed": 1,
        "content.requested": 1, "content.delivered": 1,
        "resource.shared": 1, "resource.used": 1,
        "event.retracted": 1,
    ]

    /// The current payload schema number of `type`, or nil if the type is unknown.
    public static func schema(of type: String) -> Int? { types[type] }

    /// The type names, sorted, for messages and `--help`.
    public static var typeNames: [String] { types.keys.sorted() }
}
