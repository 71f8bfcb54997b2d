import ArgumentParser
import ParleyCore
import ParleyApp

extension Parley {
    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "init",
            abstract: "Create the database, or migrate it to this version's schema.",
            discussion: """
                Safe to run again: an up-to-date database is left as it is. A file that is not a Parley database, or one made by a newer Parley, is refused untouched.

                Examples:
                  parley init
                  parley init --db /srv/parley/team.db
                """
        )

        @OptionGroup var database: DatabaseOptions
        @Flag(help: "Print the result as JSON.") var json = false

        func run() throws {
            let (_, creation) = try App.create(at: database.path)
            let path = database.path
            if json {
                let action: String = switch creation {
                case .created: "created"
                case .migrated: "migrated"
                case .upToDate: "up-to-date"
                }
                Output.standard.line(JSONValue.object([
                    "path": .string(path), "schema": .integer(Int64(App.schemaVersion)), "action": .string(action),
                ]).canonicalText)
                return
            }
            switch creation {
            case .created: Output.standard.line("created \(path) (schema \(App.schemaVersion))")
            case let .migrated(from): Output.standard.line("migrated \(path) from schema \(from) to \(App.schemaVersion)")
            case .upToDate: Output.standard.line("\(path) is up to date (schema \(App.schemaVersion))")
            }
        }
    }
}
