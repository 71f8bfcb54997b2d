import ArgumentParser
import ParleyCore
import ParleyStore

extension Parley {
    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "init",
            abstract: "Create the database, or migrate it to this version's schema.",
            discussion: """
                Safe to run again: an up-to-date database is left as it is. A file that is
                not a Parley database, or one made by a newer Parley, is refused untouched.

                Examples:
                  parley init
                  parley init --db /srv/parley/team.db
                """
        )

        @OptionGroup var database: DatabaseOptions
        @Flag(help: "Print the result as JSON.") var json = false

        func run() throws {
            let (_, creation) = try EventLog.create(at: database.path)
            let path = database.path
            if json {
                let action: String = switch creation {
                case .created: "created"
                case .migrated: "migrated"
                case .upToDate: "up-to-date"
                }
                Output.standard.line(JSONValue.object([
                    "path": .string(path), "schema": .integer(Int64(Schema.version)), "action": .string(action),
                ]).canonicalText)
                return
            }
            switch creation {
            case .created: Output.standard.line("created \(path) (schema \(Schema.version))")
            case let .migrated(from): Output.standard.line("migrated \(path) from schema \(from) to \(Schema.version)")
            case .upToDate: Output.standard.line("\(path) is up to date (schema \(Schema.version))")
            }
        }
    }
}
