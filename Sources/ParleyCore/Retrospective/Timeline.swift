/// One line of a period's story: something that happened, in words, with
/// the position of the event that says so (nil for a week's lead summary
/// and for an action item that was due and not done).
public struct TimelineEntry: Sendable, Equatable {
    public var at: Timestamp
    public var week: Week
    /// criteria, sla, tension, meeting, action, member, role, goal, content, resource, correction or leads.
    public var kind: String
    public var summary: String
    /// What it is about: ids of tensions, meetings, actions, leads' sources, versions, members.
    public var refs: [String]
    public var position: Int64?
    /// The teams it involves (for `--team`).
    public var teams: Set<String>
    /// The event's type; nil for a summary.
    public var type: String? = nil
    /// A meeting both marketing and sales attended.
    public var joint = false

    /// The kinds a timeline has, for `--kind`.
    public static let kinds = ["action", "content", "correction", "criteria", "goal", "leads", "meeting", "member", "resource", "role", "sla", "tension"]
}

/// Tells a period's story from its events: one entry per event that
/// matters to the relationship, in words a person reads at a glance.
/// Leads are not listed one by one: ``addLeads(week:source:group:)`` adds a
/// week's sum per source.
///
/// The builder is given what it needs to know from outside the period:
/// the member directory (names and teams) and the titles of tensions
/// flagged before it.
public struct TimelineBuilder: Sendable {
    public private(set) var entries: [TimelineEntry] = []
    private var members: [String: MembersProjection.Row]
    private var tensionTitles: [String: String]
    private var tensionTeams: [String: [String]] = [:]

    public init(members: [MembersProjection.Row], tensions: [IssuesProjection.Tension]) {
        self.members = Dictionary(members.map { ($0.handle, $0) }, uniquingKeysWith: { $1 })
        self.tensionTitles = Dictionary(tensions.map { ($0.tension, $0.title) }, uniquingKeysWith: { $1 })
        self.tensionTeams = Dictionary(tensions.map { ($0.tension, $0.teams) }, uniquingKeysWith: { $1 })
    }

    /// The event types a timeline tells (lead events are summed instead).
    public static let types: [String] = [
        CriteriaChanged.type, CriteriaAgreed.type, SLASet.type, GoalSet.type,
        TensionFlagged.type, TensionEscalated.type, TensionResolved.type, TensionReopened.type,
        MeetingHeld.type, ActionCompleted.type, ContentRequested.type, ContentDelivered.type, ResourceShared.type,
        MemberJoined.type, MemberLeft.type, MemberMoved.type, RoleDefined.type, EventRetracted.type,
    ]

    private func who(_ handle: String) -> String {
        guard let member = members[handle] else { return handle }
        return "\(member.name) (\(member.team))"
    }

    private func team(_ handle: String) -> Set<String> {
        members[handle].map { [$0.team] } ?? []
    }

    private func tension(_ id: String) -> String {
        tensionTitles[id].map { "\(id) “\($0)”" } ?? id
    }

    /// Adds the entry `event` makes, if its type is one a timeline tells.
    public mutating func add(_ event: RecordedEvent, data: Payload) {
        let actor = who(event.actor)
        var teams = team(event.actor)
        func text(_ key: String) -> String? { data[key]?.stringValue }
        func list(_ key: String) -> [String] {
            if case let .array(items)? = data[key] { return items.compactMap(\.stringValue) }
            return []
        }
        let id = String(event.stream.split(separator: "/", maxSplits: 1).last ?? "")
        let kind: String
        var joint = false
        var refs: [String] = []
        var summary: String
        switch event.type {
        case CriteriaChanged.type:
            let version = data["version"]?.integerValue ?? 0
            kind = "criteria"
            refs = ["v\(version)"]
            summary = "\(actor) proposed lead criteria v\(version): \(text("rules") ?? "")"
            if let rationale = text("rationale") { summary += " (why: \(rationale))" }
        case CriteriaAgreed.type:
            let version = data["version"]?.integerValue ?? 0
            kind = "criteria"
            refs = ["v\(version)"]
            if let signing = text("team") { teams.insert(signing) }
            summary = "\(actor) signed lead criteria v\(version) for \(text("team") ?? "their team")"
        case SLASet.type:
            kind = "sla"
            summary = "\(actor) set the SLA: a verdict within \(data["follow_up_hours"]?.integerValue ?? 0) hours"
            if let days = data["feedback_within_days"]?.integerValue { summary += ", feedback within \(days) days" }
            if let target = data["monthly_mql_target"]?.integerValue { summary += ", \(target) MQLs a month" }
        case GoalSet.type:
            kind = "goal"
            refs = [text("goal") ?? id]
            teams.formUnion(list("teams"))
            summary = "\(actor) set the goal \(text("goal") ?? id): \(text("metric") ?? "") \(data["target"].map { "\($0)" } ?? "") for \(text("period") ?? "")"
        case TensionFlagged.type:
            let tension = text("tension") ?? id
            tensionTitles[tension] = text("title")
            tensionTeams[tension] = list("teams")
            kind = "tension"
            refs = [tension]
            teams.formUnion(list("teams"))
            summary = "\(actor) flagged a \(text("severity") ?? "") \(text("category") ?? "") tension: \(self.tension(tension))"
        case TensionEscalated.type, TensionResolved.type, TensionReopened.type:
            let tension = text("tension") ?? id
            kind = "tension"
            refs = [tension]
            teams.formUnion(tensionTeams[tension] ?? [])
            let verb = [TensionEscalated.type: "escalated", TensionResolved.type: "resolved", TensionReopened.type: "reopened"][event.type]!
            summary = "\(actor) \(verb) \(self.tension(tension))"
            if let resolution = text("resolution") { summary += ": \(resolution)" }
            if let reason = text("reason") { summary += " (\(reason))" }
        case MeetingHeld.type:
            let attendees = list("attendees")
            let attending = Set(attendees.compactMap { members[$0]?.team })
            teams.formUnion(attending)
            kind = "meeting"
            refs = [text("meeting") ?? id]
            let decisions = list("decisions")
            var actions: [String] = []
            if case let .array(items)? = data["action_items"] {
                for item in items { if let action = item["action"]?.stringValue { actions.append(action) } }
            }
            refs += actions
            joint = attending.contains("marketing") && attending.contains("sales")
            summary = "\(joint ? "Joint meeting" : "Meeting") “\(text("title") ?? "")” (\(attendees.count) attending)"
            if !decisions.isEmpty { summary += "; decided: " + decisions.joined(separator: "; ") }
            if !actions.isEmpty { summary += "; \(actions.count) action item\(actions.count == 1 ? "" : "s")" }
        case ActionCompleted.type:
            kind = "action"
            refs = [text("action") ?? "", id]
            summary = "\(actor) completed action \(text("action") ?? "")"
            if let note = text("note") { summary += ": \(note)" }
        case ContentRequested.type:
            kind = "content"
            refs = [text("request") ?? id]
            summary = "\(actor) asked for content: \(text("topic") ?? "")"
            if let needed = text("needed_by") { summary += " (needed by \(needed.prefix(10)))" }
        case ContentDelivered.type:
            kind = "content"
            refs = [text("request") ?? id]
            summary = "\(actor) delivered content for \(text("request") ?? id)" + (text("title").map { ": \($0)" } ?? "")
        case ResourceShared.type:
            kind = "resource"
            refs = [text("resource") ?? id]
            if let shared = text("team") { teams.insert(shared) }
            summary = "\(actor) shared “\(text("title") ?? "")”"
        case MemberJoined.type:
            kind = "member"
            let handle = text("handle") ?? id
            refs = [handle]
            if let joined = text("team") { teams.insert(joined) }
            summary = "\(text("name") ?? handle) joined \(text("team") ?? "")"
        case MemberLeft.type:
            kind = "member"
            let handle = text("handle") ?? id
            refs = [handle]
            teams.formUnion(team(handle))
            summary = "\(who(handle)) left"
        case MemberMoved.type:
            kind = "member"
            let handle = text("handle") ?? id
            refs = [handle]
            teams.formUnion(team(handle))
            if let to = text("team") { teams.insert(to) }
            summary = "\(members[handle]?.name ?? handle) moved to \(text("team") ?? "")"
        case RoleDefined.type:
            kind = "role"
            refs = [text("team") ?? id]
            if let defined = text("team") { teams.insert(defined) }
            summary = "\(actor) defined \(text("team") ?? id)'s role: \(text("responsibility") ?? "")"
        case EventRetracted.type:
            kind = "correction"
            refs = [text("target") ?? ""]
            summary = "\(actor) retracted an event: \(text("reason") ?? "")"
        default:
            return
        }
        entries.append(TimelineEntry(at: event.occurredAt, week: Week(containing: event.occurredAt), kind: kind, summary: summary,
                                     refs: refs, position: event.position, teams: teams, type: event.type, joint: joint))
    }

    /// Adds an action item that fell due in the period and was not done by then.
    public mutating func addMissed(_ action: IssuesProjection.Action, due: Timestamp) {
        let late = action.completedAt.map { " (done later, \($0.yearMonthDay))" } ?? ""
        entries.append(TimelineEntry(at: due, week: Week(containing: due), kind: "action",
                                     summary: "Action \(action.action) was due and not done: \(action.text), owner \(who(action.owner))\(late)",
                                     refs: [action.action, action.meeting], position: nil, teams: team(action.owner)))
    }

    /// Adds a week's leads from `source`: how many were sent that week, and
    /// what has become of them.
    public mutating func addLeads(week: Week, at: Timestamp, source: String, group: LeadQualityProjection.Group) {
        guard group.sent > 0 else { return }
        entries.append(TimelineEntry(
            at: at, week: week, kind: "leads",
            summary: "\(group.sent) lead\(group.sent == 1 ? "" : "s") sent from \(source): \(group.accepted) accepted, \(group.rejected) rejected, \(group.converted) converted",
            refs: [source], position: nil, teams: ["marketing", "sales"]))
    }

    /// The entries in time order (a week's lead sums first in their week),
    /// of the kinds asked for and involving the team asked for.
    public func timeline(team: String? = nil, kinds: Set<String> = []) -> [TimelineEntry] {
        entries
            .filter { (kinds.isEmpty || kinds.contains($0.kind)) && (team == nil || $0.teams.contains(team!)) }
            .sorted { ($0.at, $0.position ?? -1, $0.refs.first ?? "") < ($1.at, $1.position ?? -1, $1.refs.first ?? "") }
    }
}
