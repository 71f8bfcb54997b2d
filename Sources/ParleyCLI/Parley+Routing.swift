import ArgumentParser
import Foundation
import ParleyCore
import ParleyApp

extension Parley {
    struct Routing: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "routing",
            abstract: "Who each lead was routed to: sends and reassignments, per rep and per source.",
            discussion: """
                A lead's assignment history: to whom it went, when, by whom and why. Without --lead, the totals: per rep, leads sent to them, moved to them, moved away and held now; per source, leads and reassignments; and the leads moved more than twice (nobody wants them, or the routing does not work). Retracted sends and reassignments are left out.

                Examples:
                  parley routing
                  parley routing --lead L-1042
                  parley routing --rep sam@sales --since 2026-03-01
                  parley routing --as-of 2026-03-31 --json
                """
        )
        @OptionGroup var view: ViewOptions
        @Option(help: ArgumentHelp("One lead's assignment history.", valueName: "lead")) var lead: String?
        @Option(help: ArgumentHelp("Only leads that were ever assigned to this rep.", valueName: "handle")) var rep: String?
        @Option(help: ArgumentHelp("Only leads first sent at or after this time.", valueName: "time")) var since: TimeArgument?

        func run() throws {
            let report = try view.open().routing(RoutingQuery(lead: lead, rep: rep, since: since?.timestamp, eachLead: view.json,
                                                              window: view.window), progress: view.progress)
            if view.json {
                try Output.standard.json(report)
                return
            }
            if let lead {
                guard let entry = report.leads.first else {
                    throw CLIFailure(.notFound, code: "not-found", "no lead \(lead) was sent\(view.window.isEverything ? "" : " by then")")
                }
                Output.standard.line("\(entry.lead) (\(entry.source)): \(entry.moves) reassignment\(entry.moves == 1 ? "" : "s"), held by \(entry.owner ?? "nobody")")
                for line in Figures.table(["WHEN", "", "TO", "BY", "WHY", "#"], entry.assignments.map { assignment in
                    [assignment.at.minute, assignment.kind,
                     assignment.to ?? "–", assignment.by, assignment.reason ?? "", String(assignment.position)]
                }, rightAligned: [5]) {
                    Output.standard.line("  " + line)
                }
                return
            }
            let (count, moves) = (report.leadCount, report.reassignments)
            Output.standard.line("\(count) lead\(count == 1 ? "" : "s"), \(moves) reassignment\(moves == 1 ? "" : "s")")
            if !report.reps.isEmpty {
                Output.standard.line()
                for line in Figures.table(["REP", "SENT", "MOVED IN", "MOVED OUT", "HOLDING"], report.reps.map {
                    [$0.rep, String($0.sent), String($0.movedIn), String($0.movedOut), String($0.holding)]
                }, rightAligned: [1, 2, 3, 4]) { Output.standard.line(line) }
            }
            if !report.sources.isEmpty {
                Output.standard.line()
                for line in Figures.table(["SOURCE", "LEADS", "REASSIGNMENTS", "MOVED"], report.sources.map {
                    [$0.source, String($0.leads), String($0.reassignments), String($0.moved)]
                }, rightAligned: [1, 2, 3]) { Output.standard.line(line) }
            }
            let often = report.movedOften
            Output.standard.line()
            if often.isEmpty {
                Output.standard.line("no lead was moved more than twice")
            } else {
                Output.standard.line("moved more than twice:")
                for entry in often.prefix(50) {
                    Output.standard.line("  \(entry.lead) (\(entry.source)): " + entry.assignments.map { $0.to ?? "–" }.joined(separator: " → "))
                }
                if often.count > 50 { Output.standard.line("  … \(often.count - 50) more (--json lists them all)") }
            }
        }
    }
}
