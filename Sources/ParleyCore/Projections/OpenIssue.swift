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
