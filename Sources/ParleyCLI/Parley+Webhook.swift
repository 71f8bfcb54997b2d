import ArgumentParser
import Foundation
import ParleyApp
import ParleyCore

extension Parley {
    struct Webhook: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "webhook",
            abstract: "Have the server post events to the team's chat or another tool (management only).",
            discussion: """
                While `parley serve` runs, every event of the chosen types is posted to the address: at least once, in order, retried with backoff when the receiver fails (honouring 429 and Retry-After), and resumed after a restart from where delivery stopped. `--format slack` posts an incoming-webhook message with one readable sentence; `--format json` (the default) posts the event. With `--secret`, each delivery carries `X-Parley-Signature: sha256=HMAC` of its body. Adding and removing are recorded as events; the secret is kept beside the log, never in it. Only management adds and removes webhooks, so members cannot aim the server at internal addresses.

                Examples:
                  parley webhook add https://hooks.slack.com/services/T0/B0/… \\
                      --types 'tension.*,signal.*' --format slack --as lee@mgmt
                  parley webhook add https://crm.example.com/parley \\
                      --secret "$(openssl rand -hex 32)" --as lee@mgmt
                  parley webhook list
                  parley webhook remove W-1 --as lee@mgmt
                """,
            subcommands: [Add.self, List.self, Remove.self]
        )

        struct Add: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "add", abstract: "Post events to an address.")
            @Argument(help: ArgumentHelp("The address (http or https).", valueName: "url")) var url: String
            @Option(help: ArgumentHelp("Which event types, comma-separated; end with * for a prefix (default: all).", valueName: "types"))
            var types: [String] = []
            @Option(help: ArgumentHelp("json (the event) or slack (a message).", valueName: "format")) var format = "json"
            @Option(help: ArgumentHelp("Sign each delivery with HMAC-SHA256 of this secret (16 characters or more).", valueName: "secret"))
            var secret: String?
            @OptionGroup var options: RecordingOptions

            func validate() throws {
                guard App.webhookFormats.contains(format) else { throw ValidationError("--format takes json or slack; got '\(format)'") }
                try options.refuseBackdating("adding a webhook")
            }

            func run() throws {
                let actor = try options.resolvedActor()
                let app = try options.database.open()
                let recorded: [App.Recorded]
                do {
                    recorded = try app.addWebhook(url: url, types: commaList(types) ?? [], format: format, secret: secret, as: actor)
                } catch where error.field == "data.url" {
                    // The address is the command's argument, not an option.
                    throw CLIFailure(.invalidInput, code: error.code, "invalid URL: \(error.message)", field: error.field)
                } catch {
                    throw CLIFailure(error, fieldsAreOptions: true)
                }
                for outcome in recorded {
                    Output.standard.line(options.json ? outcome.event.jsonLine
                        : "added \(outcome.event.stream.dropFirst("webhook/".count)): the server posts to \(url) from the next event")
                }
            }
        }

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "list", abstract: "Each webhook's state and last failure.")
            @Flag(help: "Removed webhooks too.") var all = false
            @OptionGroup var database: DatabaseOptions
            @Flag(help: "Print the webhooks as JSON.") var json = false

            func run() throws {
                let hooks = try database.open().webhooks(removed: all)
                if json { return try Output.standard.json(hooks) }
                guard !hooks.isEmpty else {
                    Output.standard.line("no webhooks; `parley webhook add URL --as …` adds one (management only)")
                    return
                }
                let rows = hooks.map { hook in
                    [hook.id, hook.url, hook.types.isEmpty ? "all" : hook.types.joined(separator: ","), hook.format,
                     hook.removedAt != nil ? "removed" : hook.failures > 0 ? "failing (\(hook.failures))" : "delivering",
                     String(hook.deliveredUpTo), hook.lastFailure.map { "\($0) at \(hook.lastFailureAt.map { String($0.rfc3339.prefix(19)) } ?? "?")" } ?? ""]
                }
                for line in Figures.table(["ID", "URL", "TYPES", "FORMAT", "STATE", "DELIVERED UP TO", "LAST FAILURE"], rows) {
                    Output.standard.line(line)
                }
            }
        }

        struct Remove: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "remove", abstract: "Stop posting to a webhook.")
            @Argument(help: ArgumentHelp("The webhook's id, e.g. W-1.", valueName: "id")) var id: String
            @OptionGroup var options: RecordingOptions

            func validate() throws {
                try options.refuseBackdating("removing a webhook")
            }

            func run() throws {
                let actor = try options.resolvedActor()
                let app = try options.database.open()
                do {
                    try app.removeWebhook(id, as: actor)
                } catch {
                    throw CLIFailure(error, fieldsAreOptions: true)
                }
                Output.standard.line("removed \(id)")
            }
        }
    }
}
