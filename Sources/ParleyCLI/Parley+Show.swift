import ArgumentParser
import ParleyCore
import ParleyApp

extension Parley {
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "Show one event in full, with what the store added.",
            discussion: """
                Examples:
                  parley show 12
                  parley show 0190f1c2-7e4b-7c3a-9d2e-5b8f0a1c2d3e --json
                """
        )

        @OptionGroup var database: DatabaseOptions
        @Argument(help: ArgumentHelp("The event's position or id.", valueName: "position|id"))
        var event: String
        @Flag(help: "Print the event as one JSON object.") var json = false

        func validate() throws {
            if Int64(event) == nil && EventID(event) == nil {
                throw ValidationError("'\(event)' is neither a position (a number) nor an event id (a UUID)")
            }
        }

        func run() throws {
            let log = try database.open()
            let found = if let position = Int64(event) { try log.event(at: position) } else { try log.event(id: EventID(event)!) }
            if json {
                Output.standard.line(found.jsonLine)
                return
            }
            let out = Output.standard
            out.line("position     \(found.position)")
            out.line("id           \(found.id)")
            out.line("stream       \(found.stream)  (version \(found.version))")
            out.line("type         \(found.type)  (schema \(found.schema))")
            out.line("actor        \(found.actor)")
            out.line("occurred_at  \(found.occurredAt)")
            out.line("recorded_at  \(found.recordedAt)")
            out.line("hash         \(found.hashHex)")
            out.line("data         " + ((try? JSONValue.parse(found.data).prettyText(indent: "             ")) ?? found.data))
            if let meta = found.meta {
                out.line("meta         " + ((try? JSONValue.parse(meta).prettyText(indent: "             ")) ?? meta))
            }
        }
    }
}
