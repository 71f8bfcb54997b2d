/// What is still open between the teams, besides leads waiting on sales
/// (``FollowUpProjection`` has those): tensions, action items, content
/// requests, agreements (criteria, SLA, documents) not yet signed by both
/// teams, resources nobody used.
///
/// Rows: `tension/<id>` (open) and `resolved/<id>` (resolved, kept in case
/// it is reopened), `action/<id>`, `content/<id>` (dropped when delivered),
/// `criteria/<version>`, `sla/versions`, `agreement/<name>`,
/// `resource/<id>` (dropped when first used), `team/<handle>`. What is open
/// is read by prefix: ``openPrefixes``.
public enum IssuesProjection: Projection {
    public static let typePrefixes = ["tension.", "meeting.", "action.", "content.", "criteria.", "member.", "sla.", "agreement.", "resource."]

    public static let name = "issues"
    /// 2: resolved tensions under their own prefix. 3: tensions and rows coded as lists.
    /// 4: SLA and agreement sign-offs, unused resources.
    public static let version = 4

    /// The prefixes of the rows that can be open issues.
    public static let openPrefixes = ["tension/", "action/", "content/", "criteria/", "sla/", "agreement/", "resource/"]

    /// Days a shared resource may go unused before `issues` lists it.
    public static let unusedContentDays: Int64 = 30

    public struct Tension: Codable, Sendable, Equatable {
        public var tension: String
        public var title: String
        public var severity: String
        public var category: String
        public var teams: [String]
        public var flaggedBy: String
        public var flaggedAt: Timestamp
        public var lastActivity: Timestamp
        public var escalated: Bool
        public var resolved: Bool
    }

    public struct Action: Codable, Sendable, Equatable {
        /// `done`, `overdue` (past its due date at `now`) or `open`.
        public func state(at now: Timestamp) -> String {
            if completedAt != nil { return "done" }
            guard let deadline = OpenIssue.deadline(due) else { return "open" }
            return deadline < now ? "overdue" : "open"
        }

        public var action: String
        public var meeting: String
        public var owner: String
        public var text: String
        public var due: String?
        public var heldAt: Timestamp
        public var completedAt: Timestamp?
    }

    public struct Content: Codable, Sendable, Equatable {
        public var request: String
        public var topic: String
        public var requestedBy: String
        public var requestedAt: Timestamp
        public var neededBy: String?
    }

    public struct Criteria: Codable, Sendable, Equatable {
        public var version: Int64
        public var changedBy: String
        public var changedAt: Timestamp
        /// Teams that agreed (the changer's team counts as agreeing).
        public var agreed: [String]
    }

    /// The SLA's or a named agreement's versions and signatures.
    public struct Signing: Codable, Sendable, Equatable {
        /// `sla`, or the agreement's name.
        public var name: String
        public var isSLA: Bool
        public var versions: AgreementVersions
    }

    /// A resource shared and not used yet.
    public struct Resource: Codable, Sendable, Equatable {
        public var resource: String
        public var title: String
        public var sharedBy: String
        public var sharedAt: Timestamp
    }

    public enum Row: Codable, Sendable, Equatable {
        case tension(Tension)
        case action(Action)
        case content(Content)
        case criteria(Criteria)
        /// A member's current team (`team/<handle>`), so a criteria change counts as its team's agreement.
        case team(String)
        case signing(Signing)
        case resource(Resource)

        // Coded as `[case number, value]` (see PositionalCoding): `issues` reads every open one.
        public func encode(to encoder: any Encoder) throws {
            switch self {
            case let .tension(tension): try RowCase.encode(0, tension, to: encoder)
            case let .action(action): try RowCase.encode(1, action, to: encoder)
            case let .content(content): try RowCase.encode(2, content, to: encoder)
            case let .criteria(criteria): try RowCase.encode(3, criteria, to: encoder)
            case let .team(team): try RowCase.encode(4, team, to: encoder)
            case let .signing(signing): try RowCase.encode(5, signing, to: encoder)
            case let .resource(resource): try RowCase.encode(6, resource, to: encoder)
            }
        }

        public init(from decoder: any Decoder) throws {
            var (number, list) = try RowCase.decode(from: decoder)
            switch number {
            case 0: self = .tension(try list.decode(Tension.self))
            case 1: self = .action(try list.decode(Action.self))
            case 2: self = .content(try list.decode(Content.self))
            case 3: self = .criteria(try list.decode(Criteria.self))
            case 4: self = .team(try list.decode(String.self))
            case 5: self = .signing(try list.decode(Signing.self))
            case 6: self = .resource(try list.decode(Resource.self))
            default: throw RowCase.unknown(number, list)
            }
        }
    }

    public static func apply(_ event: RecordedEvent, data: Payload, to rows: ProjectionRows<Row>) throws {
        let type = event.type
        guard type.hasPrefix("tension.") || type == "meeting.held" || type == "action.completed" || type.hasPrefix("content.")
                || type.hasPrefix("criteria.") || type == "member.joined" || type == "member.moved" || type.hasPrefix("sla.")
                || type.hasPrefix("agreement.") || type.hasPrefix("resource.") else { return }
        switch type {
        case "member.joined", "member.moved":
            if let team = data["team"]?.stringValue { rows.set("team/\(String(event.stream.dropFirst(7)))", .team(team)) }
        case "tension.flagged":
            let id = data["tension"]?.stringValue ?? ""
            rows.set("tension/\(id)", .tension(Tension(
                tension: id, title: data["title"]?.stringValue ?? "", severity: data["severity"]?.stringValue ?? "low",
                category: data["category"]?.stringValue ?? "other",
                teams: data["teams"].flatMap { if case let .array(items) = $0 { items.compactMap(\.stringValue) } else { nil } } ?? [],
                flaggedBy: event.actor, flaggedAt: event.occurredAt, lastActivity: event.occurredAt, escalated: false, resolved: false)))
        case let type where type.hasPrefix("tension."):
            let id = data["tension"]?.stringValue ?? ""
            var key = "tension/\(id)"
            var row = try rows.row(key)
            if row == nil {
                key = "resolved/\(id)"
                row = try rows.row(key)
            }
            guard case var .tension(tension)? = row else { return }
            tension.lastActivity = max(tension.lastActivity, event.occurredAt)
            switch type {
            case "tension.escalated": tension.escalated = true
            case "tension.resolved": tension.resolved = true
            case "tension.reopened": tension.resolved = false; tension.escalated = false
            default: break
            }
            // Filed where reads look for it: open or resolved.
            let filed = "\(tension.resolved ? "resolved" : "tension")/\(id)"
            if filed != key { rows.set(key, nil) }
            rows.set(filed, .tension(tension))
        case "meeting.held":
            guard case let .array(items)? = data["action_items"] else { return }
            for item in items {
                guard let id = item["action"]?.stringValue else { continue }
                rows.set("action/\(id)", .action(Action(action: id, meeting: data["meeting"]?.stringValue ?? "", owner: item["owner"]?.stringValue ?? "",
                                                       text: item["text"]?.stringValue ?? "", due: item["due"]?.stringValue, heldAt: event.occurredAt)))
            }
        case "action.completed":
            let key = "action/\(data["action"]?.stringValue ?? "")"
            guard case var .action(action)? = try rows.row(key) else { return }
            action.completedAt = event.occurredAt
            rows.set(key, .action(action))
        case "content.requested":
            let id = data["request"]?.stringValue ?? ""
            rows.set("content/\(id)", .content(Content(request: id, topic: data["topic"]?.stringValue ?? "", requestedBy: event.actor,
                                                       requestedAt: event.occurredAt, neededBy: data["needed_by"]?.stringValue)))
        case "content.delivered":
            rows.set("content/\(data["request"]?.stringValue ?? "")", nil)
        case "criteria.changed":
            let version = data["version"]?.integerValue ?? 0
            var team: String?
            if case let .team(name)? = try rows.row("team/\(event.actor)") { team = name }
            rows.set("criteria/\(version)", .criteria(Criteria(version: version, changedBy: event.actor, changedAt: event.occurredAt,
                                                               agreed: team.map { [$0] } ?? [])))
        case "criteria.agreed":
            let key = "criteria/\(data["version"]?.integerValue ?? 0)"
            guard case var .criteria(criteria)? = try rows.row(key), let team = data["team"]?.stringValue else { return }
            if !criteria.agreed.contains(team) { criteria.agreed.append(team) }
            rows.set(key, .criteria(criteria))
        case "sla.set", "sla.agreed", "agreement.proposed", "agreement.agreed":
            let isSLA = type.hasPrefix("sla.")
            let name = isSLA ? "sla" : data["agreement"]?.stringValue ?? ""
            let key = isSLA ? "sla/versions" : "agreement/\(name)"
            var signing = Signing(name: name, isSLA: isSLA, versions: AgreementVersions())
            if case let .signing(stored)? = try rows.row(key) { signing = stored }
            if type == "sla.set" || type == "agreement.proposed" {
                signing.versions.propose(data["version"]?.integerValue, by: event.actor, at: event.occurredAt)
            } else if let version = data["version"]?.integerValue, let team = data["team"]?.stringValue {
                signing.versions.sign(version, team: team, by: event.actor, at: event.occurredAt)
            }
            rows.set(key, .signing(signing))
        case "resource.shared":
            let id = data["resource"]?.stringValue ?? ""
            rows.set("resource/\(id)", .resource(Resource(resource: id, title: data["title"]?.stringValue ?? "", sharedBy: event.actor,
                                                         sharedAt: event.occurredAt)))
        case "resource.used":
            rows.set("resource/\(data["resource"]?.stringValue ?? "")", nil)
        default:
            break
        }
    }
}

/// One open issue, as `parley issues` lists it.
public struct OpenIssue: Sendable, Equatable {
    /// tension, sla-breach, missing-feedback, overdue-action, unanswered-content, unagreed-criteria,
    /// unagreed-sla, unagreed-agreement, unused-content.
    public var kind: String
    /// What it is about: `T-3`, `L-1042`, `A-12`, `C-5`, `criteria v4`.
    public var ref: String
    /// Since when it has been open.
    public var since: Timestamp
    public var severity: String
    /// Why it is open, in words.
    public var reason: String
    /// How many issues the row stands for: the leads of a rep's row, else 1.
    public var count = 1

    static let severityRank = ["high": 0, "medium": 1, "low": 2]

    public init(kind: String, ref: String, since: Timestamp, severity: String, reason: String, count: Int = 1) {
        self.kind = kind
        self.ref = ref
        self.since = since
        self.severity = severity
        self.reason = reason
        self.count = count
    }

    /// A due date or time as a deadline: a date is due by the end of that day (UTC).
    public static func deadline(_ text: String?) -> Timestamp? {
        guard let text else { return nil }
        if let time = Timestamp(rfc3339: text) { return time }
        return Timestamp(rfc3339: text + "T23:59:59Z")
    }

    /// The open issue of a lead with no verdict past its SLA deadline, if it is one.
    static func slaBreach(_ lead: FollowUpProjection.Pending, now: Timestamp) -> OpenIssue? {
        guard lead.verdictAt == nil, let due = lead.verdictDue, due < now else { return nil }
        let hours = Double(now.microseconds - lead.clockStart.microseconds) / 3_600_000_000
        let late = hours > 3 * Double(lead.followUpHours ?? 1)
        return OpenIssue(kind: "sla-breach", ref: lead.lead, since: due, severity: late ? "high" : "medium",
                         reason: "no verdict from \(lead.rep ?? "anyone") \(Int(hours)) h after the lead reached them (SLA: \(lead.followUpHours ?? 0) h; \(lead.source))")
    }

    /// The open issue of a lead with no feedback past its deadline, if it is one.
    static func missingFeedback(_ lead: FollowUpProjection.Pending, now: Timestamp) -> OpenIssue? {
        guard lead.feedbackAt == nil, let due = lead.feedbackDue, due < now else { return nil }
        return OpenIssue(kind: "missing-feedback", ref: lead.lead, since: due, severity: "low",
                         reason: "no feedback from \(lead.rep ?? "sales") on this \(lead.source) lead within \(lead.feedbackWithinDays ?? 0) days")
    }

    /// The leads' issues one row per rep and kind, from the deadlines
    /// tallied at `now` (see ``FollowUpProjection/DeadlineKind``): how many
    /// of the rep's leads are past a deadline, since the oldest, which also
    /// gives the row its severity and reason. `pending` reads one lead's row.
    public static func perRep(verdicts: [RowTally<FollowUpProjection.Row>], feedback: [RowTally<FollowUpProjection.Row>],
                              pending: (String) throws -> FollowUpProjection.Pending?, now: Timestamp) throws -> [OpenIssue] {
        var open: [OpenIssue] = []
        for (kind, tallies) in [(FollowUpProjection.DeadlineKind.verdict, verdicts), (.feedback, feedback)] {
            var reps: [String: (count: Int, oldest: (due: Timestamp, lead: String))] = [:]
            for tally in tallies {
                guard case let .deadline(deadline) = tally.value, tally.below > 0,
                      let first = tally.firstBelow.flatMap(kind.parse(key:)) else { continue }
                let rep = deadline.rep ?? "(unassigned)"
                var oldest = first
                if let known = reps[rep]?.oldest, (known.due, known.lead) < (first.due, first.lead) { oldest = known }
                reps[rep] = ((reps[rep]?.count ?? 0) + tally.below, oldest)
            }
            for (rep, (count, oldest)) in reps {
                guard let lead = try pending(oldest.lead),
                      let issue = kind == .verdict ? slaBreach(lead, now: now) : missingFeedback(lead, now: now) else { continue }
                let what = kind == .verdict ? "without a verdict past the SLA" : "without feedback past the agreed days"
                open.append(OpenIssue(kind: issue.kind, ref: rep, since: issue.since, severity: issue.severity,
                                      reason: "\(count) \(count == 1 ? "lead" : "leads") \(what); the oldest: \(lead.lead), \(issue.reason)",
                                      count: count))
            }
        }
        return open
    }

    /// Leads waiting for a verdict from someone who cannot give one: a rep
    /// who left (`left` holds when) or who is not a member at all. One row
    /// per former owner, with the count, from the verdict deadlines' tallies.
    public static func orphaned(verdicts: [RowTally<FollowUpProjection.Row>], members: [String: Timestamp?], now: Timestamp) -> [OpenIssue] {
        var held: [String: Int] = [:]
        for tally in verdicts {
            guard case let .deadline(deadline) = tally.value, let rep = deadline.rep else { continue }
            if let standing = members[rep], standing == nil { continue }
            held[rep, default: 0] += tally.below + tally.atOrAbove
        }
        return held.filter { $0.value > 0 }.map { rep, count in
            let leads = "\(count) \(count == 1 ? "lead" : "leads") without a verdict"
            if case let left?? = members[rep] {
                return OpenIssue(kind: "orphaned-leads", ref: rep, since: left, severity: "high",
                                 reason: "\(leads) still with \(rep), who left on \(left.rfc3339.prefix(10)); reassign them to a current sales member",
                                 count: count)
            }
            return OpenIssue(kind: "orphaned-leads", ref: rep, since: now, severity: "high",
                             reason: "\(leads) sent to \(rep), who is not a member; reassign them to a current sales member", count: count)
        }
    }

    /// The most severe and the oldest first.
    public static func sorted(_ issues: [OpenIssue]) -> [OpenIssue] {
        // Each issue's rank looked up once, not at every comparison.
        issues.map { (rank: severityRank[$0.severity] ?? 3, issue: $0) }
            .sorted { ($0.rank, $0.issue.since, $0.issue.ref) < ($1.rank, $1.issue.since, $1.issue.ref) }
            .map(\.issue)
    }

    /// Every open issue at `now`, the most severe and the oldest first.
    public static func list(issues: some Sequence<IssuesProjection.Row>, followUp: some Sequence<FollowUpProjection.Row>, now: Timestamp) -> [OpenIssue] {
        var open: [OpenIssue] = []
        func day(_ time: Timestamp) -> String { String(time.rfc3339.prefix(10)) }
        for row in issues {
            switch row {
            case let .tension(tension) where !tension.resolved:
                let days = (now.microseconds - tension.flaggedAt.microseconds) / 86_400_000_000
                open.append(OpenIssue(kind: "tension", ref: tension.tension, since: tension.flaggedAt, severity: tension.severity,
                                      reason: "\(tension.escalated ? "escalated: " : "")\(tension.title) (\(tension.category), flagged by \(tension.flaggedBy) \(days) days ago, last activity \(day(tension.lastActivity)))"))
            case let .action(action) where action.completedAt == nil:
                if let due = deadline(action.due), due < now {
                    open.append(OpenIssue(kind: "overdue-action", ref: action.action, since: due, severity: "medium",
                                          reason: "\(action.owner) was to \(action.text) by \(action.due ?? "") (meeting \(action.meeting))"))
                }
            case let .content(content):
                if let due = deadline(content.neededBy), due < now {
                    open.append(OpenIssue(kind: "unanswered-content", ref: content.request, since: due, severity: "medium",
                                          reason: "\(content.requestedBy) asked for \(content.topic), needed by \(content.neededBy ?? ""), not delivered"))
                }
            case let .criteria(criteria):
                let missing = ["marketing", "sales"].filter { !criteria.agreed.contains($0) }
                if !missing.isEmpty {
                    open.append(OpenIssue(kind: "unagreed-criteria", ref: "criteria v\(criteria.version)", since: criteria.changedAt, severity: "high",
                                          reason: "\(missing.joined(separator: " and ")) \(missing.count == 1 ? "has" : "have") not agreed to version \(criteria.version), changed by \(criteria.changedBy)"))
                }
            case let .signing(signing):
                guard let waiting = signing.versions.waiting else { break }
                let what = signing.isSLA ? "SLA version \(waiting.number)" : "version \(waiting.number) of the \(signing.name) agreement"
                let inForce = signing.versions.inForce.map { "; version \($0.number) stays in force" } ?? "; none is in force yet"
                open.append(OpenIssue(kind: signing.isSLA ? "unagreed-sla" : "unagreed-agreement",
                                      ref: signing.isSLA ? "sla v\(waiting.number)" : "\(signing.name) v\(waiting.number)",
                                      since: waiting.proposedAt, severity: signing.isSLA ? "high" : "medium",
                                      reason: "\(waiting.missing.joined(separator: " and ")) \(waiting.missing.count == 1 ? "has" : "have") not agreed to \(what), proposed by \(waiting.proposedBy)\(inForce)"))
            case let .resource(resource):
                let unusedSince = Timestamp(microseconds: resource.sharedAt.microseconds + IssuesProjection.unusedContentDays * 86_400_000_000)
                if unusedSince < now {
                    open.append(OpenIssue(kind: "unused-content", ref: resource.resource, since: unusedSince, severity: "low",
                                          reason: "\(resource.title), shared by \(resource.sharedBy) on \(day(resource.sharedAt)), has not been used on a lead"))
                }
            default:
                break
            }
        }
        for row in followUp {
            guard case let .pending(lead) = row else { continue }
            if let issue = slaBreach(lead, now: now) { open.append(issue) }
            if let issue = missingFeedback(lead, now: now) { open.append(issue) }
        }
        return sorted(open)
    }
}

extension IssuesProjection.Tension {
    // A list of the fields in this order (see PositionalCoding): `issues` reads every open tension.
    public func encode(to encoder: any Encoder) throws {
        var list = encoder.unkeyedContainer()
        try list.encode(tension)
        try list.encode(title)
        try list.encode(severity)
        try list.encode(category)
        try list.encode(teams)
        try list.encode(flaggedBy)
        try list.encode(flaggedAt)
        try list.encode(lastActivity)
        try list.encode(escalated)
        try list.encode(resolved)
    }

    public init(from decoder: any Decoder) throws {
        var list = try decoder.unkeyedContainer()
        tension = try list.decode(String.self)
        title = try list.decode(String.self)
        severity = try list.decode(String.self)
        category = try list.decode(String.self)
        teams = try list.decode([String].self)
        flaggedBy = try list.decode(String.self)
        flaggedAt = try list.decode(Timestamp.self)
        lastActivity = try list.decode(Timestamp.self)
        escalated = try list.decode(Bool.self)
        resolved = try list.decode(Bool.self)
    }
}
