import ArgumentParser
import Foundation
import ParleyApp
import ParleyCore

extension Parley {
    struct Token: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "token",
            abstract: "Give members tokens for the server, list them, take them away.",
            discussion: """
                A token is shown once, when it is issued: Parley keeps only its SHA-256, in a table of its own (never in events or exports). Issuing and revoking are recorded as events naming the member and the token's id, so the log shows who had access when. A member issues and revokes their own tokens; management anyone's.

                Examples:
                  parley token issue mia@marketing --label laptop --as lee@mgmt
                  parley token issue sam@sales --expires 30d --as sam@sales
                  parley token list
                  parley token revoke tok-3f9a1c2b7d4e --as lee@mgmt
                """,
            subcommands: [Issue.self, List.self, Revoke.self]
        )

        struct Issue: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "issue", abstract: "Issue a token for a member; prints its secret once.")
            @Argument(help: ArgumentHelp("Whose token: a member handle.", valueName: "handle")) var member: String
            @Option(help: ArgumentHelp("What it is for, e.g. laptop or CRM sync.", valueName: "text")) var label: String?
            @Option(help: ArgumentHelp("When it stops working: 90d, 12h, a date or time, or never.", valueName: "when"))
            var expires = "90d"
            @OptionGroup var options: RecordingOptions

            func validate() throws {
                _ = try Self.expiry(expires)
                try options.refuseBackdating("issuing a token")
            }

            func run() throws {
                let expiresAt = try Self.expiry(expires)
                let actor = try options.resolvedActor()
                let app = try options.database.open()
                let issued: IssuedToken
                do {
                    issued = try app.issueToken(for: member, label: label, expiresAt: expiresAt, as: actor)
                } catch {
                    throw CLIFailure(error, fieldsAreOptions: true)
                }
                if options.json { return try Output.standard.json(issued) }
                Output.standard.line(issued.secret)
                let until = issued.token.expiresAt.map { "until \($0.rfc3339)" } ?? "with no expiry"
                note("issued \(issued.token.id) for \(member), \(until); the secret above is shown only this once")
            }

            /// `90d`, `12h`, `never`, or a date or time.
            static func expiry(_ text: String, now: Timestamp = .now()) throws -> Timestamp? {
                if text == "never" { return nil }
                if let unit = text.last, "dh".contains(unit), let count = Int64(text.dropLast()), count > 0, count <= 3650 * 24 {
                    let hours = unit == "d" ? count * 24 : count
                    return Timestamp(microseconds: now.microseconds + hours * 3_600_000_000)
                }
                if let time = Timestamp(timeOrDate: text) { return time }
                throw ValidationError("--expires takes 90d, 12h, a date or time, or never; got '\(text)'")
            }
        }

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "list", abstract: "List tokens (never their secrets).")
            @Option(help: ArgumentHelp("Only this member's tokens.", valueName: "handle")) var member: String?
            @OptionGroup var database: DatabaseOptions
            @Flag(help: "Print the tokens as JSON.") var json = false

            func run() throws {
                let tokens = try database.open().tokens(member: member)
                if json { return try Output.standard.json(tokens) }
                guard !tokens.isEmpty else {
                    Output.standard.line("no tokens yet; `parley token issue HANDLE --as …` issues one")
                    return
                }
                let now = Timestamp.now()
                let rows = tokens.map { token in
                    [token.id, token.member, token.label ?? "", String(token.issuedAt.rfc3339.prefix(10)),
                     token.expiresAt.map { String($0.rfc3339.prefix(10)) } ?? "never", token.state(at: now)]
                }
                for line in Figures.table(["ID", "MEMBER", "LABEL", "ISSUED", "EXPIRES", "STATE"], rows) { Output.standard.line(line) }
            }
        }

        struct Revoke: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "revoke", abstract: "Revoke a token: it stops working at once.")
            @Argument(help: ArgumentHelp("The token's id, as the list shows it.", valueName: "id")) var id: String
            @Option(help: ArgumentHelp("Why.", valueName: "text")) var reason: String?
            @OptionGroup var options: RecordingOptions

            func validate() throws {
                try options.refuseBackdating("revoking a token")
            }

            func run() throws {
                let actor = try options.resolvedActor()
                let app = try options.database.open()
                let recorded: [App.Recorded]
                do {
                    recorded = try app.revokeToken(id, reason: reason, as: actor)
                } catch {
                    throw CLIFailure(error, fieldsAreOptions: true)
                }
                for outcome in recorded {
                    let event = outcome.event
                    Output.standard.line(options.json ? event.jsonLine
                        : "recorded \(event.type) on \(event.stream) (version \(event.version), position \(event.position))")
                }
            }
        }
    }
}
