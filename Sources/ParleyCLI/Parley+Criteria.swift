import ArgumentParser
import Foundation
import ParleyCore
import ParleyApp

extension Parley {
    struct Criteria: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "criteria",
            abstract: "Change the lead criteria (the MQL definition) and sign versions off.",
            discussion: """
                Each change makes the next version; each team agrees to a version once.

                Rules are checked against the leads sent under them: comparisons (=, !=, <, <=, >, >=) of a lead's attributes (and source, campaign, score), NAME in (a, b, c), has NAME, AND, OR, NOT and parentheses. Numbers compare as numbers, text regardless of case; to order text, declare its scale first, ending it with ; or a new line.

                Examples:
                  parley criteria change --as mia@marketing --rationale "fewer students" \\
                      --rules "scale title: individual < manager < director < vp;
                               title >= manager AND employees >= 50"
                  parley criteria change --as mia@marketing \\
                      --rules "country in (DE, FR, NL) AND NOT email_domain in (gmail.com)"
                  parley criteria check L-1042
                  parley criteria what-if --rules "employees >= 200" --since 2026-01-01 \\
                      --until 2026-04-01
                  parley criteria agree 4 --as sam@sales
                  parley criteria agree 4 --team sales --as lee@mgmt
                  parley criteria history
                """,
            subcommands: [Change.self, Agree.self, Check.self, WhatIf.self, History.self]
        )

        struct Change: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "change", abstract: "Record a new version of the lead criteria.")
            @Option(help: "The rules a lead must meet.") var rules: String
            @Option(help: "Why the change.") var rationale: String?
            @OptionGroup var options: RecordingOptions

            func run() throws {
                try options.run(.changeCriteria(rules: rules, rationale: rationale))
            }
        }

        struct Check: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "check", abstract: "Check a lead against the criteria version it was sent under, clause by clause.")
            @Argument(help: ArgumentHelp("The lead.", valueName: "lead")) var lead: String
            @OptionGroup var view: ViewOptions

            func run() throws {
                let check = try view.open().checkCriteria(lead: lead, window: view.window, progress: view.progress)
                if view.json { return try Output.standard.json(check) }
                guard let version = check.version, let rules = check.rules, check.notEvaluable == nil else {
                    Output.standard.line("\(lead): not evaluable: \(check.notEvaluable ?? "no rules")")
                    return
                }
                Output.standard.line("\(lead) was sent under criteria v\(version): \(rules)")
                for clause in check.clauses {
                    let mark = clause.met.map { $0 ? "met    " : "not met" } ?? "unknown"
                    Output.standard.line("  \(mark)  \(clause.text)\(clause.met == nil ? "  (the lead has no such value)" : "")")
                }
                Output.standard.line(check.met == true ? "\(lead) met the criteria" : "\(lead) did not meet the criteria")
            }
        }

        struct WhatIf: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "what-if",
                abstract: "Past leads against other rules: how many would have qualified, and what they actually did.",
                discussion: """
                    For the leads sent in the period (their last send), checks each against the rules and sums what the leads that would and would not have qualified became: accepted, rejected, converted, revenue. Leads that lack a value the rules name are not evaluable and counted apart.

                    Examples:
                      parley criteria what-if --rules "employees >= 200 AND country in (DE, FR)" \\
                          --since 2026-01-01 --until 2026-04-01
                      parley criteria what-if --version 3 --json
                    """)
            @Option(help: "The rules to try (as `criteria change --rules` takes them).") var rules: String?
            @Option(help: ArgumentHelp("Try a recorded criteria version's rules instead.", valueName: "n")) var version: Int64?
            @Option(help: ArgumentHelp("Only leads sent at or after this time.", valueName: "time")) var since: TimeArgument?
            @Option(help: ArgumentHelp("Only leads sent before this time.", valueName: "time")) var until: TimeArgument?
            @OptionGroup var view: ViewOptions

            func validate() throws {
                if (rules == nil) == (version == nil) { throw ValidationError("give either --rules or --version") }
            }

            func run() throws {
                let report = try view.open().whatIf(rules: rules, version: version, since: since?.timestamp, until: until?.timestamp,
                                                    window: view.window, progress: view.progress)
                if view.json { return try Output.standard.json(report) }
                Output.standard.line("rules: \(report.rules)")
                Output.standard.line("\(report.leads) leads sent, \(report.evaluable) evaluable (the rest lack a value the rules name)")
                func row(_ name: String, _ o: WhatIfReport.Outcome) -> [String] {
                    [name, String(o.sent), String(o.accepted), String(o.rejected), String(o.converted), String(format: "%.0f", o.revenue)]
                }
                var rows = [row("would qualify", report.qualified), row("would not", report.notQualified)]
                for group in report.by {
                    rows.append(row("  \(group.key): would qualify", group.qualified))
                    rows.append(row("  \(group.key): would not", group.notQualified))
                }
                for line in Figures.table(["", "SENT", "ACCEPTED", "REJECTED", "CONVERTED", "REVENUE"], rows, rightAligned: [1, 2, 3, 4, 5]) {
                    Output.standard.line(line)
                }
            }
        }

        struct Agree: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "agree", abstract: "A team signs a criteria version off.")
            @Argument(help: ArgumentHelp("The criteria version.", valueName: "version")) var version: Int64
            @Option(help: "The team agreeing (default: your own).") var team: String?
            @OptionGroup var options: RecordingOptions

            func run() throws {
                try options.run(.agree(.criteria, version: version, team: team))
            }
        }
    }

    struct SLA: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sla",
            abstract: "See SLA compliance, and propose and sign the service level agreement between the teams.",
            discussion: """
                `sla set` proposes the next version; it is in force once marketing and sales have both agreed to it (`sla agree N`; management may agree for either, and proposing it agrees for your own team), until a later version is. Compliance is measured against the SLA in force; where none is in force yet, against the latest proposed, marked as not agreed.

                Examples:
                  parley sla
                  parley sla set --follow-up-hours 24 --feedback-within-days 7 \\
                      --monthly-mql-target 400 --as lee@mgmt
                  parley sla agree 2 --as sam@sales
                  parley sla agree 2 --team marketing --as lee@mgmt
                  parley sla set --follow-up-hours 24 --feedback-within-days 7 \\
                      --feedback-on all --as lee@mgmt
                """,
            subcommands: [Show.self, SetSLA.self, AgreeSLA.self],
            defaultSubcommand: Show.self
        )

        struct SetSLA: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "set", abstract: "Propose the next version of the SLA.")
            @Option(help: "Hours sales has to give a verdict on a lead.") var followUpHours: Int64
            @Option(help: "Days sales has to give feedback on a lead.") var feedbackWithinDays: Int64?
            @Option(help: "MQLs marketing delivers a month.") var monthlyMqlTarget: Int64?
            @Option(help: ArgumentHelp("Which leads sales rates within those days: accepted (the default: a rejection's reason is its feedback) or all.",
                                       valueName: "accepted|all"))
            var feedbackOn: String?
            @OptionGroup var options: RecordingOptions

            func run() throws {
                try options.run(.setSLA(SLASet(followUpHours: followUpHours, feedbackWithinDays: feedbackWithinDays,
                                               monthlyMqlTarget: monthlyMqlTarget, feedbackOn: feedbackOn)))
            }
        }

        struct AgreeSLA: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "agree", abstract: "A team signs an SLA version off.")
            @Argument(help: ArgumentHelp("The SLA version (`parley sla` lists them).", valueName: "version")) var version: Int64
            @Option(help: "The team agreeing (default: your own; management may agree for either).") var team: String?
            @OptionGroup var options: RecordingOptions

            func run() throws {
                try options.run(.agree(.sla, version: version, team: team))
            }
        }
    }

    struct Goal: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "goal",
            abstract: "Set shared goals for the teams.",
            discussion: """
                Examples:
                  parley goal set pipeline-q1 --metric conversions --target 120 \\
                      --period 2026-Q1 --teams marketing,sales --as lee@mgmt
                """,
            subcommands: [SetGoal.self]
        )

        struct SetGoal: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "set", abstract: "Record a shared goal.")
            @Argument(help: ArgumentHelp("The goal's id, e.g. pipeline-q1.", valueName: "goal")) var goal: String
            @Option(help: "What is measured.") var metric: String
            @Option(help: "The target.") var target: Double
            @Option(help: "The period: 2026-Q1, 2026-03, …") var period: String
            @Option(help: ArgumentHelp("Teams sharing it, comma separated.", valueName: "teams")) var teams: [String] = []
            @OptionGroup var options: RecordingOptions

            func run() throws {
                try options.run(.setGoal(GoalSet(goal: goal, metric: metric, target: target, period: period, teams: commaList(teams))))
            }
        }
    }
}
