import ArgumentParser
import Foundation
import ParleyCore
import ParleyStore

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

    /// The recording member.
    func resolvedActor() throws -> String {
        if let actor, !actor.isEmpty { return actor }
        if let actor = ProcessInfo.processInfo.environment["PARLEY_ACTOR"], !actor.isEmpty { return actor }
        throw ValidationError("say who is recording: --as HANDLE (e.g. --as mia@marketing), or set PARLEY_ACTOR")
    }

    /// Decides and records events in one transaction, then prints one line
    /// per event, as git does (or JSON Lines).
    ///
    /// - Parameter decide: builds the events from the log as it stands, for
    ///   the recording member; the store checks them against the rules.
    func record(policy: RulePolicy = .everything, _ decide: (LogReader, String) throws -> [ProposedEvent]) throws {
        let actor = try resolvedActor()
        let log = try database.open()
        let outcomes: [EventLog.AppendOutcome]
        do {
            outcomes = try log.execute(policy: policy) { reader in try decide(reader, actor) }
        } catch let error as InvalidEvent {
            throw CLIFailure(.invalidInput, code: "invalid-event", "\(Self.option(for: error)): \(error.reason)", field: error.field)
        }
        for outcome in outcomes {
            let event = outcome.event
            if json {
                Output.standard.line(event.jsonLine)
            } else if case .alreadyRecorded = outcome {
                Output.standard.line("already recorded: \(event.type) on \(event.stream) (version \(event.version), position \(event.position))")
            } else {
                Output.standard.line("recorded \(event.type) on \(event.stream) (version \(event.version), position \(event.position))")
            }
        }
    }

    /// The option a payload field comes from: `data.follow_up_hours` → `--follow-up-hours`.
    static func option(for error: InvalidEvent) -> String {
        guard let field = error.field else { return "invalid event" }
        if field.hasPrefix("data.") {
            let name = field.dropFirst(5).split(separator: "[").first.map(String.init) ?? ""
            return "invalid --" + name.replacingOccurrences(of: "_", with: "-")
        }
        return "invalid \(field)"
    }

    /// A payload's event, with this command's time.
    func event<P: EventPayload>(_ payload: P, actor: String, stream: String? = nil, expectedVersion: Int64? = nil) throws -> ProposedEvent {
        try payload.event(actor: actor, stream: stream, occurredAt: at?.timestamp, expectedVersion: expectedVersion)
    }
}

/// Ids Parley hands out (`T-3`, `M-7`, `C-5`, `R-2`) unless one is given.
func assignedID(_ given: String?, kind: String, prefix: String, reader: LogReader) throws -> String {
    if let given { return given }
    return "\(prefix)-\(try reader.nextNumber(kind: kind, prefix: prefix))"
}

/// Splits `a,b` lists given as one option.
func commaList(_ values: [String]) -> [String]? {
    let items = values.flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }.filter { !$0.isEmpty }
    return items.isEmpty ? nil : items
}
