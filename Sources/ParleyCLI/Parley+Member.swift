import ArgumentParser
import ParleyCore
import ParleyApp

extension Parley {
    struct Member: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "member",
            abstract: "Add members to the teams, move them, record that they left.",
            discussion: """
                Every event is recorded by a member. The first member may add themselves; after that, a member adds the others (or use --bootstrap to set up a log).

                Examples:
                  parley member add mia@marketing --name "Mia Chen" --team marketing \\
                      --role "demand gen" --as mia@marketing
                  parley member add sam@sales --name "Sam Ortiz" --team sales \\
                      --as mia@marketing
                  parley member move sam@sales --team management --as lee@mgmt
                  parley member leave sam@sales --as lee@mgmt
                """,
            subcommands: [Add.self, Move.self, Leave.self]
        )

        struct Add: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "add", abstract: "A member joins a team.")
            @Argument(help: ArgumentHelp("Their handle, name@team.", valueName: "handle")) var handle: String
            @Option(help: "Full name.") var name: String
            @Option(help: "marketing, sales or management.") var team: String
            @Option(help: "What they do, e.g. \"demand gen\".") var role: String?
            @Flag(help: "Let someone who is not a member yet add members (setting up a log).") var bootstrap = false
            @OptionGroup var options: RecordingOptions

            func run() throws {
                try options.run(.addMember(MemberJoined(handle: handle, name: name, team: team, role: role)), bootstrap: bootstrap)
            }
        }

        struct Move: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "move", abstract: "A member changes team.")
            @Argument(help: ArgumentHelp("Their handle.", valueName: "handle")) var handle: String
            @Option(help: "The new team: marketing, sales or management.") var team: String
            @OptionGroup var options: RecordingOptions

            func run() throws {
                try options.run(.moveMember(MemberMoved(handle: handle, team: team)))
            }
        }

        struct Leave: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "leave", abstract: "A member leaves.")
            @Argument(help: ArgumentHelp("Their handle.", valueName: "handle")) var handle: String
            @OptionGroup var options: RecordingOptions

            func run() throws {
                try options.run(.removeMember(MemberLeft(handle: handle)))
            }
        }
    }

    struct Role: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "role",
            abstract: "Define a team's role: its responsibility, KPI and accountability.",
            discussion: """
                Examples:
                  parley role define --team sales \\
                      --responsibility "follow up MQLs within the SLA" --kpi "SAL rate" \\
                      --as lee@mgmt
                """,
            subcommands: [Define.self]
        )

        struct Define: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "define", abstract: "Record what a team is responsible for.")
            @Option(help: "marketing, sales or management.") var team: String
            @Option(help: "What the team is responsible for.") var responsibility: String
            @Option(help: "How it is measured.") var kpi: String?
            @Option(help: ArgumentHelp("Who the team answers to (a handle).", valueName: "handle")) var accountableTo: String?
            @OptionGroup var options: RecordingOptions

            func run() throws {
                try options.run(.defineRole(RoleDefined(team: team, responsibility: responsibility, kpi: kpi, accountableTo: accountableTo)))
            }
        }
    }
}
