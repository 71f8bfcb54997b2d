import ArgumentParser
import ParleyCore
import ParleyApp

extension Parley {
    struct Tension: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "tension",
            abstract: "Flag tension early, discuss it, escalate it, resolve it; list them and read their stories.",
            discussion: """
                Anyone may flag a tension; Parley gives it an id (T-1, T-2, …). Only management resolves an escalated tension.

                Examples:
                  parley tension flag --title "Webinar leads are students" --severity high \\
                      --category lead-quality --teams marketing,sales --as sam@sales
                  parley tension comment T-3 "Pulled the numbers: 60% students" \\
                      --as mia@marketing
                  parley tension escalate T-3 --to lee@mgmt --reason "no agreement" \\
                      --as sam@sales
                  parley tension resolve T-3 --as lee@mgmt \\
                      --resolution "Webinar leads need a company email" --action "change form"
                  parley tension reopen T-3 --reason "still happening" --as sam@sales
                  parley tension list --state open
                  parley tension show T-3
                """,
            subcommands: [FlagTension.self, Comment.self, Escalate.self, Resolve.self, Reopen.self, List.self, Show.self]
        )

        struct FlagTension: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "flag", abstract: "Flag a tension between the teams.")
            @Option(help: "What it is about, in a line.") var title: String
            @Option(help: "low, medium or high.") var severity: String
            @Option(help: "communication, role-confusion, unclear-goals, budget-competition, personality, conflicting-strategy, resources-ignored, accountability, lead-quality, sla or other.")
            var category: String
            @Option(help: ArgumentHelp("Teams involved, comma separated.", valueName: "teams")) var teams: [String] = []
            @Option(help: "More words.") var description: String?
            @Option(name: .customLong("ref"), help: ArgumentHelp("An event this is about (repeatable).", valueName: "event-id"))
            var refs: [String] = []
            @Option(help: ArgumentHelp("Give the id yourself instead of the next T-n.", valueName: "id")) var id: String?
            @OptionGroup var options: RecordingOptions

            func run() throws {
                try options.run(.flagTension(Command.FlagTension(id: id, title: title, severity: severity, category: category,
                                                                 teams: commaList(teams), description: description,
                                                                 refs: refs.isEmpty ? nil : refs)))
            }
        }

        struct Comment: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "comment", abstract: "Comment on a tension.")
            @Argument(help: ArgumentHelp("The tension, e.g. T-3.", valueName: "tension")) var tension: String
            @Argument(help: ArgumentHelp("The comment.", valueName: "comment")) var comment: String
            @OptionGroup var options: RecordingOptions

            func run() throws {
                try options.run(.commentTension(TensionCommented(tension: tension, comment: comment)))
            }
        }

        struct Escalate: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "escalate", abstract: "Take an open tension to management.")
            @Argument(help: ArgumentHelp("The tension.", valueName: "tension")) var tension: String
            @Option(help: ArgumentHelp("Who it goes to.", valueName: "handle")) var to: String?
            @Option(help: "Why.") var reason: String?
            @OptionGroup var options: RecordingOptions

            func run() throws {
                try options.run(.escalateTension(TensionEscalated(tension: tension, to: to, reason: reason)))
            }
        }

        struct Resolve: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "resolve", abstract: "Resolve a tension.")
            @Argument(help: ArgumentHelp("The tension.", valueName: "tension")) var tension: String
            @Option(help: "How it was resolved.") var resolution: String
            @Option(name: .customLong("action"), help: ArgumentHelp("An action agreed (repeatable).", valueName: "text"))
            var actions: [String] = []
            @OptionGroup var options: RecordingOptions

            func run() throws {
                try options.run(.resolveTension(TensionResolved(tension: tension, resolution: resolution,
                                                                actions: actions.isEmpty ? nil : actions)))
            }
        }

        struct Reopen: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "reopen", abstract: "Reopen a resolved tension.")
            @Argument(help: ArgumentHelp("The tension.", valueName: "tension")) var tension: String
            @Option(help: "Why.") var reason: String?
            @OptionGroup var options: RecordingOptions

            func run() throws {
                try options.run(.reopenTension(TensionReopened(tension: tension, reason: reason)))
            }
        }
    }
}
