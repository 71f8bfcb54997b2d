import ArgumentParser
import Foundation
import ParleyCore

extension Parley {
    struct Types: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "types",
            abstract: "List the event catalogue: each type's fields and allowed values.",
            discussion: """
                Examples:
                  parley types
                  parley types lead.rejected
                  parley types --json     # a JSON Schema per type
                """
        )

        @Argument(help: ArgumentHelp("Only these types.", valueName: "type")) var names: [String] = []
        @Flag(help: "Print a JSON object of JSON Schemas (draft 2020-12), one per type.") var json = false

        func validate() throws {
            for name in names where EventCatalogue.spec(name) == nil {
                throw ValidationError(EventCatalogue.problem(withTypePattern: name) ?? "give whole type names (\(name) is a prefix); `parley types` lists them all")
            }
        }

        func run() throws {
            let specs = names.isEmpty ? EventCatalogue.specs : names.compactMap(EventCatalogue.spec)
            if json {
                Output.standard.line(JSONValue.object(Dictionary(uniqueKeysWithValues: specs.map { ($0.name, $0.jsonSchema) })).prettyText())
                return
            }
            for (index, spec) in specs.enumerated() {
                if index > 0 { Output.standard.line() }
                let stream = spec.streamKind.map { kind in spec.streamID.map { "\(kind)/\($0)" } ?? "\(kind)/<\(spec.idField ?? "id")>" } ?? "the stream of its target"
                Output.standard.line("\(spec.name)  (schema \(spec.schema), stream \(stream))")
                Output.standard.line("  \(spec.summary)")
                let width = spec.fields.map(\.name.count).max() ?? 0
                for field in spec.fields {
                    let name = field.name.padding(toLength: width, withPad: " ", startingAt: 0)
                    let help = field.help.isEmpty ? "" : "  — \(field.help)"
                    Output.standard.line("  \(field.required ? "*" : " ") \(name)  \(field.kind.summary)\(help)")
                }
            }
            Output.standard.line()
            Output.standard.line("* required")
        }
    }
}
