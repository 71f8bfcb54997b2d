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
        let id = String(event.stream.split(separator: "/", maxSplits: 1).last ?? "")
        let kind: String
        var joint = false
        var refs: [String] = []
        var summary: String
        switch event.type {
        case CriteriaChanged.type:
            let version = data[CriteriaChanged.version] ?? 0
            kind = "criteria"
            refs = ["v\(version)"]
            summary = "\(actor) proposed lead criteria v\(version): \(data[CriteriaChanged.rules] ?? "")"
            if let rationale = data[CriteriaChanged.rationale] { summary += " (why: \(rationale))" }
        case CriteriaAgreed.type:
            let version = data[CriteriaAgreed.version] ?? 0
            kind = "criteria"
            refs = ["v\(version)"]
            if let signing = data[CriteriaAgreed.team] { teams.insert(signing) }
            summary = "\(actor) signed lead criteria v\(version) for \(data[CriteriaAgreed.team] ?? "their team")"
        case SLASet.type:
            kind = "sla"
            summary = "\(actor) set the SLA: a verdict within \(data[SLASet.followUpHours] ?? 0) hours"
            if let days = data[SLASet.feedbackWithinDays] { summary += ", feedback within \(days) days" }
            if let target = data[SLASet.monthlyMqlTarget] { summary += ", \(target) MQLs a month" }
        case GoalSet.type:
            kind = "goal"
            refs = [data[GoalSet.goal] ?? id]
            teams.formUnion(data[GoalSet.teams] ?? [])
            summary = "\(actor) set the goal \(data[GoalSet.goal] ?? id): \(data[GoalSet.metric] ?? "") \(data[GoalSet.target].map(short) ?? "") for \(data[GoalSet.period] ?? "")"
        case TensionFlagged.type:
            let tension = data[TensionFlagged.tension] ?? id
            tensionTitles[tension] = data[TensionFlagged.title]
            tensionTeams[tension] = data[TensionFlagged.teams] ?? []
            kind = "tension"
            refs = [tension]
            teams.formUnion(data[TensionFlagged.teams] ?? [])
            summary = "\(actor) flagged a \(data[TensionFlagged.severity] ?? "") \(data[TensionFlagged.category] ?? "") tension: \(self.tension(tension))"
        case TensionEscalated.type, TensionResolved.type, TensionReopened.type:
            let tension = data[EventCatalogue.tension] ?? id
            kind = "tension"
            refs = [tension]
            teams.formUnion(tensionTeams[tension] ?? [])
            let verb = [TensionEscalated.type: "escalated", TensionResolved.type: "resolved", TensionReopened.type: "reopened"][event.type]!
            summary = "\(actor) \(verb) \(self.tension(tension))"
            if let resolution = data[TensionResolved.resolution] { summary += ": \(resolution)" }
            if let reason = event.type == TensionReopened.type ? data[TensionReopened.reason] : data[TensionEscalated.reason] {
                summary += " (\(reason))"
            }
        case MeetingHeld.type:
            let attendees = data[MeetingHeld.attendees] ?? []
            let attending = Set(attendees.compactMap { members[$0]?.team })
            teams.formUnion(attending)
            kind = "meeting"
            refs = [data[MeetingHeld.meeting] ?? id]
            let decisions = data[MeetingHeld.decisions] ?? []
            let actions = (data[MeetingHeld.actionItems] ?? []).map(\.action)
            refs += actions
            joint = attending.contains("marketing") && attending.contains("sales")
            summary = "\(joint ? "Joint meeting" : "Meeting") “\(data[MeetingHeld.title] ?? "")” (\(attendees.count) attending)"
            if !decisions.isEmpty { summary += "; decided: " + decisions.joined(separator: "; ") }
            if !actions.isEmpty { summary += "; \(actions.count) action item\(actions.count == 1 ? "" : "s")" }
        case ActionCompleted.type:
            kind = "action"
            refs = [data[ActionCompleted.action] ?? "", id]
            summary = "\(actor) completed action \(data[ActionCompleted.action] ?? "")"
            if let note = data[ActionCompleted.note] { summary += ": \(note)" }
        case ContentRequested.type:
            kind = "content"
            refs = [data[ContentRequested.request] ?? id]
            summary = "\(actor) asked for content: \(data[ContentRequested.topic] ?? "")"
            if let needed = data[ContentRequested.neededBy] { summary += " (needed by \(needed.prefix(10)))" }
        case ContentDelivered.type:
            kind = "content"
            refs = [data[ContentDelivered.request] ?? id]
            summary = "\(actor) delivered content for \(data[ContentDelivered.request] ?? id)" + (data[ContentDelivered.title].map { ": \($0)" } ?? "")
        case ResourceShared.type:
            kind = "resource"
            refs = [data[ResourceShared.resource] ?? id]
            if let shared = data[ResourceShared.team] { teams.insert(shared) }
            summary = "\(actor) shared “\(data[ResourceShared.title] ?? "")”"
        case MemberJoined.type:
            kind = "member"
            let handle = data[MemberJoined.handle] ?? id
            refs = [handle]
            if let joined = data[MemberJoined.team] { teams.insert(joined) }
            summary = "\(data[MemberJoined.name] ?? handle) joined \(data[MemberJoined.team] ?? "")"
        case MemberLeft.type:
            kind = "member"
            let handle = data[MemberLeft.handle] ?? id
            refs = [handle]
            teams.formUnion(team(handle))
            summary = "\(who(handle)) left"
        case MemberMoved.type:
            kind = "member"
            let handle = data[MemberMoved.handle] ?? id
            refs = [handle]
            teams.formUnion(team(handle))
            if let to = data[MemberMoved.team] { teams.insert(to) }
            summary = "\(members[handle]?.name ?? handle) moved to \(data[MemberMoved.team] ?? "")"
        case RoleDefined.type:
            kind = "role"
            refs = [data[RoleDefined.team] ?? id]
            if let defined = data[RoleDefined.team] { teams.insert(defined) }
            summary = "\(actor) defined \(data[RoleDefined.team] ?? id)'s role: \(data[RoleDefined.responsibility] ?? "")"
        case EventRetracted.type:
            kind = "correction"
            refs = [data[EventRetracted.target] ?? ""]
            summary = "\(actor) retracted an event: \(data[EventRetracted.reason] ?? "")"
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
