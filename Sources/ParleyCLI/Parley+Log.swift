import ArgumentParser
import Foundation
import ParleyCore
import ParleyApp

extension Parley {
    struct Log: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "log",
            abstract: "List events in the order they were recorded.",
            discussion: """
                Prints a table (position, when it happened, actor, type, stream, a summary of the data), or JSON Lines with --json. Output streams: a log of millions of events starts printing at once.

                Examples:
                  parley log --limit 20
                  parley log --stream lead/L-1042
                  parley log --stream 'lead/*' --type lead.rejected --since 2026-03-01
                  parley log --after 1200 --json | jq .data
                """
        )

        @OptionGroup var database: DatabaseOptions

        @Option(help: ArgumentHelp("Only this stream; end with * for a prefix (lead/*).", valueName: "stream"))
        var stream: String?
        @Option(help: ArgumentHelp("Only this type; end with * for a prefix (tension.*).", valueName: "type"))
        var type: String?
        @Option(help: ArgumentHelp("Only events recorded by this member.", valueName: "handle"))
        var actor: String?
        @Option(help: ArgumentHelp("Only events that happened at or after this time (RFC 3339, or a date).", valueName: "time"))
        var since: TimeArgument?
        @Option(help: ArgumentHelp("Only events that happened before this time.", valueName: "time"))
        var until: TimeArgument?
        @Option(help: ArgumentHelp("Only events after this position (to follow the log).", valueName: "position"))
        var after: Int64?
        @Option(help: ArgumentHelp("At most this many events.", valueName: "n"))
        var limit: Int?
        @Flag(help: "Print the events as JSON Lines, in full.") var json = false

        func validate() throws {
            if let limit, limit < 0 { throw ValidationError("--limit must be 0 or more") }
            if let type, let problem = EventCatalogue.problem(withTypePattern: type) { throw ValidationError("--type: \(problem)") }
        }

        func run() throws {
            let log = try database.open()
            let filter = EventFilter(stream: stream, type: type, actor: actor, since: since?.timestamp,
                                         until: until?.timestamp, after: after, limit: limit)
            let out = Output.standard
            if json {
                try log.events(filter) { event in
                    out.write { buffer in
                        event.writeJSONLine(into: &buffer)
                        buffer.append(0x0A)
                    }
                    return true
                }
                return
            }
            let width = Int(ProcessInfo.processInfo.environment["COLUMNS"] ?? "") ?? 140
            out.line(LogTable.header)
            var count = 0
            try log.events(filter) { event in
                out.line(LogTable.row(event, width: width))
                count += 1
                return true
            }
            if count == 0 { note("no events match") }
        }
    }
}

/// The text form of `parley log`: fixed columns, so rows can stream.
enum LogTable {
    static let header = pad("POS", 7, right: true) + "  " + pad("WHEN (UTC)", 16) + "  " + pad("ACTOR", 18) + "  "
        + pad("TYPE", 18) + "  " + pad("STREAM", 22) + "  DATA"

    static func row(_ event: RecordedEvent, width: Int) -> String {
        let when = event.occurredAt.minute
        let line = pad(String(event.position), 7, right: true) + "  " + pad(when, 16) + "  " + pad(event.actor, 18) + "  "
            + pad(event.type, 18) + "  " + pad(event.stream, 22) + "  " + summary(of: event)
        return line.count > width ? String(line.prefix(max(width - 1, 20))) + "…" : line
    }

    /// `key=value` pairs of the data, leaving out the id its stream already names.
    static func summary(of event: RecordedEvent) -> String {
        guard case let .object(members)? = try? JSONValue.parse(event.data) else { return event.data }
        let streamID = event.stream.split(separator: "/", maxSplits: 1).last.map(String.init)
        return members.compactMap { member -> String? in
            if case let .string(text) = member.value, text == streamID { return nil }
            let value: String = switch member.value {
            case let .string(text): text.contains(" ") || text.contains("\"") ? member.value.canonicalText : text
            default: member.value.canonicalText
            }
            return "\(member.key)=\(value)"
        }.joined(separator: " ")
    }

    static func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
        if text.count >= width { return text.count == width ? text : String(text.prefix(width - 1)) + "…" }
        let space = String(repeating: " ", count: width - text.count)
        return right ? space + text : text + space
    }
}
