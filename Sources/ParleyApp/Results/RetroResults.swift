public import ParleyCore

/// A line of a timeline: `{at, week, kind, summary, refs, position}`.
public struct TimelineLine: Sendable, Equatable, Encodable {
    public var entry: TimelineEntry

    init(_ entry: TimelineEntry) { self.entry = entry }

    public func encode(to encoder: any Encoder) throws {
        var out = encoder.container(keyedBy: JSONKey.self)
        try out.put(entry.at, "at")
        try out.put(entry.week.name, "week")
        try out.put(entry.kind, "kind")
        try out.put(entry.summary, "summary")
        try out.put(entry.refs, "refs")
        try out.put(entry.position, "position")
    }
}

/// An event the log learned after the moment it happened by.
public struct LateEvent: Sendable, Equatable, Encodable {
    public var event: RecordedEvent
    public var summary: String

    /// Hours between happening and being recorded.
    public var hoursLate: Double { Double(event.recordedAt.microseconds - event.occurredAt.microseconds) / 3_600_000_000 }

    public func encode(to encoder: any Encoder) throws {
        var out = encoder.container(keyedBy: JSONKey.self)
        try out.put(event.position, "position")
        try out.put(event.type, "type")
        try out.put(event.stream, "stream")
        try out.put(event.actor, "recorded_by")
        try out.put(event.occurredAt, "occurred_at")
        try out.put(event.recordedAt, "recorded_at")
        try out.put((hoursLate * 10).rounded() / 10, "hours_late")
        try out.put(summary, "summary")
    }
}

/// A group's figures at two moments, and how they moved.
public struct QualityChange: Sendable, Equatable, Encodable {
    public var key: String
    public var before: QualityLine?
    public var after: QualityLine?

    /// Change in percentage points (nil when either side has no rate).
    static func points(_ before: Double?, _ after: Double?) -> Double? {
        guard let before, let after else { return nil }
        return ((after - before) * 1000).rounded() / 10
    }

    public var acceptanceChange: Double? { Self.points(before?.line.acceptanceRate, after?.line.acceptanceRate) }
    public var conversionChange: Double? { Self.points(before?.line.conversionRate, after?.line.conversionRate) }

    /// One change per key of either side, in key order.
    static func between(_ before: [QualityLine], _ after: [QualityLine]) -> [QualityChange] {
        let keys = Set(before.map(\.key)).union(after.map(\.key)).sorted()
        return keys.map { key in QualityChange(key: key, before: before.first { $0.key == key }, after: after.first { $0.key == key }) }
    }

    func encode(to encoder: any Encoder, names: (String, String)) throws {
        var out = encoder.container(keyedBy: JSONKey.self)
        try out.put(key, "key")
        try out.put(before.map(Side.init), names.0)
        try out.put(after.map(Side.init), names.1)
        try out.put((after?.group.sent ?? 0) - (before?.group.sent ?? 0), "sent_change")
        try out.put(acceptanceChange, "acceptance_change_points")
        try out.put(conversionChange, "conversion_change_points")
    }

    public func encode(to encoder: any Encoder) throws { try encode(to: encoder, names: ("from", "to")) }

    struct Side: Encodable {
        var line: QualityLine
        init(_ line: QualityLine) { self.line = line }
        func encode(to encoder: any Encoder) throws {
            var out = encoder.container(keyedBy: JSONKey.self)
            try out.put(line.group.sent, "sent")
            try out.put(line.group.accepted, "accepted")
            try out.put(line.group.rejected, "rejected")
            try out.put(line.group.converted, "converted")
            try out.put(line.line.acceptanceRate, "acceptance_rate")
            try out.put(line.line.conversionRate, "conversion_rate")
        }
    }
}

/// Hindsight: a moment as the log knew it then, against the same moment
/// as the log knows it now.
public struct HindsightReport: Sendable, Equatable, Encodable {
    public var at: Timestamp
    /// Quality per source as of `at`, known at `at`.
    public var then: [QualityLine]
    /// Quality per source as of `at`, known now.
    public var now: [QualityLine]
    /// What happened by `at` and was recorded after it, in position order.
    public var late: [LateEvent]

    /// The sources whose figures the late events changed.
    public var changes: [QualityChange] {
        QualityChange.between(then, now).filter { $0.before != $0.after }
    }

    public func encode(to encoder: any Encoder) throws {
        var out = encoder.container(keyedBy: JSONKey.self)
        try out.put(at, "at")
        try out.put(changes.map(ThenNow.init), "quality_changed")
        try out.put(late, "late_events")
    }

    private struct ThenNow: Encodable {
        var change: QualityChange
        init(_ change: QualityChange) { self.change = change }
        func encode(to encoder: any Encoder) throws { try change.encode(to: encoder, names: ("known_then", "known_now")) }
    }
}

/// Every view at one moment against another.
public struct DiffReport: Sendable, Equatable, Encodable {
    /// The views at one end.
    public struct End: Sendable, Equatable {
        public var at: Timestamp
        public var quality: [QualityLine]
        /// Every tension flagged by then, open or resolved.
        public var tensions: [IssuesProjection.Tension]
        public var issues: [OpenIssue]
        public var criteria: [CriteriaVersion]
        public var sla: SLAReport
        public var members: [MemberEntry]
        public var meetings: [MeetingEntry]
    }

    public var from: End
    public var to: End
    public var knownAt: Timestamp?

    public var quality: [QualityChange] { QualityChange.between(from.quality, to.quality) }

    public var tensionsOpened: [IssuesProjection.Tension] {
        let before = Set(from.tensions.map(\.tension))
        return to.tensions.filter { !before.contains($0.tension) }.sorted { ($0.flaggedAt, $0.tension) < ($1.flaggedAt, $1.tension) }
    }

    public var tensionsResolved: [IssuesProjection.Tension] {
        let resolvedBefore = Set(from.tensions.filter(\.resolved).map(\.tension))
        return to.tensions.filter { $0.resolved && !resolvedBefore.contains($0.tension) }.sorted { $0.tension < $1.tension }
    }

    public var criteriaAdded: [CriteriaVersion] {
        let before = Set(from.criteria.map(\.version.version))
        return to.criteria.filter { !before.contains($0.version.version) }
    }

    public var slaAdded: [FollowUpProjection.SLA] { Array(to.sla.history.dropFirst(from.sla.history.count)) }

    public var membersJoined: [MemberEntry] {
        let before = Set(from.members.map(\.member.handle))
        return to.members.filter { !before.contains($0.member.handle) }
    }

    public var membersLeft: [MemberEntry] {
        let leftBefore = Set(from.members.filter { !$0.isActive }.map(\.member.handle))
        return to.members.filter { !$0.isActive && !leftBefore.contains($0.member.handle) }
    }

    public var meetingsHeld: [MeetingEntry] {
        let before = Set(from.meetings.map(\.meeting.meeting))
        return to.meetings.filter { !before.contains($0.meeting.meeting) }
    }

    /// In-time rate per rep at both ends.
    public var slaByRep: [(key: String, from: Double?, to: Double?)] {
        let keys = Set(from.sla.byRep.map(\.key)).union(to.sla.byRep.map(\.key)).sorted()
        return keys.map { key in
            (key, from.sla.byRep.first { $0.key == key }?.inTimeRate, to.sla.byRep.first { $0.key == key }?.inTimeRate)
        }
    }

    public static func == (lhs: DiffReport, rhs: DiffReport) -> Bool {
        lhs.from == rhs.from && lhs.to == rhs.to && lhs.knownAt == rhs.knownAt
    }

    public func encode(to encoder: any Encoder) throws {
        var out = encoder.container(keyedBy: JSONKey.self)
        try out.put(from.at, "from")
        try out.put(to.at, "to")
        try out.put(knownAt, "known_at")
        try out.put(quality, "quality")
        try out.put(tensionsOpened.map(TensionLine.init), "tensions_opened")
        try out.put(tensionsResolved.map(TensionLine.init), "tensions_resolved")
        try out.put(IssuesAtEnds(from: from.issues, to: to.issues), "issues_open")
        try out.put(criteriaAdded, "criteria_added")
        try out.put(slaAdded.map { SLATerms($0) }, "sla_added")
        try out.put(slaByRep.map { RateChange(key: $0.key, from: $0.from, to: $0.to) }, "sla_by_rep")
        try out.put(membersJoined, "members_joined")
        try out.put(membersLeft, "members_left")
        try out.put(meetingsHeld, "meetings_held")
    }

    private struct IssuesAtEnds: Encodable { var from: [OpenIssue], to: [OpenIssue] }

    struct TensionLine: Encodable {
        var tension: IssuesProjection.Tension
        init(_ tension: IssuesProjection.Tension) { self.tension = tension }
        func encode(to encoder: any Encoder) throws {
            var out = encoder.container(keyedBy: JSONKey.self)
            try out.put(tension.tension, "tension")
            try out.put(tension.title, "title")
            try out.put(tension.severity, "severity")
            try out.put(tension.flaggedBy, "flagged_by")
            try out.put(tension.flaggedAt, "flagged_at")
            try out.put(tension.resolved, "resolved")
        }
    }

    private struct RateChange: Encodable {
        var key: String
        var from: Double?
        var to: Double?
        func encode(to encoder: any Encoder) throws {
            var out = encoder.container(keyedBy: JSONKey.self)
            try out.put(key, "key")
            try out.put(from, "from_in_time_rate")
            try out.put(to, "to_in_time_rate")
            try out.put(QualityChange.points(from, to), "change_points")
        }
    }
}

/// An SLA version's terms, as `sla --json` (and `diff`) shows them.
struct SLATerms: Encodable {
    var sla: FollowUpProjection.SLA
    /// Its sign-off, where the report knows it.
    var signOff: SignOff?
    init(_ sla: FollowUpProjection.SLA, _ signOff: SignOff? = nil) { self.sla = sla; self.signOff = signOff }
    func encode(to encoder: any Encoder) throws {
        var out = encoder.container(keyedBy: JSONKey.self)
        try out.put(sla.version, "version")
        try out.put(sla.followUpHours, "follow_up_hours")
        try out.put(sla.feedbackWithinDays, "feedback_within_days")
        try out.put(sla.monthlyMqlTarget, "monthly_mql_target")
        try out.put(sla.feedbackOn ?? "accepted", "feedback_on")
        try out.put(sla.setBy, "set_by")
        try out.put(sla.setAt, "set_at")
        try signOff?.encode(to: encoder)
    }
}
