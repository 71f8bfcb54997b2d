/// The v1 event catalogue (DESIGN.md, "Event catalogue"): every event
/// type, the kind of stream it lives in, its payload fields, and the
/// schema number its payload is written with today.
///
/// This table is the one place a payload's shape is written down: it
/// validates every event (``EventTypeSpec/validate(data:)``), and
/// `parley types` prints it, as text or as JSON Schema.
public enum EventCatalogue {
    /// Stream kinds: the part of a stream name before the `/`.
    public static let streamKinds: [String] = [
        "lead", "tension", "criteria", "meeting", "sla", "goal",
        "member", "content", "resource", "role",
    ]

    public static let rejectReasons = ["not-a-fit", "bad-contact", "no-budget", "duplicate", "not-ready", "other"]
    public static let severities = ["low", "medium", "high"]
    public static let tensionCategories = [
        "communication", "role-confusion", "unclear-goals", "budget-competition", "personality",
        "conflicting-strategy", "resources-ignored", "accountability", "lead-quality", "sla", "other",
    ]

    private typealias F = PayloadField
    private static let teams = PayloadField.Kind.choice(PayloadField.teams)
    private static let note = PayloadField.Kind.text(maxLength: 2000)
    private static let line = PayloadField.Kind.text(maxLength: 200)

    /// Every type of v1, in catalogue order.
    public static let specs: [EventTypeSpec] = [
        EventTypeSpec("member.joined", stream: "member", idField: "handle", "someone joins one of the teams", [
            .required("handle", .handle, "the member's handle, name@team"),
            .required("name", line, "full name"),
            .required("team", teams),
            .optional("role", line, "what they do, e.g. \"demand gen\""),
        ]),
        EventTypeSpec("member.left", stream: "member", idField: "handle", "a member leaves", [
            .required("handle", .handle),
        ]),
        EventTypeSpec("member.moved", stream: "member", idField: "handle", "a member changes team", [
            .required("handle", .handle),
            .optional("team", teams, "the new team"),
        ]),
        EventTypeSpec("role.defined", stream: "role", idField: "team", "a team's responsibility, KPI and accountability", [
            .required("team", teams),
            .required("responsibility", note),
            .optional("kpi", line, "how the responsibility is measured"),
            .optional("accountable_to", .handle, "who the team answers to"),
        ]),
        EventTypeSpec("lead.sent", stream: "lead", idField: "lead", "marketing hands a lead to sales", [
            .required("lead", .identifier),
            .required("source", .text(maxLength: 100), "webinar, paid-search, referral, …"),
            .optional("campaign", .text(maxLength: 100)),
            .optional("criteria_version", .integer(1...Int64.max), "the MQL definition the lead met"),
            .optional("score", .integer(0...100)),
            .optional("assigned_to", .handle, "the sales rep who owns it"),
            .optional("attributes", .attributes, "employees, industry, title, country, … to check criteria later"),
        ]),
        EventTypeSpec("lead.reassigned", stream: "lead", idField: "lead", "a lead gets a new owner; the SLA clock restarts", [
            .required("lead", .identifier),
            .required("to", .handle),
            .optional("reason", note),
        ]),
        EventTypeSpec("lead.accepted", stream: "lead", idField: "lead", "sales accepts the lead (SAL)", [
            .required("lead", .identifier),
        ]),
        EventTypeSpec("lead.rejected", stream: "lead", idField: "lead", "sales rejects the lead, and says why", [
            .required("lead", .identifier),
            .required("reason", .choice(rejectReasons)),
            .optional("comment", note),
        ]),
        EventTypeSpec("lead.recycled", stream: "lead", idField: "lead", "the lead goes back to marketing nurture", [
            .required("lead", .identifier),
            .optional("reason", note),
        ]),
        EventTypeSpec("lead.feedback", stream: "lead", idField: "lead", schema: 2, "sales rates the lead's quality", [
            .required("lead", .identifier),
            .required("rating", .integer(1...5), "1 (useless) to 5 (perfect)"),
            .optional("comment", note),
            .optional("objections", .list(line, maxCount: 20), "objections heard from the prospect"),
        ]),
        EventTypeSpec("lead.converted", stream: "lead", idField: "lead", "the lead became a customer", [
            .required("lead", .identifier),
            .optional("amount", .number(0...Double.greatestFiniteMagnitude)),
            .optional("currency", .currency),
        ]),
        EventTypeSpec("lead.lost", stream: "lead", idField: "lead", "the lead was lost", [
            .required("lead", .identifier),
            .optional("reason", note),
        ]),
        EventTypeSpec("criteria.changed", stream: "criteria", streamID: "mql", "a new version of the MQL definition", [
            .required("version", .integer(1...Int64.max), "one more than the current version"),
            .required("rules", .text(maxLength: 4000)),
            .optional("rationale", note),
        ]),
        EventTypeSpec("criteria.agreed", stream: "criteria", streamID: "mql", "a team signs off a criteria version", [
            .required("version", .integer(1...Int64.max)),
            .required("team", teams),
        ]),
        EventTypeSpec("sla.set", stream: "sla", streamID: "main", "the service level agreement between the teams", [
            .required("follow_up_hours", .integer(1...8760), "hours sales has to give a verdict on a lead"),
            .optional("feedback_within_days", .integer(1...365)),
            .optional("monthly_mql_target", .integer(0...10_000_000)),
        ]),
        EventTypeSpec("goal.set", stream: "goal", idField: "goal", "a shared goal", [
            .required("goal", .identifier),
            .required("metric", .text(maxLength: 100)),
            .required("target", .number(0...Double.greatestFiniteMagnitude)),
            .required("period", .text(maxLength: 32), "2026-Q1, 2026-03, …"),
            .optional("teams", .list(teams, maxCount: 3)),
        ]),
        EventTypeSpec("tension.flagged", stream: "tension", idField: "tension", "someone flags tension early", [
            .required("tension", .identifier),
            .required("title", line),
            .required("severity", .choice(severities)),
            .required("category", .choice(tensionCategories)),
            .optional("teams", .list(teams, maxCount: 3)),
            .optional("description", note),
            .optional("refs", .list(.eventID, maxCount: 50), "events this is about"),
        ]),
        EventTypeSpec("tension.commented", stream: "tension", idField: "tension", "a comment on a tension", [
            .required("tension", .identifier),
            .required("comment", note),
        ]),
        EventTypeSpec("tension.escalated", stream: "tension", idField: "tension", "a tension goes to management", [
            .required("tension", .identifier),
            .optional("to", .handle),
            .optional("reason", note),
        ]),
        EventTypeSpec("tension.resolved", stream: "tension", idField: "tension", "a tension is resolved", [
            .required("tension", .identifier),
            .required("resolution", note),
            .optional("actions", .list(line, maxCount: 50)),
        ]),
        EventTypeSpec("tension.reopened", stream: "tension", idField: "tension", "a resolved tension is open again", [
            .required("tension", .identifier),
            .optional("reason", note),
        ]),
        EventTypeSpec("meeting.held", stream: "meeting", idField: "meeting", "a joint meeting", [
            .required("meeting", .identifier),
            .required("title", line),
            .required("attendees", .list(.handle, maxCount: 100)),
            .optional("agenda", note),
            .optional("decisions", .list(note, maxCount: 100)),
            .optional("action_items", .list(.object([
                .required("action", .identifier),
                .required("owner", .handle),
                .required("text", line),
                .optional("due", .time),
            ]), maxCount: 100)),
        ]),
        EventTypeSpec("action.completed", stream: "meeting", "an action item from a meeting is done", [
            .required("action", .identifier),
            .optional("note", note),
        ]),
        EventTypeSpec("content.requested", stream: "content", idField: "request", "sales asks marketing for content", [
            .required("request", .identifier),
            .required("topic", line),
            .optional("lead", .identifier),
            .optional("needed_by", .time),
        ]),
        EventTypeSpec("content.delivered", stream: "content", idField: "request", "marketing delivers the content", [
            .required("request", .identifier),
            .optional("title", line),
            .optional("link", .link),
        ]),
        EventTypeSpec("resource.shared", stream: "resource", idField: "resource", "a resource in the shared knowledge base", [
            .required("resource", .identifier),
            .required("title", line),
            .required("link", .link),
            .required("team", teams),
            .optional("kind", .text(maxLength: 50), "case study, battle card, …"),
        ]),
        EventTypeSpec("resource.used", stream: "resource", idField: "resource", "sales used a shared resource", [
            .required("resource", .identifier),
            .optional("lead", .identifier),
            .optional("note", note),
        ]),
        EventTypeSpec("event.retracted", stream: nil, "a correction: the target event no longer counts", [
            .required("target", .eventID, "the id of the event retracted"),
            .required("reason", note),
        ]),
    ]

    private static let byName: [String: EventTypeSpec] = Dictionary(uniqueKeysWithValues: specs.map { ($0.name, $0) })

    /// The spec of `type`, or nil if the type is unknown.
    public static func spec(_ type: String) -> EventTypeSpec? { byName[type] }

    /// The current payload schema number of `type`, or nil if the type is unknown.
    public static func schema(of type: String) -> Int? { schemaByName[type] }

    /// The schema numbers alone: asked once per event read, where looking up
    /// the whole spec would copy it.
    private static let schemaByName: [String: Int] = byName.mapValues(\.schema)

    /// The type names, in catalogue order.
    public static var typeNames: [String] { specs.map(\.name) }
}
