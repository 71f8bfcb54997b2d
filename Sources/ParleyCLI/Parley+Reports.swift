import ArgumentParser
import Foundation
import ParleyCore
import ParleyApp

extension Parley {
    struct Issues: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "issues",
            abstract: "What is open between the teams, most severe and oldest first.",
            discussion: """
                Unresolved tensions, the detectors' open signals (signal; see `parley signals`), and what the log itself can see: leads past the SLA follow-up time with no verdict (sla-breach), leads with no feedback after the agreed days (missing-feedback), leads waiting on someone who left or never joined (orphaned-leads), overdue action items, content requests past their date, and criteria versions a team has not agreed to. Each row says why it is open and since when.

                The table gives the leads' issues one row per rep (how many leads, since the oldest); --leads lists every lead, as --json always does.

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

        static let kinds = IssuesQuery.kinds

        func validate() throws {
            for kind in kinds where !Self.kinds.contains(kind) {
                throw ValidationError("--kind takes \(Self.kinds.joined(separator: ", ")); got '\(kind)'")
            }
        }

        func run() throws {
            let open = try view.open().issues(IssuesQuery(kinds: kinds, eachLead: view.json || leads, window: view.window),
                                              progress: view.progress)
            if view.json {
                try Output.standard.json(open)
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
            let report = try view.open().meetings(view.window, progress: view.progress)
            if view.json {
                try Output.standard.json(report)
                return
            }
            for entry in report.meetings {
                let meeting = entry.meeting
                let teams = entry.attendeesByTeam.sorted { $0.key < $1.key }.map { "\($0.value.count) \($0.key)" }.joined(separator: ", ")
                Output.standard.line("\(meeting.meeting)  \(meeting.at.rfc3339.prefix(10))  \(meeting.title)  (\(teams))\(entry.joint ? "" : "  not joint")")
                for decision in meeting.decisions { Output.standard.line("    decided: \(decision)") }
                for action in entry.actionItems {
                    let state = action.completedAt.map { "done \($0.rfc3339.prefix(10))" } ?? (action.due.map { "due \($0)" } ?? "open")
                    Output.standard.line("    \(action.action) \(action.owner): \(action.text) [\(state)]")
                }
            }
            let daysSince = report.daysSinceLastJointMeeting
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
            let actions = try view.open().actions(ActionsQuery(openOnly: open, owner: owner, window: view.window), progress: view.progress)
            if view.json {
                try Output.standard.json(actions)
                return
            }
            guard !actions.isEmpty else {
                Output.standard.line(open || owner != nil ? "no action items match" : "no action items yet; `parley meeting hold … --action owner:text:due` records some")
                return
            }
            let rows = actions.map { [$0.action.action, $0.action.meeting, $0.action.owner, $0.action.due ?? "", $0.state, $0.action.text] }
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
                Each version: its rules, who changed it and when (when it happened and when the log learned it), the rationale, a word diff from the version before, which teams agreed and when, and what leads sent under it became.

                Examples:
                  parley criteria history
                  parley criteria history --json
                """
        )
        @OptionGroup var view: ViewOptions

        func run() throws {
            let entries = try view.open().criteriaHistory(view.window, progress: view.progress)
            if view.json {
                try Output.standard.json(entries)
                return
            }
            guard !entries.isEmpty else {
                Output.standard.line("no criteria recorded yet; `parley criteria change --rules …` records the first version")
                return
            }
            for (index, entry) in entries.enumerated() {
                let (version, diff, line) = (entry.version, entry.diff, entry.outcome.line)
                if index > 0 { Output.standard.line() }
                let backdated = version.recordedAt.microseconds - version.occurredAt.microseconds > 3_600_000_000
                    ? " (recorded \(version.recordedAt.rfc3339.prefix(16)))" : ""
                Output.standard.line("version \(version.version)  changed by \(version.changedBy) on \(version.occurredAt.rfc3339.prefix(16))\(backdated)")
                Output.standard.line("  rules:     \(version.rules)")
                if index > 0 { Output.standard.line("  diff:      \(diff)") }
                if let rationale = version.rationale { Output.standard.line("  why:       \(rationale)") }
                let agreed = entry.signOff.signatures.map { "\($0.team) (\($0.by), \($0.at.rfc3339.prefix(10)))" }.joined(separator: ", ")
                Output.standard.line("  state:     \(entry.signOff.summary)")
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
            abstract: "SLA compliance: verdicts and feedback in time, late or missing, per rep and per source, and by month.",
            discussion: """
                Examples:
                  parley sla
                  parley sla show --as-of 2026-03-31 --json
                """
        )
        @OptionGroup var view: ViewOptions

        func run() throws {
            let report = try view.open().sla(view.window, progress: view.progress)
            if view.json {
                try Output.standard.json(report)
                return
            }
            let (reps, sources) = (report.byRep, report.bySource)
            typealias Line = FollowUpProjection.Compliance
            guard let current = report.measuredAgainst else {
                Output.standard.line("no SLA proposed yet; `parley sla set --follow-up-hours 24 …` proposes one")
                return
            }
            let terms = "verdict within \(current.followUpHours) h\(current.feedbackWithinDays.map { ", feedback within \($0) days on \(current.rejectionIsFeedback ? "accepted leads (a rejection's reason is its feedback)" : "every lead")" } ?? "")\(current.monthlyMqlTarget.map { ", \($0) MQLs a month" } ?? "")"
            if report.inForce == nil {
                Output.standard.line("No SLA in force yet: measured against version \(current.version), \(report.signOff(current).summary): \(terms)")
            } else {
                Output.standard.line("In force: version \(current.version), \(terms)")
            }
            for sla in report.history.reversed() {
                let signed = report.signOff(sla).signatures.map { "\($0.team) \($0.at.rfc3339.prefix(10))" }.joined(separator: ", ")
                Output.standard.line("  v\(sla.version): \(sla.followUpHours) h, proposed by \(sla.setBy) on \(sla.setAt.rfc3339.prefix(10)); \(report.signOff(sla).summary)\(signed.isEmpty ? "" : "; signed: \(signed)")")
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
            guard !report.byMonth.isEmpty else { return }
            Output.standard.line()
            let months = report.byMonth.suffix(12).map { (line: Line) -> [String] in
                [line.key, String(line.counts.verdictsInTime), String(line.counts.verdictsLate), Figures.percent(line.inTimeRate),
                 String(line.counts.feedbackInTime), String(line.counts.feedbackLate)]
            }
            for line in Figures.table(["MONTH GIVEN", "IN TIME", "LATE", "IN TIME%", "FEEDBACK IN TIME", "LATE"], months, rightAligned: Set(1...5)) {
                Output.standard.line(line)
            }
        }

    }
}
