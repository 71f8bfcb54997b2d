import ArgumentParser
import Foundation
import ParleyCore
import ParleyStore

extension ViewOptions {
    /// The moment a report is made for: the replay's time, or now.
    var now: Timestamp { asOf?.timestamp ?? knownAt?.timestamp ?? .now() }
}

extension Parley {
    struct Issues: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "issues",
            abstract: "What is open between the teams, most severe and oldest first.",
            discussion: """
                Unresolved tensions, and what the log itself can see: leads past the SLA
                follow-up time with no verdict (sla-breach), leads with no feedback after the
                agreed days (missing-feedback), overdue action items, content requests past
                their date, and criteria versions a team has not agreed to. Each row says why
                it is open and since when.

                The table gives the leads' issues one row per rep (how many leads, since the
                oldest); --leads lists every lead, as --json always does.

                Examples:
                  parley issues
                  parley issues --leads --kind sla-breach
                  parley issues --kind tension --kind unagreed-criteria
                  parley issues --as-of 2026-03-31 --json
                """
        )
        @Option(name: .customLong("kind"), help: ArgumentHelp("Only issues of this kind (repeatable).", valueName: "kind")) var kinds: [String] = []
        @Option(help: ArgumentHelp("At most this many rows (text only).", valueName: "n")) var limit: Int?
        @Flag(help: "List each lead past a deadline on its own row (the table shows one row per rep; --json always lists each lead).")
        var leads = false
        @OptionGroup var view: ViewOptions

        static let kinds = ["tension", "sla-breach", "missing-feedback", "overdue-action", "unanswered-content", "unagreed-criteria"]

        func validate() throws {
            for kind in kinds where !Self.kinds.contains(kind) {
                throw ValidationError("--kind takes \(Self.kinds.joined(separator: ", ")); got '\(kind)'")
            }
        }

        func run() throws {
            let source = try view.source(IssuesProjection.self)
            let issues = try IssuesProjection.openPrefixes.flatMap { try source.rows(prefix: $0).values }
            let followUp = try view.source(FollowUpProjection.self)
            var open: [OpenIssue]
            if view.json || leads {
                open = OpenIssue.list(issues: issues, followUp: try followUp.rows(prefix: "lead/").values, now: view.now)
            } else {
                // One row per rep for the leads' issues: counted from the deadline rows, not read lead by lead.
                let now = view.now
                let perRep = try OpenIssue.perRep(
                    verdicts: try followUp.deadlines(.verdict, at: now), feedback: try followUp.deadlines(.feedback, at: now),
                    pending: { lead in
                        if case let .pending(pending)? = try followUp.row("lead/\(lead)") { return pending }
                        return nil
                    }, now: now)
                open = OpenIssue.sorted(OpenIssue.list(issues: issues, followUp: [], now: now) + perRep)
            }
            if !kinds.isEmpty { open = open.filter { kinds.contains($0.kind) } }
            if view.json {
                Output.standard.line(JSONValue.array(open.map { issue in
                    .object(["kind": .string(issue.kind), "ref": .string(issue.ref), "since": .string(issue.since.rfc3339),
                             "severity": .string(issue.severity), "reason": .string(issue.reason)])
                }).canonicalText)
                return
            }
            guard !open.isEmpty else {
                Output.standard.line("nothing open")
                return
            }
            let shown = limit.map { Array(open.prefix($0)) } ?? open
            let rows = shown.map { [$0.severity, $0.kind, $0.ref, String($0.since.rfc3339.prefix(10)), $0.reason] }
            for line in Figures.table(["SEVERITY", "KIND", "REF", "SINCE", "WHY"], rows) { Output.standard.line(line) }
            // Counted in issues, not rows: a rep's row stands for each of their leads.
            var counts: [String: Int] = [:]
            for issue in open { counts[issue.kind, default: 0] += issue.count }
            let summary = Self.kinds.compactMap { kind in counts[kind].map { "\($0) \(kind)" } }.joined(separator: ", ")
            let total = counts.values.reduce(0, +)
            var notes: [String] = []
            if total != open.count { notes.append("in \(open.count) rows, a rep's leads in one; --leads lists each") }
            if shown.count < open.count { notes.append("showing \(shown.count); --limit") }
            Output.standard.line("\(total) open: \(summary)\(notes.isEmpty ? "" : " (\(notes.joined(separator: "; ")))")")
        }
    }

    struct Meetings: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "meetings",
            abstract: "Joint meetings: attendees by team, decisions, action items.",
            discussion: """
                Examples:
                  parley meetings
                  parley meetings --json
                """
        )
        @OptionGroup var view: ViewOptions

        func run() throws {
            let meetings = try view.rows(MeetingsProjection.self).values.sorted { ($0.at, $0.meeting) < ($1.at, $1.meeting) }
            let members = try view.rows(MembersProjection.self)
            let actions = try view.rows(IssuesProjection.self, prefix: "action/")
            func team(_ handle: String) -> String { members[handle]?.team ?? "unknown" }
            func isJoint(_ meeting: MeetingsProjection.Row) -> Bool { meeting.isJoint(teamOf: team) }
            let lastJoint = meetings.last(where: isJoint)
            let daysSince = lastJoint.map { Int((view.now.microseconds - $0.at.microseconds) / 86_400_000_000) }
            if view.json {
                Output.standard.line(JSONValue.object([
                    "days_since_last_joint_meeting": daysSince.map { .integer(Int64($0)) } ?? .null,
                    "meetings": .array(meetings.map { meeting in
                        var byTeam: [String: [String]] = [:]
                        for handle in meeting.attendees { byTeam[team(handle), default: []].append(handle) }
                        return .object([
                            "meeting": .string(meeting.meeting), "title": .string(meeting.title), "at": .string(meeting.at.rfc3339),
                            "held_by": .string(meeting.heldBy), "joint": .bool(isJoint(meeting)),
                            "attendees_by_team": .object(byTeam.mapValues { .array($0.map(JSONValue.string)) }),
                            "decisions": .array(meeting.decisions.map(JSONValue.string)),
                            "actions": .array(meeting.actions.map(JSONValue.string)),
                        ])
                    }),
                ]).canonicalText)
                return
            }
            for meeting in meetings {
                var byTeam: [String: Int] = [:]
                for handle in meeting.attendees { byTeam[team(handle), default: 0] += 1 }
                let teams = byTeam.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
                Output.standard.line("\(meeting.meeting)  \(meeting.at.rfc3339.prefix(10))  \(meeting.title)  (\(teams))\(isJoint(meeting) ? "" : "  not joint")")
                for decision in meeting.decisions { Output.standard.line("    decided: \(decision)") }
                for id in meeting.actions {
                    if case let .action(action)? = actions["action/\(id)"] {
                        let state = action.completedAt.map { "done \($0.rfc3339.prefix(10))" } ?? (action.due.map { "due \($0)" } ?? "open")
                        Output.standard.line("    \(id) \(action.owner): \(action.text) [\(state)]")
                    }
                }
            }
            Output.standard.line(daysSince.map { "\($0) days since the last joint meeting (marketing and sales both present)" }
                                 ?? "no joint meeting yet (marketing and sales both present)")
        }
    }

    struct Actions: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "actions",
            abstract: "Action items from meetings: owner, due date, done or overdue.",
            discussion: """
                Examples:
                  parley actions --open
                  parley actions --owner sam@sales --json
                """
        )
        @Flag(help: "Only items not done yet.") var open = false
        @Option(help: ArgumentHelp("Only this owner's items.", valueName: "handle")) var owner: String?
        @OptionGroup var view: ViewOptions

        func run() throws {
            let now = view.now
            var actions = try view.rows(IssuesProjection.self, prefix: "action/").values.compactMap { row -> IssuesProjection.Action? in
                if case let .action(action) = row { return action }
                return nil
            }
            if open { actions = actions.filter { $0.completedAt == nil } }
            if let owner { actions = actions.filter { $0.owner == owner } }
            actions.sort { ($0.heldAt, $0.action) < ($1.heldAt, $1.action) }
            func state(_ action: IssuesProjection.Action) -> String { action.state(at: now) }
            if view.json {
                Output.standard.line(JSONValue.array(actions.map { action in
                    .object(["action": .string(action.action), "meeting": .string(action.meeting), "owner": .string(action.owner),
                             "text": .string(action.text), "due": action.due.map(JSONValue.string) ?? .null, "state": .string(state(action)),
                             "completed_at": action.completedAt.map { .string($0.rfc3339) } ?? .null])
                }).canonicalText)
                return
            }
            guard !actions.isEmpty else {
                Output.standard.line(open || owner != nil ? "no action items match" : "no action items yet; `parley meeting hold … --action owner:text:due` records some")
                return
            }
            let rows = actions.map { [$0.action, $0.meeting, $0.owner, $0.due ?? "", state($0), $0.text] }
            for line in Figures.table(["ACTION", "MEETING", "OWNER", "DUE", "STATE", "WHAT"], rows) { Output.standard.line(line) }
        }
    }
}

extension Parley.Criteria {
    struct History: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "history",
            abstract: "Who changed the lead criteria, when, why, and did it help?",
            discussion: """
                Each version: its rules, who changed it and when (when it happened and when the
                log learned it), the rationale, a word diff from the version before, which
                teams agreed and when, and what leads sent under it became.

                Examples:
                  parley criteria history
                  parley criteria history --json
                """
        )
        @OptionGroup var view: ViewOptions

        func run() throws {
            let versions = try view.rows(CriteriaProjection.self).values.sorted { $0.version < $1.version }
            let quality = try view.source(LeadQualityProjection.self, leavingOut: LeadQualityProjection.rowsLeftOut(reading: .criteria, days: false))
            let outcomes = LeadQualityProjection.report(try quality.rows(prefix: LeadQualityProjection.Dimension.criteria.monthKeys), by: .criteria)
            func outcome(_ version: Int64) -> LeadQualityProjection.Line {
                outcomes.first { $0.key == "v\(version)" } ?? LeadQualityProjection.Line(key: "v\(version)", group: LeadQualityProjection.Group())
            }
            var previous: String?
            var entries: [(CriteriaProjection.Row, String, LeadQualityProjection.Line)] = []
            for version in versions {
                entries.append((version, previous.map { WordDiff.diff($0, version.rules) } ?? "{+\(version.rules)+}", outcome(version.version)))
                previous = version.rules
            }
            if view.json {
                Output.standard.line(JSONValue.array(entries.map { version, diff, line in
                    .object([
                        "version": .integer(version.version), "rules": .string(version.rules), "changed_by": .string(version.changedBy),
                        "occurred_at": .string(version.occurredAt.rfc3339), "recorded_at": .string(version.recordedAt.rfc3339),
                        "rationale": version.rationale.map(JSONValue.string) ?? .null, "diff": .string(diff),
                        "agreed_by": .array(version.agreedBy.map { .object(["team": .string($0.team), "by": .string($0.by), "at": .string($0.at.rfc3339)]) }),
                        "leads_sent": .integer(line.group.sent), "acceptance_rate": Figures.json(line.acceptanceRate),
                        "conversion_rate": Figures.json(line.conversionRate),
                    ])
                }).canonicalText)
                return
            }
            guard !entries.isEmpty else {
                Output.standard.line("no criteria recorded yet; `parley criteria change --rules …` records the first version")
                return
            }
            for (index, (version, diff, line)) in entries.enumerated() {
                if index > 0 { Output.standard.line() }
                let backdated = version.recordedAt.microseconds - version.occurredAt.microseconds > 3_600_000_000
                    ? " (recorded \(version.recordedAt.rfc3339.prefix(16)))" : ""
                Output.standard.line("version \(version.version)  changed by \(version.changedBy) on \(version.occurredAt.rfc3339.prefix(16))\(backdated)")
                Output.standard.line("  rules:     \(version.rules)")
                if index > 0 { Output.standard.line("  diff:      \(diff)") }
                if let rationale = version.rationale { Output.standard.line("  why:       \(rationale)") }
                let agreed = version.agreedBy.map { "\($0.team) (\($0.by), \($0.at.rfc3339.prefix(10)))" }.joined(separator: ", ")
                Output.standard.line("  agreed:    \(agreed.isEmpty ? "nobody yet" : agreed)")
                Output.standard.line("  outcome:   \(line.group.sent) leads sent, \(Figures.percent(line.acceptanceRate)) accepted, \(Figures.percent(line.conversionRate)) converted")
            }
        }
    }
}

extension Parley.SLA {
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "SLA compliance: verdicts and feedback in time, late or missing, per rep and per source.",
            discussion: """
                Examples:
                  parley sla
                  parley sla show --as-of 2026-03-31 --json
                """
        )
        @OptionGroup var view: ViewOptions

        func run() throws {
            let followUp = try view.source(FollowUpProjection.self)
            let now = view.now
            var rows = try followUp.rows(prefix: "sla/")
            for prefix in ["rep/", "source/"] { rows.merge(try followUp.rows(prefix: prefix)) { $1 } }
            let (history, reps, sources) = FollowUpProjection.compliance(
                rows, verdicts: try followUp.deadlines(.verdict, at: now), feedback: try followUp.deadlines(.feedback, at: now))
            typealias Line = FollowUpProjection.Compliance
            if view.json {
                func lines(_ lines: [Line]) -> JSONValue {
                    .array(lines.map { line in
                        .object(["key": .string(line.key), "verdicts_in_time": .integer(line.counts.verdictsInTime),
                                 "verdicts_late": .integer(line.counts.verdictsLate), "verdicts_missing": .integer(line.verdictsMissing),
                                 "verdicts_pending": .integer(line.verdictsPending), "in_time_rate": Figures.json(line.inTimeRate),
                                 "feedback_in_time": .integer(line.counts.feedbackInTime), "feedback_late": .integer(line.counts.feedbackLate),
                                 "feedback_missing": .integer(line.feedbackMissing)])
                    })
                }
                Output.standard.line(JSONValue.object([
                    "in_force": history.last.map(Self.json) ?? .null,
                    "history": .array(history.map(Self.json)),
                    "by_rep": lines(reps), "by_source": lines(sources),
                ]).canonicalText)
                return
            }
            guard let current = history.last else {
                Output.standard.line("no SLA set yet; `parley sla set --follow-up-hours 24 …` sets one")
                return
            }
            Output.standard.line("In force: verdict within \(current.followUpHours) h\(current.feedbackWithinDays.map { ", feedback within \($0) days" } ?? "")\(current.monthlyMqlTarget.map { ", \($0) MQLs a month" } ?? "") (set by \(current.setBy) on \(current.setAt.rfc3339.prefix(10)))")
            if history.count > 1 {
                for sla in history.dropLast() { Output.standard.line("  before: \(sla.followUpHours) h, from \(sla.setAt.rfc3339.prefix(10)) (\(sla.setBy))") }
            }
            let header = ["", "IN TIME", "LATE", "MISSING", "PENDING", "IN TIME%", "FEEDBACK IN TIME", "LATE", "MISSING"]
            for (title, lines) in [("REP", reps), ("SOURCE", sources)] {
                Output.standard.line()
                var head = header
                head[0] = title
                let rows = lines.map { (line: Line) -> [String] in
                    [line.key, String(line.counts.verdictsInTime), String(line.counts.verdictsLate), String(line.verdictsMissing),
                     String(line.verdictsPending), Figures.percent(line.inTimeRate), String(line.counts.feedbackInTime),
                     String(line.counts.feedbackLate), String(line.feedbackMissing)]
                }
                for line in Figures.table(head, rows, rightAligned: Set(1...8)) { Output.standard.line(line) }
            }
        }

        static func json(_ sla: FollowUpProjection.SLA) -> JSONValue {
            .object(["follow_up_hours": .integer(sla.followUpHours), "feedback_within_days": sla.feedbackWithinDays.map(JSONValue.integer) ?? .null,
                     "monthly_mql_target": sla.monthlyMqlTarget.map(JSONValue.integer) ?? .null, "set_by": .string(sla.setBy),
                     "set_at": .string(sla.setAt.rfc3339)])
        }
    }
}
