import ArgumentParser
import Foundation
import ParleyCore
import ParleyApp

/// The `parley` command: the root of every subcommand.
@main
struct Parley: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parley",
        abstract: "An event-sourced log of what passes between sales and marketing.",
        discussion: """
            Every interaction (a lead sent, feedback on it, a tension flagged, a change to the lead criteria) is one immutable event in a SQLite file, chained by SHA-256 so that any later edit shows. The database is ./parley.db unless --db or $PARLEY_DB says otherwise.

            Start with:
              parley init
              parley member add mia@marketing --name "Mia Chen" --team marketing \\
                  --as mia@marketing
              export PARLEY_ACTOR=mia@marketing
              parley member add sam@sales --name "Sam Ortiz" --team sales
              parley lead send L-1042 --source webinar --to sam@sales
              parley lead reject L-1042 --reason no-budget --as sam@sales
              parley log
              parley verify

            `parley help <command>` shows each command's examples; `parley types` lists the event catalogue; `parley record` appends events written as JSON.

            `parley serve` shares the log over HTTP; `parley token issue` gives each member a token for it.

            Exit codes: 0 ok, 1 failure, 2 invalid input, 3 conflict (stale expected_version, reused id), 4 the log failed verification, 5 the database is missing, damaged, not Parley's or from a newer Parley, 6 not found, 7 not allowed by the rules (membership, team, state), 64 wrong usage.
            """,
        version: "0.2.0",
        groupedSubcommands: [
            CommandGroup(name: "The log", subcommands: [Init.self, Record.self, Log.self, Show.self, Verify.self, Backup.self, Types.self, Import.self, Export.self]),
            CommandGroup(name: "Recording what happens", subcommands: [
                Member.self, Role.self, Lead.self, Criteria.self, SLA.self, Agreement.self, Goal.self, Tension.self,
                Meeting.self, Action.self, Content.self, Resource.self, SignalCommand.self, Retract.self,
            ]),
            CommandGroup(name: "Views", subcommands: [Signals.self, Issues.self, Quality.self, Agreements.self, Routing.self, Meetings.self, Actions.self, Members.self, Roles.self, Rebuild.self]),
            CommandGroup(name: "Retrospectives", subcommands: [Timeline.self, Diff.self, Retro.self]),
            CommandGroup(name: "Sharing the log", subcommands: [Serve.self, Token.self, Webhook.self]),
        ]
    )

    /// Runs the command, mapping Parley's errors to one line on stderr
    /// (JSON with `--json`) and a distinct exit code.
    static func main() async {
        let wantsJSON = CommandLine.arguments.dropFirst().contains("--json")
        do {
            var command = try parseAsRoot()
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
            Output.standard.flush()
        } catch let failure as CLIFailure {
            Output.standard.flush()
            failure.report(json: wantsJSON)
            Foundation.exit(failure.exitCode)
        } catch let error as ParleyError {
            Output.standard.flush()
            let failure = CLIFailure(error)
            failure.report(json: wantsJSON)
            Foundation.exit(failure.exitCode)
        } catch let error as InvalidEvent {
            Output.standard.flush()
            let failure = CLIFailure(ParleyError(error))
            failure.report(json: wantsJSON)
            Foundation.exit(failure.exitCode)
        } catch {
            Output.standard.flush()
            exit(withError: error)
        }
    }
}
