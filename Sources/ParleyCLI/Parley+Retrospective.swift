import ArgumentParser
import Foundation
import ParleyCore
import ParleyApp

extension Parley {
    struct Timeline: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "timeline",
            abstract: "What happened in a period, week by week, in words.",
            discussion: """
                Criteria and SLA versions proposed and signed, tensions flagged, escalated and resolved, meetings with their decisions, action items done and missed, members who joined, left or moved, and each week's leads summed per source (sent that week, and what has become of them). Each line ends with the event's position: `parley show N` opens it.

                The period runs from --from up to --to, not included (a date alone means midnight UTC, so --to 2026-04-01 ends with March 31). Without --to it ends now; without --from it starts on the Monday four weeks before.

                Kinds: \(TimelineEntry.kinds.joined(separator: ", ")).

                Examples:
                  parley timeline
                  parley timeline --from 2026-01-01 --to 2026-04-01 --team sales
                  parley timeline --kind tension --kind criteria --json
                """
        )
        @Option(help: ArgumentHelp("Start of the period (RFC 3339 or a date).", valueName: "time")) var from: TimeArgument?
        @Option(help: ArgumentHelp("End of the period, not included (default: now).", valueName: "time")) var to: TimeArgument?
        @Option(help: ArgumentHelp("Only what involves this team: marketing, sales or management.", valueName: "team")) var team: String?
        @Option(name: .customLong("kind"), help: ArgumentHelp("Only lines of this kind (repeatable).", valueName: "kind")) var kinds: [String] = []
        @OptionGroup var view: ViewOptions

        func validate() throws {
            for kind in kinds where !TimelineEntry.kinds.contains(kind) {
                throw ValidationError("--kind takes \(TimelineEntry.kinds.joined(separator: ", ")); got '\(kind)'")
            }
            if let team, !["marketing", "sales", "management"].contains(team) {
                throw ValidationError("--team takes marketing, sales or management; got '\(team)'")
            }
            if let from = from?.timestamp, let to = to?.timestamp, to <= from {
                throw ValidationError("--to (\(to.rfc3339)) must be after --from (\(from.rfc3339))")
            }
        }

        func run() throws {
            let lines = try view.open().timeline(TimelineQuery(from: from?.timestamp, to: to?.timestamp, team: team, kinds: Set(kinds),
                                                               window: view.window), progress: view.progress)
            if view.json {
                try Output.standard.json(lines)
                return
            }
            guard !lines.isEmpty else {
                note("nothing happened in that period")
                return
            }
            var week: Week?
            for line in lines.map(\.entry) {
                if line.week != week {
                    if week != nil { Output.standard.line() }
                    week = line.week
                    Output.standard.line("Week of \(line.week.name)")
                }
                let position = line.position.map { "  [\($0)]" } ?? ""
                Output.standard.line("  \(line.at.yearMonthDay)  \(line.kind.padding(toLength: 10, withPad: " ", startingAt: 0)) \(line.summary)\(position)")
            }
        }
    }

    struct Diff: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "diff",
            abstract: "Every view at one time against another, or a moment as known then against now.",
            discussion: """
                `parley diff T1 T2` compares the views as of T1 with the views as of T2: lead quality per source (sent, acceptance and conversion rates and their change in points), tensions opened and resolved between, issues open at each end, criteria and SLA versions added, SLA compliance per rep, members who joined or left, meetings held. --known-at applies to both ends.

                `parley diff --hindsight T` compares T as the log knew it at T with T as the log knows it now: every event that happened by T but was recorded after it (backdated feedback, late verdicts, corrections), who recorded it and how late, and the sources whose figures it changed. Did we decide on what we knew?

                Examples:
                  parley diff 2026-01-01 2026-04-01
                  parley diff 2026-01-01 2026-04-01 --known-at 2026-04-01 --json
                  parley diff --hindsight 2026-03-31
                """
        )
        @Argument(help: ArgumentHelp("The earlier time.", valueName: "from")) var first: TimeArgument?
        @Argument(help: ArgumentHelp("The later time.", valueName: "to")) var second: TimeArgument?
        @Option(help: ArgumentHelp("Compare this time as known then with as known now.", valueName: "time")) var hindsight: TimeArgument?
        @Option(help: ArgumentHelp("What the log knew at this time, at both ends.", valueName: "time")) var knownAt: TimeArgument?
        @Flag(help: "Print the comparison as JSON.") var json = false
        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            if hindsight != nil {
                if first != nil || second != nil { throw ValidationError("give either two times or --hindsight TIME, not both") }
                if knownAt != nil { throw ValidationError("--hindsight compares what was known then with now; --known-at does not apply") }
                return
            }
            guard let first, let second else { throw ValidationError("give two times to compare (parley diff 2026-01-01 2026-04-01), or --hindsight TIME") }
            if second.timestamp <= first.timestamp {
                throw ValidationError("the second time (\(second.timestamp.rfc3339)) must be after the first (\(first.timestamp.rfc3339))")
            }
        }

        func run() throws {
            let app = try database.open()
            let progress = ProgressLine.reporting()
            if let hindsight {
                let report = try app.hindsight(at: hindsight.timestamp, progress: progress)
                if json { return try Output.standard.json(report) }
                printHindsight(report)
                return
            }
            let report = try app.diff(DiffQuery(from: first!.timestamp, to: second!.timestamp, knownAt: knownAt?.timestamp), progress: progress)
            if json { return try Output.standard.json(report) }
            printDiff(report)
        }

        private func qualityTable(_ changes: [QualityChange], _ names: (String, String)) {
            let rows = changes.map { change in
                [change.key, String(change.before?.group.sent ?? 0), String(change.after?.group.sent ?? 0),
                 Figures.percent(change.before?.line.acceptanceRate), Figures.percent(change.after?.line.acceptanceRate),
                 change.acceptanceChange.map { String(format: "%+.1f", $0) } ?? "–",
                 Figures.percent(change.before?.line.conversionRate), Figures.percent(change.after?.line.conversionRate),
                 change.conversionChange.map { String(format: "%+.1f", $0) } ?? "–"]
            }
            let header = ["SOURCE", "SENT \(names.0)", "SENT \(names.1)", "ACC% \(names.0)", "ACC% \(names.1)", "PTS", "CONV% \(names.0)", "CONV% \(names.1)", "PTS"]
            for line in Figures.table(header, rows, rightAligned: Set(1...8)) { Output.standard.line("  " + line) }
        }

        private func printDiff(_ report: DiffReport) {
            let out = Output.standard
            let (a, b) = (report.from.at.yearMonthDay, report.to.at.yearMonthDay)
            out.line("From \(report.from.at.rfc3339) to \(report.to.at.rfc3339)\(report.knownAt.map { ", as known at \($0.rfc3339)" } ?? "")")
            out.line()
            out.line("Lead quality by source")
            if report.quality.isEmpty { out.line("  no leads at either end") } else { qualityTable(report.quality, (a, b)) }
            func section(_ title: String, _ lines: [String], none: String) {
                out.line()
                out.line("\(title) (\(lines.count))")
                if lines.isEmpty { out.line("  \(none)") }
                for line in lines { out.line("  " + line) }
            }
            section("Tensions opened between", report.tensionsOpened.map { "\($0.tension) \($0.severity): \($0.title) (\($0.flaggedBy), \($0.flaggedAt.yearMonthDay))" }, none: "none")
            section("Tensions resolved between", report.tensionsResolved.map { "\($0.tension): \($0.title)" }, none: "none")
            section("Issues open at \(a)", report.from.issues.map { "\($0.kind) \($0.ref): \($0.reason)" }, none: "nothing open")
            section("Issues open at \(b)", report.to.issues.map { "\($0.kind) \($0.ref): \($0.reason)" }, none: "nothing open")
            section("Criteria versions added", report.criteriaAdded.map { "v\($0.version.version) by \($0.version.changedBy): \($0.version.rules)" }, none: "none")
            section("SLA versions added", report.slaAdded.map { "verdict within \($0.followUpHours) h, set by \($0.setBy) \($0.setAt.yearMonthDay)" }, none: "none")
            section("SLA compliance by rep (verdicts in time)", report.slaByRep.map {
                "\($0.key): \(Figures.percent($0.from)) → \(Figures.percent($0.to))"
            }, none: "no verdicts due at either end")
            section("Members who joined", report.membersJoined.map { "\($0.member.handle) (\($0.member.team))" }, none: "none")
            section("Members who left", report.membersLeft.map { "\($0.member.handle) (\($0.member.team))" }, none: "none")
            section("Meetings held", report.meetingsHeld.map { "\($0.meeting.meeting) \($0.meeting.at.yearMonthDay)\($0.joint ? " joint" : ""): \($0.meeting.title)" }, none: "none")
        }

        private func printHindsight(_ report: HindsightReport) {
            let out = Output.standard
            out.line("\(report.at.rfc3339) as known then, against as known now")
            out.line()
            let changes = report.changes
            out.line("Lead quality by source that changed (\(changes.count))")
            if changes.isEmpty { out.line("  none: what was known then still stands") } else { qualityTable(changes, ("THEN", "NOW")) }
            out.line()
            out.line("Recorded after \(report.at.yearMonthDay), happened by then (\(report.late.count))")
            if report.late.isEmpty { out.line("  nothing") }
            let rows = report.late.map { late in
                [String(late.event.position), late.event.occurredAt.yearMonthDay, late.event.recordedAt.yearMonthDay,
                 late.event.actor, String(format: "%.0f h", late.hoursLate), late.summary]
            }
            if !rows.isEmpty {
                for line in Figures.table(["POS", "HAPPENED", "RECORDED", "BY", "LATE", "WHAT"], rows, rightAligned: [0, 4]) { out.line("  " + line) }
            }
        }
    }

    struct Retro: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "retro",
            abstract: "The report for a retrospective meeting, with charts.",
            discussion: """
                For the period from --from up to --to (not included), against the period of the same length before it: headline numbers (leads sent, acceptance and conversion rates, median hours to verdict, SLA compliance, tensions opened and resolved, joint meetings), charts (leads sent, accepted and converted per week per source with criteria and SLA versions marked; acceptance by source; SLA compliance by rep; tensions per week), what improved and what got worse most, what is still open, the period's timeline, and what happened in it but was recorded only after it ended.

                --out FILE.html writes one self-contained page (inline SVG and CSS, no script, nothing fetched; it prints well). --out FILE.md writes Markdown, with tables in place of charts. Without --out the Markdown goes to standard output; --json prints the figures.

                Examples:
                  parley retro --from 2026-01-01 --to 2026-04-01 --out q1.html
                  parley retro --from 2026-03-01 --to 2026-04-01
                  parley retro --from 2026-01-01 --to 2026-04-01 --known-at 2026-04-02 \\
                      --out q1-as-known.md
                """
        )
        @Option(help: ArgumentHelp("Start of the period (RFC 3339 or a date).", valueName: "time")) var from: TimeArgument
        @Option(help: ArgumentHelp("End of the period, not included.", valueName: "time")) var to: TimeArgument
        @Option(help: ArgumentHelp("Write the report to this file: .html or .md.", valueName: "file")) var out: String?
        @OptionGroup var view: ViewOptions

        func validate() throws {
            if to.timestamp <= from.timestamp {
                throw ValidationError("--to (\(to.timestamp.rfc3339)) must be after --from (\(from.timestamp.rfc3339))")
            }
            if let out, !(out.hasSuffix(".html") || out.hasSuffix(".htm") || out.hasSuffix(".md")) {
                throw ValidationError("--out names an .html or .md file; got '\(out)'")
            }
        }

        func run() throws {
            let report = try view.open().retro(RetroQuery(from: from.timestamp, to: to.timestamp, window: view.window), progress: view.progress)
            if view.json { return try Output.standard.json(report) }
            guard let out else {
                Output.standard.write(report.markdown())
                return
            }
            let text = out.hasSuffix(".md") ? report.markdown() : report.html()
            // Written beside the target, then renamed over it: a reader never sees half a report.
            let url = URL(fileURLWithPath: out)
            do {
                try Data(text.utf8).write(to: url, options: .atomic)
            } catch {
                throw CLIFailure(ParleyError(.failure, code: "write-failed", "could not write the report to \(out): \(error.localizedDescription)",
                                             remedy: "check that the folder exists and can be written"))
            }
            note("wrote \(out) (\(report.periodName), \(report.timeline.count) timeline lines)")
        }
    }
}
