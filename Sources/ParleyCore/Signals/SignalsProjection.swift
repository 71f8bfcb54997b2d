/// The detectors' state, folded from the log like every view: per-subject
/// CUSUMs over rejections, SLA breaches and feedback silence, and what the
/// rule detectors read on their clock (criteria versions and who signed
/// them, joint meetings, open tensions, MQLs sent per day), the detectors'
/// configuration and people's answers. ``SignalDetectors`` reads the
/// signals out of the rows at a given moment.
///
/// Rows: `lead/<id>`, `watch/<kind>/<subject>`, `team/feedback-silence`,
/// `sla/current` (the terms of the SLA in force, else of the latest
/// proposed), `sla/versions`, `sla/version/<n>`, `config/<kind>`,
/// `member/<handle>`, `criteria/<version>`, `criteria/latest`, `meetings/joint`, `tension/<id>`,
/// `durations/<category>`, `month/<yyyy-mm>`, `answer/<signal>`.
public enum SignalsProjection: Projection {
    /// The lead events that move a detector (outcomes after the verdict do not).
    public static let typePrefixes = ["lead.sent", "lead.reassigned", "lead.accepted", "lead.rejected", "lead.feedback",
                                      "sla.", "signal.", "criteria.", "meeting.", "tension.", "member."]
    public static let name = "signals"
    /// 2: open tensions filed by their last activity. 3: the SLA in force
    /// once both teams sign (as the follow-up view measures it), not the latest proposed.
    public static let version = 3

    /// A lead, while a detector still waits on it.
    public struct LeadWatch: Codable, Sendable, Equatable {
        public var source: String
        public var rep: String?
        public var sentAt: Timestamp
        public var verdictAt: Timestamp?
    }

    /// The SLA's terms the detectors use.
    public struct Terms: Codable, Sendable, Equatable {
        public var followUpHours: Int64
        public var feedbackWithinDays: Int64?
        public var monthlyMqlTarget: Int64?
        public var rejectionIsFeedback: Bool
        public var position: Int64
    }

    /// A criteria version: who changed it, who signed, the leads sent under it.
    public struct CriteriaWatch: Codable, Sendable, Equatable {
        public var version: Int64
        public var changedBy: String
        public var changedAt: Timestamp
        public var position: Int64
        /// Team → when it signed (the changer's team counts as signing).
        public var signed: [String: Timestamp]
        public var leads: Int64 = 0
        /// The first lead sent under it once its grace period was over, and that lead's event.
        public var firstLeadAfterGrace: Timestamp?
        public var firstLeadPosition: Int64?
        public var graceDays: Int64
    }

    /// A joint meeting.
    public struct Meeting: Codable, Sendable, Equatable {
        public var at: Timestamp
        public var position: Int64
    }

    /// A tension, and when anything last happened to it.
    public struct TensionWatch: Codable, Sendable, Equatable {
        /// Where an open tension is filed by its last activity (`quiet/<µs>/<id>`), so that a read
        /// decodes only those that went quiet recently enough to matter.
        public var quietKey: String { SignalDetectors.quietKey(lastActivity) + tension }

        public var tension: String
        public var title: String
        public var category: String
        public var severity: String
        public var flaggedAt: Timestamp
        public var lastActivity: Timestamp
        public var lastPosition: Int64
        public var escalated: Bool
        public var resolved: Bool
    }

    /// Leads sent per day of a month (index 0 is the 1st).
    public struct MonthWatch: Codable, Sendable, Equatable {
        public var days: [Int64] = Array(repeating: 0, count: 31)
        public var lastPosition: Int64 = 0
    }

    public enum Row: Codable, Sendable, Equatable {
        case lead(LeadWatch)
        case watch(RateWatch)
        case terms(Terms)
        case config(SignalConfig)
        case team(String)
        case criteria(CriteriaWatch)
        case latest(Int64)
        case meetings([Meeting])
        case tension(TensionWatch)
        /// Days from flagged to resolved, the last 20, for a category.
        case durations([Double])
        case month(MonthWatch)
        case answer(SignalAnswer)
        /// The SLA's versions and who signed them (`sla/versions`).
        case slaVersions(AgreementVersions)
    }

    /// Joint meetings kept, to judge the usual interval.
    static let meetingsKept = 13

    public static func apply(_ event: RecordedEvent, data: Payload, to rows: ProjectionRows<Row>) throws {
        let at = event.occurredAt
        switch event.type {
        case MemberJoined.type:
            if let team = data[MemberJoined.team] {
                rows.set("member/\(data[MemberJoined.handle] ?? String(event.stream.dropFirst(7)))", .team(team))
            }
        case MemberMoved.type:
            if let team = data[MemberMoved.team] {
                rows.set("member/\(data[MemberMoved.handle] ?? String(event.stream.dropFirst(7)))", .team(team))
            }
        case SLASet.type, SLAAgreed.type:
            try foldSLA(event, data, rows)
        case SignalConfigured.type:
            guard let kind = data[SignalConfigured.kind] else { return }
            var config = try self.config(SignalKind(rawValue: kind) ?? .sourceQuality, rows)
            if let years = data[SignalConfigured.budgetYears] { config.budgetYears = years }
            if let days = data[SignalConfigured.graceDays] { config.graceDays = days }
            if let weeks = data[SignalConfigured.baselineWeeks] { config.baselineWeeks = weeks }
            if let state = data[SignalConfigured.state] { config.on = state == "on" }
            config.position = event.position
            config.setBy = event.actor
            config.setAt = at
            rows.set("config/\(kind)", .config(config))
            if let known = SignalKind(rawValue: kind) { Held.of(rows).configs[known.ordinal] = config }
        case SignalAcknowledged.type, SignalDismissed.type:
            let dismissed = event.type == SignalDismissed.type
            guard let id = dismissed ? data[SignalDismissed.signal] : data[SignalAcknowledged.signal] else { return }
            rows.set("answer/\(id)", .answer(SignalAnswer(state: dismissed ? "dismissed" : "acknowledged",
                                                          reason: dismissed ? data[SignalDismissed.reason] : nil,
                                                          note: dismissed ? data[SignalDismissed.note] : data[SignalAcknowledged.note], by: event.actor, at: at,
                                                          position: event.position)))
        case CriteriaChanged.type:
            let version = data[CriteriaChanged.version] ?? 0
            var signed: [String: Timestamp] = [:]
            if case let .team(team)? = try rows.row("member/\(event.actor)") { signed[team] = at }
            rows.set("criteria/\(version)", .criteria(CriteriaWatch(
                version: version, changedBy: event.actor, changedAt: at, position: event.position, signed: signed,
                graceDays: try config(.unagreedCriteria, rows).graceDays)))
            rows.set("criteria/latest", .latest(version))
        case CriteriaAgreed.type:
            let version = data[CriteriaAgreed.version] ?? 0
            try rows.modify("criteria/\(version)") { row in
                guard case var .criteria(criteria)? = row, let team = data[CriteriaAgreed.team] else { return }
                row = nil
                criteria.signed[team] = criteria.signed[team] ?? at
                row = .criteria(criteria)
            }
        case MeetingHeld.type:
            var teams = Set<String>()
            for attendee in data[MeetingHeld.attendees] ?? [] {
                if case let .team(team)? = try rows.row("member/\(attendee)") { teams.insert(team) }
            }
            guard teams.contains("marketing") && teams.contains("sales") else { return }
            try rows.modify("meetings/joint") { row in
                var meetings: [Meeting] = []
                if case let .meetings(existing)? = row { meetings = existing }
                row = nil  // the value alone holds its arrays: changed in place, not copied
                meetings.append(Meeting(at: at, position: event.position))
                meetings.sort { $0.at < $1.at }
                if meetings.count > meetingsKept { meetings.removeFirst(meetings.count - meetingsKept) }
                row = .meetings(meetings)
            }
        case TensionFlagged.type:
            let id = data[TensionFlagged.tension] ?? ""
            let tension = TensionWatch(
                tension: id, title: data[TensionFlagged.title] ?? "", category: data[TensionFlagged.category] ?? "other",
                severity: data[TensionFlagged.severity] ?? "low",
                flaggedAt: at, lastActivity: at, lastPosition: event.position, escalated: false, resolved: false)
            rows.set("tension/\(id)", .tension(tension))
            rows.set(tension.quietKey, .tension(tension))
        case TensionCommented.type, TensionEscalated.type, TensionResolved.type, TensionReopened.type:
            let id = data[EventCatalogue.tension] ?? ""
            var resolvedIn: (category: String, days: Double)?
            try rows.modify("tension/\(id)") { row in
                guard case var .tension(tension)? = row else { return }
                row = nil
                // Out of the index of quiet tensions under its old last activity; back in under the new one if open.
                if !tension.resolved { rows.set(tension.quietKey, nil) }
                defer { if !tension.resolved { rows.set(tension.quietKey, .tension(tension)) } }
                tension.lastActivity = max(tension.lastActivity, at)
                tension.lastPosition = event.position
                switch event.type {
                case TensionEscalated.type: tension.escalated = true
                case TensionResolved.type:
                    tension.resolved = true
                    resolvedIn = (tension.category, Double(at.microseconds - tension.flaggedAt.microseconds) / 86_400_000_000)
                case TensionReopened.type: tension.resolved = false
                default: break
                }
                row = .tension(tension)
            }
            if let resolvedIn {
                try rows.modify("durations/\(resolvedIn.category)") { row in
                    var days: [Double] = []
                    if case let .durations(existing)? = row { days = existing }
                    row = nil  // the value alone holds its arrays: changed in place, not copied
                    days.append(resolvedIn.days)
                    if days.count > 20 { days.removeFirst(days.count - 20) }
                    row = .durations(days)
                }
            }
        default:
            if event.type.hasPrefix("lead.") { try lead(event, data, rows) }
        }
    }

    /// What a chunk's fold reads for nearly every lead event, held between
    /// events instead of looked up each time: the configurations, the SLA's
    /// terms, the month being counted. Dropped when the fold settles.
    final class Held {
        /// By kind, at its `ordinal` (an array: a dictionary would hash the kind each time).
        var configs = [SignalConfig?](repeating: nil, count: SignalKind.allCases.count)
        var terms: Terms??
        var month: (start: Int64, end: Int64, key: String)?

        static func of(_ rows: ProjectionRows<Row>) -> Held {
            if let held = rows.held { return unsafeDowncast(held, to: Held.self) }
            let held = Held()
            rows.held = held
            return held
        }
    }

    public static func settle(_ rows: ProjectionRows<Row>) throws { rows.held = nil }

    /// A detector's configuration in force.
    static func config(_ kind: SignalKind, _ rows: ProjectionRows<Row>) throws -> SignalConfig {
        let held = Held.of(rows)
        if let config = held.configs[kind.ordinal] { return config }
        var config = SignalConfig()
        if case let .config(stored)? = try rows.row("config/\(kind.rawValue)") { config = stored }
        held.configs[kind.ordinal] = config
        return config
    }

    /// An SLA proposed or signed: the detectors then read the terms of the
    /// version in force, else of the latest proposed (``AgreementVersions/current``),
    /// as the follow-up view measures compliance.
    private static func foldSLA(_ event: RecordedEvent, _ data: Payload, _ rows: ProjectionRows<Row>) throws {
        var versions = AgreementVersions()
        if case let .slaVersions(stored)? = try rows.row("sla/versions") { versions = stored }
        if event.type == SLASet.type {
            let version = versions.propose(data[SLASet.version], by: event.actor, at: event.occurredAt)
            rows.set("sla/version/\(version)", .terms(Terms(
                followUpHours: data[SLASet.followUpHours] ?? 0, feedbackWithinDays: data[SLASet.feedbackWithinDays],
                monthlyMqlTarget: data[SLASet.monthlyMqlTarget],
                rejectionIsFeedback: data[SLASet.feedbackOn] != "all", position: event.position)))
        } else {
            guard let version = data[SLAAgreed.version], let team = data[SLAAgreed.team],
                  versions.sign(version, team: team, by: event.actor, at: event.occurredAt) else { return }
        }
        rows.set("sla/versions", .slaVersions(versions))
        guard let current = versions.current, case let .terms(terms)? = try rows.row("sla/version/\(current.number)") else { return }
        rows.set("sla/current", .terms(terms))
        Held.of(rows).terms = .some(terms)
    }

    static func terms(_ rows: ProjectionRows<Row>) throws -> Terms? {
        let held = Held.of(rows)
        if let terms = held.terms { return terms }
        var terms: Terms?
        if case let .terms(stored)? = try rows.row("sla/current") { terms = stored }
        held.terms = .some(terms)
        return terms
    }

    /// The month row `at` falls in, and the day's index in it.
    static func month(_ at: Timestamp, _ rows: ProjectionRows<Row>) -> (key: String, day: Int) {
        let held = Held.of(rows)
        if let month = held.month, month.start <= at.microseconds, at.microseconds < month.end {
            return (month.key, Int((at.microseconds - month.start) / 86_400_000_000))
        }
        let name = at.yearMonth
        let start = Timestamp(rfc3339: name + "-01T00:00:00Z")?.microseconds ?? at.microseconds
        let month = (start: start, end: start + Int64(SignalDetectors.daysIn(name)) * 86_400_000_000, key: "month/\(name)")
        held.month = month
        return (month.key, Int((at.microseconds - start) / 86_400_000_000))
    }

    /// Changes the watch of `kind` for `subject`.
    static func watch(_ kind: SignalKind, _ subject: String, _ rows: ProjectionRows<Row>, _ body: (inout RateWatch) throws -> Void) throws {
        try rows.modify("watch/\(kind.rawValue)/\(subject)") { row in
            var watch = RateWatch()
            if case let .watch(existing)? = row { watch = existing }
            row = nil  // the value alone holds its arrays: changed in place, not copied
            try body(&watch)
            row = .watch(watch)
        }
    }

    /// The team's pooled feedback history, as a baseline.
    static func teamBaseline(_ rows: ProjectionRows<Row>, before moment: Timestamp, weeks: Int64) throws -> SignalWindow? {
        if case let .watch(team)? = try rows.row("team/feedback-silence") { return team.baseline(before: moment, weeks: weeks) }
        return nil
    }

    static func teamRecord(_ bad: Bool, at: Timestamp, weeks: Int64, _ rows: ProjectionRows<Row>) throws {
        try rows.modify("team/feedback-silence") { row in
            var team = RateWatch()
            if case let .watch(existing)? = row { team = existing }
            row = nil  // the value alone holds its arrays: changed in place, not copied
            team.record(bad, at: at, weeks: weeks)
            row = .watch(team)
        }
    }

    /// Feedback deadlines of `rep` passed by `moment`: silent leads, each a bad observation for the rep and the team.
    static func passFeedback(_ rep: String, until moment: Timestamp, _ rows: ProjectionRows<Row>) throws {
        let config = try config(.feedbackSilence, rows)
        var passed: [Timestamp] = []
        try watch(.feedbackSilence, rep, rows) { watch in
            let silent = Array(watch.pending.prefix { $0.due < moment })
            guard !silent.isEmpty else { return }
            // Taken away at once: one at a time would move every later deadline each time.
            watch.pending.removeFirst(silent.count)
            for deadline in silent {
                let base = try teamBaseline(rows, before: watch.run?.from ?? deadline.due, weeks: config.baselineWeeks)
                watch.observe(true, at: deadline.due, position: deadline.position, config: config, baseline: .some(base))
                passed.append(deadline.due)
            }
        }
        for due in passed { try teamRecord(true, at: due, weeks: config.baselineWeeks, rows) }
    }
}
