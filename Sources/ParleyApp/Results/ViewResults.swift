public import ParleyCore

/// A member in the directory.
public struct MemberEntry: Sendable, Equatable, Encodable {
    public var member: MembersProjection.Row
    public var isActive: Bool { member.isActive }

    init(_ member: MembersProjection.Row) { self.member = member }

    public func encode(to encoder: any Encoder) throws {
        var out = encoder.container(keyedBy: JSONKey.self)
        try out.put(member.handle, "handle")
        try out.put(member.name, "name")
        try out.put(member.team, "team")
        try out.put(member.role, "role")
        try out.put(member.joinedAt, "joined_at")
        try out.put(member.leftAt, "left_at")
        try out.put(member.isActive, "active")
        try out.put(member.moves.map { Move(at: $0.at.rfc3339, from: $0.from, to: $0.to) }, "moves")
    }

    private struct Move: Encodable { var at, from, to: String }
}

/// A team's role: responsibility, KPI, accountability.
public struct RoleEntry: Sendable, Equatable, Encodable {
    public var role: RolesProjection.Row

    init(_ role: RolesProjection.Row) { self.role = role }

    public func encode(to encoder: any Encoder) throws {
        var out = encoder.container(keyedBy: JSONKey.self)
        try out.put(role.team, "team")
        try out.put(role.responsibility, "responsibility")
        try out.put(role.kpi, "kpi")
        try out.put(role.accountableTo, "accountable_to")
        try out.put(role.definedBy, "defined_by")
        try out.put(role.definedAt, "defined_at")
    }
}

/// One group's lead quality.
public struct QualityLine: Sendable, Equatable, Encodable {
    public var line: LeadQualityProjection.Line

    init(_ line: LeadQualityProjection.Line) { self.line = line }

    public var key: String { line.key }
    public var group: LeadQualityProjection.Group { line.group }

    public func encode(to encoder: any Encoder) throws {
        var out = encoder.container(keyedBy: JSONKey.self)
        let group = line.group
        try out.put(line.key, "key")
        try out.put(group.sent, "sent")
        try out.put(group.accepted, "accepted")
        try out.put(group.rejected, "rejected")
        try out.put(group.rejectedByReason.dictionary, "rejected_by_reason")
        try out.put(group.recycled, "recycled")
        try out.put(group.converted, "converted")
        try out.put(line.acceptanceRate, "acceptance_rate")
        try out.put(line.conversionRate, "conversion_rate")
        try out.put(line.averageRating, "avg_rating")
        try out.put(group.ratings, "ratings")
        try out.put(group.revenue, "revenue")
        try out.put(line.medianHoursToVerdict, "median_hours_to_verdict")
        try out.put(line.salesVelocityPerDay, "sales_velocity_per_day")
        try out.put(line.topObjections().map { Objection(objection: $0.0, count: $0.1) }, "top_objections")
    }

    private struct Objection: Encodable { var objection: String, count: Int64 }
}

extension OpenIssue: Encodable {
    public func encode(to encoder: any Encoder) throws {
        var out = encoder.container(keyedBy: JSONKey.self)
        try out.put(kind, "kind")
        try out.put(ref, "ref")
        try out.put(since, "since")
        try out.put(severity, "severity")
        try out.put(reason, "reason")
    }
}

/// The meetings, and how long since the last joint one.
public struct MeetingsReport: Sendable, Equatable, Encodable {
    /// Days since the last meeting both marketing and sales attended; nil if none yet.
    public var daysSinceLastJointMeeting: Int?
    public var meetings: [MeetingEntry]
    /// The moment the report is for.
    public var now: Timestamp

    public func encode(to encoder: any Encoder) throws {
        var out = encoder.container(keyedBy: JSONKey.self)
        try out.put(daysSinceLastJointMeeting, "days_since_last_joint_meeting")
        try out.put(meetings, "meetings")
    }
}

/// One meeting with its attendees by team and its action items.
public struct MeetingEntry: Sendable, Equatable, Encodable {
    public var meeting: MeetingsProjection.Row
    /// Both marketing and sales attended.
    public var joint: Bool
    public var attendeesByTeam: [String: [String]]
    public var actionItems: [IssuesProjection.Action]

    public func encode(to encoder: any Encoder) throws {
        var out = encoder.container(keyedBy: JSONKey.self)
        try out.put(meeting.meeting, "meeting")
        try out.put(meeting.title, "title")
        try out.put(meeting.at, "at")
        try out.put(meeting.heldBy, "held_by")
        try out.put(joint, "joint")
        try out.put(attendeesByTeam, "attendees_by_team")
        try out.put(meeting.decisions, "decisions")
        try out.put(meeting.actions, "actions")
    }
}

/// An action item and its state at the report's time (open, due, done, overdue).
public struct ActionEntry: Sendable, Equatable, Encodable {
    public var action: IssuesProjection.Action
    public var state: String

    public func encode(to encoder: any Encoder) throws {
        var out = encoder.container(keyedBy: JSONKey.self)
        try out.put(action.action, "action")
        try out.put(action.meeting, "meeting")
        try out.put(action.owner, "owner")
        try out.put(action.text, "text")
        try out.put(action.due, "due")
        try out.put(state, "state")
        try out.put(action.completedAt, "completed_at")
    }
}

/// A criteria version: its change, diff, sign-offs and outcome.
public struct CriteriaVersion: Sendable, Equatable, Encodable {
    public var version: CriteriaProjection.Row
    /// A word diff from the version before (`{+added+}`, `[-removed-]`).
    public var diff: String
    /// What the leads sent under it became.
    public var outcome: QualityLine
    /// Its state and who signed it (the team that changed it, marketing, counts as signing).
    public var signOff: SignOff

    public func encode(to encoder: any Encoder) throws {
        var out = encoder.container(keyedBy: JSONKey.self)
        try out.put(version.version, "version")
        try out.put(version.rules, "rules")
        try out.put(version.changedBy, "changed_by")
        try out.put(version.occurredAt, "occurred_at")
        try out.put(version.recordedAt, "recorded_at")
        try out.put(version.rationale, "rationale")
        try out.put(diff, "diff")
        try out.put(version.agreedBy.map { SignOff.Signed(team: $0.team, by: $0.by, at: $0.at.rfc3339) }, "agreed_by")
        try signOff.encode(to: encoder)
        try out.put(outcome.group.sent, "leads_sent")
        try out.put(outcome.line.acceptanceRate, "acceptance_rate")
        try out.put(outcome.line.conversionRate, "conversion_rate")
    }
}

/// A version's sign-off at a moment: its state (proposed, in force,
/// superseded), the teams still to sign, and how long it has waited.
public struct SignOff: Sendable, Equatable, Encodable {
    public var state: AgreementVersions.State
    public var signatures: [AgreementVersions.Signature]
    /// Signing teams that have not signed.
    public var waitingFor: [String]
    /// Whole days since it was proposed, while it waits for a signature.
    public var daysWaiting: Int64?

    public init(_ versions: AgreementVersions, number: Int64, now: Timestamp) {
        guard let version = versions.version(number) else {
            self.init(state: .proposed, signatures: [], waitingFor: AgreementVersions.signingTeams, daysWaiting: nil)
            return
        }
        let state = versions.state(of: version)
        self.init(state: state, signatures: version.signatures, waitingFor: version.missing,
                  daysWaiting: state == .proposed ? AgreementVersions.days(from: version.proposedAt, to: now) : nil)
    }

    init(state: AgreementVersions.State, signatures: [AgreementVersions.Signature], waitingFor: [String], daysWaiting: Int64?) {
        self.state = state
        self.signatures = signatures
        self.waitingFor = waitingFor
        self.daysWaiting = daysWaiting
    }

    /// Adds `state`, `signed_by`, `waiting_for` and `days_waiting` to the object being encoded.
    public func encode(to encoder: any Encoder) throws {
        var out = encoder.container(keyedBy: JSONKey.self)
        try out.put(state.rawValue, "state")
        try out.put(signatures.map { Signed(team: $0.team, by: $0.by, at: $0.at.rfc3339) }, "signed_by")
        try out.put(waitingFor, "waiting_for")
        try out.put(daysWaiting, "days_waiting")
    }

    struct Signed: Encodable { var team, by, at: String }

    /// "in force", "proposed, waiting 3 days for sales", "superseded".
    public var summary: String {
        switch state {
        case .inForce: "in force"
        case .superseded: "superseded"
        case .proposed:
            "proposed, waiting for \(waitingFor.joined(separator: " and "))\(daysWaiting.flatMap { $0 > 0 ? " (\($0) \($0 == 1 ? "day" : "days"))" : nil } ?? "")"
        }
    }
}

/// SLA compliance, and the SLA's versions with who signed which.
public struct SLAReport: Sendable, Equatable, Encodable {
    /// Every version proposed, oldest first.
    public var history: [FollowUpProjection.SLA]
    public var versions: AgreementVersions
    public var byRep: [FollowUpProjection.Compliance]
    public var bySource: [FollowUpProjection.Compliance]
    /// Verdicts and feedback by the month they were given, in time or late.
    public var byMonth: [FollowUpProjection.Compliance]
    /// The report's moment: how long a proposal has waited is counted to it.
    public var now: Timestamp

    /// The version both teams signed last, if any.
    public var inForce: FollowUpProjection.SLA? { versions.inForce.flatMap(sla) }

    /// What compliance is measured against: the SLA in force, else the
    /// latest proposed (not agreed).
    public var measuredAgainst: FollowUpProjection.SLA? { versions.current.flatMap(sla) }

    func sla(_ version: AgreementVersions.Version) -> FollowUpProjection.SLA? { history.first { $0.version == version.number } }

    /// Version `sla`'s sign-off at the report's moment.
    public func signOff(_ sla: FollowUpProjection.SLA) -> SignOff {
        SignOff(versions, number: sla.version, now: now)
    }

    public func encode(to encoder: any Encoder) throws {
        var out = encoder.container(keyedBy: JSONKey.self)
        try out.put(inForce.map { SLATerms($0, signOff($0)) }, "in_force")
        try out.put(measuredAgainst.map { SLATerms($0, signOff($0)) }, "measured_against")
        try out.put(history.map { SLATerms($0, signOff($0)) }, "history")
        try out.put(byRep.map { Line($0) }, "by_rep")
        try out.put(bySource.map { Line($0) }, "by_source")
        try out.put(byMonth.map { Line($0, byMonth: true) }, "by_month")
    }

    /// A rep's or a source's line; a month's (`byMonth`) is keyed by
    /// `month` and has no missing or pending counts: those belong to no month.
    private struct Line: Encodable {
        var line: FollowUpProjection.Compliance
        var byMonth = false
        init(_ line: FollowUpProjection.Compliance, byMonth: Bool = false) { self.line = line; self.byMonth = byMonth }
        func encode(to encoder: any Encoder) throws {
            var out = encoder.container(keyedBy: JSONKey.self)
            try out.put(line.key, byMonth ? "month" : "key")
            try out.put(line.counts.verdictsInTime, "verdicts_in_time")
            try out.put(line.counts.verdictsLate, "verdicts_late")
            if !byMonth {
                try out.put(line.verdictsMissing, "verdicts_missing")
                try out.put(line.verdictsPending, "verdicts_pending")
            }
            try out.put(line.inTimeRate, "in_time_rate")
            try out.put(line.counts.feedbackInTime, "feedback_in_time")
            try out.put(line.counts.feedbackLate, "feedback_late")
            if !byMonth { try out.put(line.feedbackMissing, "feedback_missing") }
        }
    }
}

/// What a rebuild did.
public struct RebuildResult: Sendable, Equatable, Encodable {
    public var views: [String]
    public var events: Int
    public var seconds: Double
}
