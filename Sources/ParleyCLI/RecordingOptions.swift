import ArgumentParser
import Foundation
import ParleyCore
import ParleyApp

/// The options every recording command shares: which database, who is
/// recording, when it happened, and JSON output.
struct RecordingOptions: ParsableArguments {
    @OptionGroup var database: DatabaseOptions

    @Option(name: .customLong("as"), help: ArgumentHelp(
        "Who is recording: a member handle (default: $PARLEY_ACTOR).", valueName: "handle"))
    var actor: String?

    @Option(help: ArgumentHelp(
        "When it happened, for backdating (RFC 3339 or a date); the log still notes when it learned it.",
        valueName: "time"))
    var at: TimeArgument?

    @Flag(help: "Print the recorded events as JSON Lines.") var json = false

    /// Refuses `--at` for a command whose effect is now, whenever it is
    /// said to have happened (a token works, a webhook posts, from now on).
    func refuseBackdating(_ what: String) throws {
        if at != nil { throw ValidationError("\(what) takes effect now, so --at does not apply; the log records when it was done") }
    }

    /// The recording member.
    func resolvedActor() throws -> String {
        if let actor, !actor.isEmpty { return actor }
        if let actor = ProcessInfo.processInfo.environment["PARLEY_ACTOR"], !actor.isEmpty { return actor }
        throw ValidationError("say who is recording: --as HANDLE (e.g. --as mia@marketing), or set PARLEY_ACTOR")
    }

    /// Runs `command` through the facade (which decides its events and
    /// records them in one transaction), then prints one line per event,
    /// as git does (or JSON Lines).
    ///
    /// - Parameter answering: the command answers a signal, which must be one the detectors raised.
    func run(_ command: Command, bootstrap: Bool = false, answering: Bool = false) throws {
        let actor = try resolvedActor()
        let app = try database.open()
        let recorded: [App.Recorded]
        do {
            recorded = answering ? try app.answerSignal(command, as: actor, at: at?.timestamp)
                : try app.run(command, as: actor, at: at?.timestamp, bootstrap: bootstrap)
        } catch {
            throw CLIFailure(error, fieldsAreOptions: true)
        }
        for outcome in recorded {
            let event = outcome.event
            if json {
                Output.standard.line(event.jsonLine)
            } else if outcome.alreadyRecorded {
                Output.standard.line("already recorded: \(event.type) on \(event.stream) (version \(event.version), position \(event.position))")
            } else {
                Output.standard.line("recorded \(event.type) on \(event.stream) (version \(event.version), position \(event.position))")
            }
        }
    }
}

/// Splits `a,b` lists given as one option.
func commaList(_ values: [String]) -> [String]? {
    let items = values.flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }.filter { !$0.isEmpty }
    return items.isEmpty ? nil : items
}
