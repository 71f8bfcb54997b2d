public import ParleyCore
import ParleyStore

extension ReplayWindow {
    /// The moment a report is made for: the replay's time, or now.
    public var now: Timestamp { asOf ?? knownAt ?? .now() }
}

extension App {
    /// Where a view is read from: the persisted view, caught up first, or
    /// a replay in memory when the window is not everything.
    ///
    /// - Parameter leavingOut: prefixes of rows the caller will not read (a replay may skip them).
    func source<P: Projection>(_ projection: P.Type, _ window: ReplayWindow, leavingOut: Set<String> = [],
                               progress: ProgressReporter) throws(ParleyError) -> ViewSource<P> {
        try mapped {
            if !window.isEverything {
                return ViewSource(log: log, replayed: try log.replay(P.self, window: window, leavingOut: leavingOut))
            }
            progress.begin("catching up \(P.name)…", nil)
            defer { progress.end() }
            try log.catchUp(P.self) { done, _ in progress.update(done) }
            return ViewSource(log: log, replayed: nil)
        }
    }

    /// Who is on which team, and who moved or left.
    public func members(_ window: ReplayWindow = ReplayWindow(), progress: ProgressReporter = .none) throws(ParleyError) -> [MemberEntry] {
        let source = try self.source(MembersProjection.self, window, progress: progress)
        return try mapped { MembersProjection.directory(try source.rows().values).map(MemberEntry.init) }
    }

    /// The role matrix, by team.
    public func roles(_ window: ReplayWindow = ReplayWindow(), progress: ProgressReporter = .none) throws(ParleyError) -> [RoleEntry] {
        let source = try self.source(RolesProjection.self, window, progress: progress)
        return try mapped { try source.rows().values.sorted { $0.team < $1.team }.map(RoleEntry.init) }
    }

    /// Lead quality per group of `query.by`, over the leads sent in its period.
    public func quality(_ query: QualityQuery, progress: ProgressReporter = .none) throws(ParleyError) -> [QualityLine] {
        if let since = query.since, let until = query.until, until < since {
            throw ParleyError(.invalid, code: "invalid-period", "the period ends (\(until.rfc3339)) before it starts (\(since.rfc3339))",
                              field: "until")
        }
        let source = try self.source(LeadQualityProjection.self, query.window, leavingOut: Self.rowsLeftOut(query), progress: progress)
        return try qualityLines(query, source).map(QualityLine.init)
    }

    /// The quality rows `query` will not read, so a replay may skip them.
    static func rowsLeftOut(_ query: QualityQuery) -> Set<String> {
        if query.since == nil && query.until == nil { return LeadQualityProjection.rowsLeftOut(reading: query.by, days: false) }
        if query.since?.isMidnight ?? true, query.until?.isMidnight ?? true { return LeadQualityProjection.rowsLeftOut(reading: query.by, days: true) }
        return []
    }

    /// Lead quality per group of `query.by` from `source`, over the leads
    /// sent in the query's period (its window is the source's).
    func qualityLines(_ query: QualityQuery, _ source: ViewSource<LeadQualityProjection>) throws(ParleyError) -> [LeadQualityProjection.Line] {
        let by = query.by
        let since = query.since
        let until = query.until
        if since == nil && until == nil {
            // Everything: the dimension's all-time groups.
            return try mapped { try Self.report(LeadQualityProjection.ReportSums(by: by), source) }
        } else if since?.isMidnight ?? true, until?.isMidnight ?? true {
            // Whole days: whole months from the month groups, the days of the months cut from the day groups.
            return try mapped {
                try Self.report(LeadQualityProjection.ReportSums(by: by, since: since?.yearMonthDay, until: until?.yearMonthDay), source)
            }
        } else {
            // A time within a day: summed lead by lead.
            return try mapped {
                let leads = try source.rows(prefix: "lead/").values.compactMap { row -> LeadQualityProjection.Lead? in
                    if case let .lead(lead) = row { return lead }
                    return nil
                }
                return LeadQualityProjection.report(leads: leads, by: by, since: since, until: until)
            }
        }
    }

    /// The report `sums` adds up, from its rows in `source`, read one at a
    /// time: a report over a thousand campaigns' days adds up tens of
    /// thousands, which need not be held at once.
    private static func report(_ sums: LeadQualityProjection.ReportSums,
                               _ source: ViewSource<LeadQualityProjection>) throws -> [LeadQualityProjection.Line] {
        var sums = sums
        for range in sums.ranges {
            try source.forEachRow(from: range.from, to: range.to, reading: { key, reader in try sums.add(key, reading: &reader) },
                                  row: { key, row in sums.add(key, row) })
        }
        return sums.lines
    }

    /// What is open between the teams, the most severe and oldest first.
    public func issues(_ query: IssuesQuery, progress: ProgressReporter = .none) throws(ParleyError) -> [OpenIssue] {
        let now = query.window.now
        let source = try self.source(IssuesProjection.self, query.window, progress: progress)
        let followUp = try self.source(FollowUpProjection.self, query.window, progress: progress)
        let directory = try members(query.window, progress: progress).map(\.member)
        var open = try mapped {
            let issues = try IssuesProjection.openPrefixes.flatMap { try source.rows(prefix: $0).values }
            let verdicts = try followUp.deadlines(.verdict, at: now)
            // Leads waiting on someone who left, or who never joined.
            let orphaned = OpenIssue.orphaned(verdicts: verdicts,
                                              members: Dictionary(directory.map { ($0.handle, $0.leftAt) }, uniquingKeysWith: { $1 }), now: now)
            if query.eachLead {
                return OpenIssue.sorted(OpenIssue.list(issues: issues, followUp: try followUp.rows(prefix: "lead/").values, now: now) + orphaned)
            }
            // One row per rep for the leads' issues: counted from the deadline rows, not read lead by lead.
            let perRep = try OpenIssue.perRep(
                verdicts: verdicts, feedback: try followUp.deadlines(.feedback, at: now),
                pending: { lead in
                    if case let .pending(pending)? = try followUp.row("lead/\(lead)") { return pending }
                    return nil
                }, now: now)
            return OpenIssue.sorted(OpenIssue.list(issues: issues, followUp: [], now: now) + perRep + orphaned)
        }
        if query.kinds.isEmpty || query.kinds.contains("signal") {
            // The detectors' signals beside people's tensions (dismissed ones are closed).
            let raised = try signals(query.window, progress: progress).map(\.signal).map {
                OpenIssue(kind: "signal", ref: $0.id, since: $0.since, severity: $0.severity, reason: $0.summary)
            }
            open = OpenIssue.sorted(open + raised)
        }
        if !query.kinds.isEmpty { open = open.filter { query.kinds.contains($0.kind) } }
        return open
    }

    /// Joint meetings, their attendees by team, decisions and action items.
    public func meetings(_ window: ReplayWindow = ReplayWindow(), progress: ProgressReporter = .none) throws(ParleyError) -> MeetingsReport {
        let meetingRows = try self.source(MeetingsProjection.self, window, progress: progress)
        let memberRows = try self.source(MembersProjection.self, window, progress: progress)
        let issueRows = try self.source(IssuesProjection.self, window, progress: progress)
        return try mapped {
            let meetings = try meetingRows.rows().values.sorted { ($0.at, $0.meeting) < ($1.at, $1.meeting) }
            let members = try memberRows.rows()
            let actions = try issueRows.rows(prefix: "action/")
            func team(_ handle: String) -> String { members[handle]?.team ?? "unknown" }
            let entries = meetings.map { meeting in
                MeetingEntry(meeting: meeting, joint: meeting.isJoint(teamOf: team),
                             attendeesByTeam: Dictionary(grouping: meeting.attendees, by: team),
                             actionItems: meeting.actions.compactMap { id in
                                 if case let .action(action)? = actions["action/\(id)"] { return action }
                                 return nil
                             })
            }
            let lastJoint = entries.last(where: \.joint)
            let daysSince = lastJoint.map { Int((window.now.microseconds - $0.meeting.at.microseconds) / 86_400_000_000) }
            return MeetingsReport(daysSinceLastJointMeeting: daysSince, meetings: entries, now: window.now)
        }
    }

    /// Action items from meetings, in the order they were set.
    public func actions(_ query: ActionsQuery, progress: ProgressReporter = .none) throws(ParleyError) -> [ActionEntry] {
        let source = try self.source(IssuesProjection.self, query.window, progress: progress)
        let now = query.window.now
        return try mapped {
            var actions = try source.rows(prefix: "action/").values.compactMap { row -> IssuesProjection.Action? in
                if case let .action(action) = row { return action }
                return nil
            }
            if query.openOnly { actions = actions.filter { $0.completedAt == nil } }
            if let owner = query.owner { actions = actions.filter { $0.owner == owner } }
            actions.sort { ($0.heldAt, $0.action) < ($1.heldAt, $1.action) }
            return actions.map { ActionEntry(action: $0, state: $0.state(at: now)) }
        }
    }

    /// Each criteria version: who changed it, why, the diff, who agreed,
    /// and what the leads sent under it became.
    public func criteriaHistory(_ window: ReplayWindow = ReplayWindow(), progress: ProgressReporter = .none) throws(ParleyError) -> [CriteriaVersion] {
        let versionRows = try self.source(CriteriaProjection.self, window, progress: progress)
        let quality = try self.source(LeadQualityProjection.self, window,
                                      leavingOut: LeadQualityProjection.rowsLeftOut(reading: .criteria, days: false), progress: progress)
        return try mapped {
            let versions = try versionRows.rows().values.sorted { $0.version < $1.version }
            let outcomes = try Self.report(LeadQualityProjection.ReportSums(by: .criteria), quality)
            let signatures = Self.signatures(of: versions)
            var previous: String?
            return versions.map { version in
                defer { previous = version.rules }
                let outcome = outcomes.first { $0.key == "v\(version.version)" }
                    ?? LeadQualityProjection.Line(key: "v\(version.version)", group: LeadQualityProjection.Group())
                return CriteriaVersion(version: version, diff: previous.map { WordDiff.diff($0, version.rules) } ?? "{+\(version.rules)+}",
                                       outcome: QualityLine(outcome), signOff: SignOff(signatures, number: version.version, now: window.now))
            }
        }
    }

    /// The criteria versions' signatures: marketing, which changes the
    /// criteria, signs each version by changing it; the other teams by agreeing.
    static func signatures(of rows: [CriteriaProjection.Row]) -> AgreementVersions {
        var versions = AgreementVersions()
        for row in rows.sorted(by: { $0.version < $1.version }) {
            versions.propose(row.version, by: row.changedBy, at: row.occurredAt)
            versions.sign(row.version, team: "marketing", by: row.changedBy, at: row.occurredAt)
            for agreed in row.agreedBy { versions.sign(row.version, team: agreed.team, by: agreed.by, at: agreed.at) }
        }
        return versions
    }

    /// SLA compliance per rep and per source, and the SLA's versions.
    public func sla(_ window: ReplayWindow = ReplayWindow(), progress: ProgressReporter = .none) throws(ParleyError) -> SLAReport {
        try slaReport(try self.source(FollowUpProjection.self, window, progress: progress), now: window.now)
    }

    /// SLA compliance from `followUp`'s rows, with deadlines counted at `now`.
    func slaReport(_ followUp: ViewSource<FollowUpProjection>, now: Timestamp) throws(ParleyError) -> SLAReport {
        try mapped {
            var rows = try followUp.rows(prefix: "sla/")
            for prefix in ["rep/", "source/", "month/"] { rows.merge(try followUp.rows(prefix: prefix)) { $1 } }
            let (history, versions, reps, sources, months) = FollowUpProjection.compliance(
                rows, verdicts: try followUp.deadlines(.verdict, at: now), feedback: try followUp.deadlines(.feedback, at: now))
            return SLAReport(history: history, versions: versions, byRep: reps, bySource: sources, byMonth: months, now: now)
        }
    }

    /// The views there are, by name.
    public static var viewNames: [String] { ViewCatalogue.projections.map { $0.name }.sorted() }

    /// Rebuilds views from the events, from scratch (all when `names` is empty).
    public func rebuild(_ names: [String] = [], progress: ProgressReporter = .none) throws(ParleyError) -> RebuildResult {
        var projections: [any Projection.Type] = []
        for name in names {
            guard let projection = ViewCatalogue.projection(named: name) else {
                throw ParleyError(.invalid, code: "unknown-view", "there is no view \(name); the views are \(Self.viewNames.joined(separator: ", "))",
                                  field: "view")
            }
            projections.append(projection)
        }
        if projections.isEmpty { projections = ViewCatalogue.projections }
        let chosen = projections
        let clock = ContinuousClock()
        let start = clock.now
        let read = try mapped {
            progress.begin("rebuilding \(chosen.map { $0.name }.joined(separator: ", "))…", Int(try log.lastPosition()))
            defer { progress.end() }
            return try log.rebuild(chosen) { done, _ in progress.update(done) }
        }
        let elapsed = clock.now - start
        return RebuildResult(views: chosen.map { $0.name }, events: read,
                             seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }
}
