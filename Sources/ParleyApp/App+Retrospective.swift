public import ParleyCore
import ParleyStore

extension App {
    static let day: Int64 = 86_400_000_000

    /// What happened in a period, week by week, in words: agreements,
    /// tensions, meetings, action items done and missed, members, and each
    /// week's leads summed per source.
    public func timeline(_ query: TimelineQuery, progress: ProgressReporter = .none) throws(ParleyError) -> [TimelineLine] {
        let to = query.to ?? query.window.now
        let from = query.from ?? Week(containing: Timestamp(microseconds: to.microseconds - 28 * Self.day)).start
        guard from < to else {
            throw ParleyError(.invalid, code: "invalid-period", "the period ends (\(to.rfc3339)) before it starts (\(from.rfc3339))", field: "to")
        }
        if let team = query.team, !PayloadField.teams.contains(team) {
            throw ParleyError(.invalid, code: "unknown-team", "there is no team \(team); the teams are \(PayloadField.teams.joined(separator: ", "))",
                              field: "team")
        }
        var story = try periodStory(from: from, to: to, window: query.window, progress: progress)
        let quality = try self.source(LeadQualityProjection.self, query.window, progress: progress)
        for span in Week.spans(from: from, to: to) {
            for line in try qualityLines(QualityQuery(by: .source, since: span.from, until: span.to, window: query.window), quality) {
                story.addLeads(week: span.week, at: span.from, source: line.key, group: line.group)
            }
        }
        return story.timeline(team: query.team, kinds: query.kinds).map(TimelineLine.init)
    }

    /// The timeline's events of `from ..< to` (without the leads' sums),
    /// and the action items that fell due in it and were not done by then.
    func periodStory(from: Timestamp, to: Timestamp, window: ReplayWindow, progress: ProgressReporter) throws(ParleyError) -> TimelineBuilder {
        let members = try self.members(window, progress: progress).map(\.member)
        let issues = try self.source(IssuesProjection.self, window, progress: progress)
        return try mapped {
            var tensions: [IssuesProjection.Tension] = []
            var actions: [IssuesProjection.Action] = []
            for prefix in ["tension/", "resolved/", "action/"] {
                for row in try issues.rows(prefix: prefix).values {
                    switch row {
                    case let .tension(tension): tensions.append(tension)
                    case let .action(action): actions.append(action)
                    default: break
                    }
                }
            }
            var story = TimelineBuilder(members: members, tensions: tensions)
            let retracted = try log.retractedIDs(window)
            try log.events(EventFilter(since: from, until: to, knownAt: window.knownAt, types: TimelineBuilder.types)) { event in
                if let asOf = window.asOf, event.occurredAt > asOf { return true }
                if !retracted.contains(event.id) { story.add(event, data: Payload(event.payload)) }
                return true
            }
            let now = window.now
            for action in actions {
                guard let due = OpenIssue.deadline(action.due), from <= due, due < to, due < now else { continue }
                if let done = action.completedAt, done <= due { continue }
                story.addMissed(action, due: due)
            }
            return story
        }
    }

    /// Hindsight: the view of moment `at` as the log knew it then, against
    /// the same moment as the log knows it now. Lists every event that
    /// happened by `at` but was recorded after it (backdated feedback, late
    /// verdicts, corrections), and the lead quality per source it changed.
    ///
    /// - Parameter occurredSince: only late events that happened at or after this time.
    public func hindsight(at moment: Timestamp, occurredSince: Timestamp? = nil, progress: ProgressReporter = .none) throws(ParleyError) -> HindsightReport {
        let then = try quality(QualityQuery(by: .source, window: ReplayWindow(asOf: moment, knownAt: moment)), progress: progress)
        let now = try quality(QualityQuery(by: .source, window: ReplayWindow(asOf: moment)), progress: progress)
        let late = try lateEvents(at: moment, occurredSince: occurredSince).events
        return HindsightReport(at: moment, then: then, now: now, late: late)
    }

    /// The events that happened by `moment` (and at or after `occurredSince`)
    /// but were recorded after it (and by `knownAt`), in position order:
    /// the first `limit` of them, and how many there are.
    func lateEvents(at moment: Timestamp, occurredSince: Timestamp? = nil, knownAt: Timestamp? = nil,
                    limit: Int = .max) throws(ParleyError) -> (events: [LateEvent], count: Int) {
        try mapped {
            var late: [LateEvent] = []
            var count = 0
            // occurred_at ≤ moment: an exclusive bound one microsecond later.
            try log.events(EventFilter(since: occurredSince, until: Timestamp(microseconds: moment.microseconds + 1),
                                       recordedAfter: moment, knownAt: knownAt)) { event in
                count += 1
                if late.count < limit { late.append(LateEvent(event: event, summary: EventSummary.line(event, data: Payload(event.payload)))) }
                return true
            }
            return (late, count)
        }
    }

    /// Every view at `query.from` against `query.to`: lead quality per
    /// source, tensions opened and resolved between, issues open at each
    /// end, criteria and SLA versions added, SLA compliance per rep,
    /// members who joined or left, and meetings held.
    public func diff(_ query: DiffQuery, progress: ProgressReporter = .none) throws(ParleyError) -> DiffReport {
        guard query.from < query.to else {
            throw ParleyError(.invalid, code: "invalid-period", "the second time (\(query.to.rfc3339)) is not after the first (\(query.from.rfc3339))",
                              field: "to")
        }
        let windows = [ReplayWindow(asOf: query.from, knownAt: query.knownAt), ReplayWindow(asOf: query.to, knownAt: query.knownAt)]
        var ends: [DiffReport.End] = []
        for window in windows {
            let issueRows = try self.source(IssuesProjection.self, window, progress: progress)
            let tensions = try mapped {
                try ["tension/", "resolved/"].flatMap { try issueRows.rows(prefix: $0).values }.compactMap { row -> IssuesProjection.Tension? in
                    if case let .tension(tension) = row { return tension }
                    return nil
                }
            }
            ends.append(DiffReport.End(
                at: window.asOf!, quality: try quality(QualityQuery(by: .source, window: window), progress: progress),
                tensions: tensions, issues: try issues(IssuesQuery(window: window), progress: progress),
                criteria: try criteriaHistory(window, progress: progress), sla: try sla(window, progress: progress),
                members: try members(window, progress: progress), meetings: try meetings(window, progress: progress).meetings))
        }
        return DiffReport(from: ends[0], to: ends[1], knownAt: query.knownAt)
    }

    /// The report for a retrospective of `from ..< to`, against the period
    /// of the same length before it: headline figures, weekly series per
    /// source, acceptance per source and SLA compliance per rep then and
    /// now, what moved most, what is still open, the period's timeline and
    /// what the log learned only after it.
    public func retro(_ query: RetroQuery, progress: ProgressReporter = .none) throws(ParleyError) -> RetroReport {
        let from = query.from, to = query.to, window = query.window
        guard from < to else {
            throw ParleyError(.invalid, code: "invalid-period", "the period ends (\(to.rfc3339)) before it starts (\(from.rfc3339))", field: "to")
        }
        let previousFrom = Timestamp(microseconds: from.microseconds - (to.microseconds - from.microseconds))
        let quality = try self.source(LeadQualityProjection.self, window, progress: progress)
        func lines(_ by: LeadQualityProjection.Dimension, _ since: Timestamp, _ until: Timestamp) throws(ParleyError) -> [LeadQualityProjection.Line] {
            try qualityLines(QualityQuery(by: by, since: since, until: until, window: window), quality)
        }
        // The story of both periods in one read; each period's own part below.
        var story = try periodStory(from: previousFrom, to: to, window: window, progress: progress)
        let spans = Week.spans(from: from, to: to)
        var weekly: [String: [LeadQualityProjection.Group]] = [:]
        for (index, span) in spans.enumerated() {
            for line in try lines(.source, span.from, span.to) {
                weekly[line.key, default: Array(repeating: LeadQualityProjection.Group(), count: spans.count)][index] = line.group
                story.addLeads(week: span.week, at: span.from, source: line.key, group: line.group)
            }
        }
        let entries = story.timeline()
        func figures(_ since: Timestamp, _ until: Timestamp) throws(ParleyError) -> RetroReport.Figures {
            let bySource = try lines(.source, since, until)
            var total = LeadQualityProjection.Group()
            for line in bySource { total.merge(line.group) }
            let followUp = try mapped { try log.replay(FollowUpProjection.self, window: window, leadsSent: since..<until) }
            let sla = try slaReport(ViewSource(log: log, replayed: followUp), now: window.now)
            let inPeriod = entries.filter { since <= $0.at && $0.at < until }
            return RetroReport.Figures(
                from: since, to: until, total: LeadQualityProjection.Line(key: "all", group: total), bySource: bySource,
                byRep: try lines(.rep, since, until), byCriteria: try lines(.criteria, since, until), sla: sla,
                tensionsOpened: inPeriod.filter { $0.type == TensionFlagged.type }.count,
                tensionsResolved: inPeriod.filter { $0.type == TensionResolved.type }.count,
                jointMeetings: inPeriod.filter { $0.type == MeetingHeld.type && $0.joint }.count)
        }
        let current = try figures(from, to)
        let previous = try figures(previousFrom, from)
        let open = try issues(IssuesQuery(kinds: ["tension", "overdue-action", "unagreed-criteria"], window: window), progress: progress)
        // What the log learned after the period about the period (never what a --known-at leaves out).
        let late = try lateEvents(at: to, occurredSince: from, knownAt: window.knownAt, limit: RetroReport.lateShown)
        return RetroReport(current: current, previous: previous, weeks: spans.map(\.week), weekly: weekly,
                           timeline: entries.filter { from <= $0.at }, open: open, late: late.events, lateCount: late.count, now: window.now)
    }
}
