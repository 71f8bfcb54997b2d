import ArgumentParser
import Foundation
import ParleyApp
import ParleyCore

extension Parley {
    struct Agreement: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "agreement",
            abstract: "Propose, sign and read the agreements both teams keep: personas, messaging guide, routing rules, content calendar.",
            discussion: """
                An agreement is a named, versioned text. A version is proposed until marketing and sales have both agreed to it (management may agree for either; proposing it agrees for your own team); it is then in force until a later version is. `parley agreements` lists them with who has still to sign, and `parley issues` lists versions waiting for a signature (unagreed-agreement).

                Examples:
                  parley agreement propose personas --text personas.md \\
                      --rationale "after the Q1 win/loss review" --as mia@marketing
                  parley agreement agree personas 1 --as sam@sales
                  parley agreement show personas --diff
                  echo "Lead with ROI, not features." | \\
                      parley agreement propose messaging-guide --text - --as mia@marketing
                """,
            subcommands: [Propose.self, Agree.self, ShowAgreement.self]
        )

        struct Propose: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "propose", abstract: "Propose the next version of an agreement.")
            @Argument(help: ArgumentHelp("The agreement's name, e.g. personas or messaging-guide.", valueName: "name")) var name: String
            @Option(help: ArgumentHelp("A file with the version's text, or - for standard input.", valueName: "file")) var text: String
            @Option(help: "Why this version.") var rationale: String?
            @OptionGroup var options: RecordingOptions

            func run() throws {
                try options.run(.proposeAgreement(name: name, text: try readText(text), rationale: rationale))
            }
        }

        struct Agree: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "agree", abstract: "A team signs a version of an agreement off.")
            @Argument(help: ArgumentHelp("The agreement's name.", valueName: "name")) var name: String
            @Argument(help: ArgumentHelp("The version.", valueName: "version")) var version: Int64
            @Option(help: "The team agreeing (default: your own; management may agree for either).") var team: String?
            @OptionGroup var options: RecordingOptions

            func run() throws {
                try options.run(.agree(.named(name), version: version, team: team))
            }
        }

        struct ShowAgreement: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "show",
                abstract: "An agreement's version: its text, why, who signed, and what changed from the version before.",
                discussion: """
                    Examples:
                      parley agreement show personas
                      parley agreement show personas --version 2 --diff
                      parley agreement show personas --as-of 2026-03-01 --json
                    """
            )
            @Argument(help: ArgumentHelp("The agreement's name.", valueName: "name")) var name: String
            @Option(help: "The version (default: the latest).") var version: Int64?
            @Flag(help: "Show a word diff from the version before ({+added+}, [-removed-]) instead of the text.") var diff = false
            @OptionGroup var view: ViewOptions

            func run() throws {
                let shown = try view.open().agreement(name, version: version, view.window, progress: view.progress)
                if view.json {
                    try Output.standard.json(shown)
                    return
                }
                Output.standard.line("\(shown.name) version \(shown.version) of \(shown.versions.count): \(shown.signOff.summary)")
                Output.standard.line("  proposed by \(shown.proposedBy) on \(shown.proposedAt.rfc3339.prefix(10))")
                if let rationale = shown.rationale { Output.standard.line("  why: \(rationale)") }
                for signature in shown.signOff.signatures {
                    Output.standard.line("  signed for \(signature.team) by \(signature.by) on \(signature.at.rfc3339.prefix(10))")
                }
                Output.standard.line()
                Output.standard.line(diff ? shown.diff : shown.text)
            }
        }
    }

    struct Agreements: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "agreements",
            abstract: "Every agreement: its latest version, the version in force, and who has still to sign.",
            discussion: """
                The lead criteria and the SLA have their own views (`parley criteria history`, `parley sla`), which show the same states.

                Examples:
                  parley agreements
                  parley agreements --as-of 2026-03-01 --json
                """
        )
        @OptionGroup var view: ViewOptions

        func run() throws {
            let agreements = try view.open().agreements(view.window, progress: view.progress)
            if view.json {
                try Output.standard.json(agreements)
                return
            }
            guard !agreements.isEmpty else {
                Output.standard.line("no agreements yet; `parley agreement propose NAME --text FILE` proposes the first")
                return
            }
            let rows = agreements.map { agreement in
                [agreement.name, "v\(agreement.latest)", agreement.inForce.map { "v\($0)" } ?? "none", agreement.signOff.summary,
                 "\(agreement.proposedBy) \(agreement.proposedAt.rfc3339.prefix(10))"]
            }
            for line in Figures.table(["AGREEMENT", "LATEST", "IN FORCE", "LATEST'S STATE", "PROPOSED"], rows, rightAligned: []) {
                Output.standard.line(line)
            }
        }
    }
}

/// The text of a file, or of standard input for `-`.
func readText(_ input: String) throws -> String {
    let data: Data
    if input == "-" {
        data = FileHandle.standardInput.readDataToEndOfFile()
    } else {
        guard let read = FileManager.default.contents(atPath: input) else {
            throw CLIFailure(.invalidInput, code: "unreadable-input", "cannot read \(input): no such file, or permission denied", field: "text")
        }
        data = read
    }
    guard let text = String(data: data, encoding: .utf8) else {
        throw CLIFailure(.invalidInput, code: "unreadable-input", "\(input) is not UTF-8 text", field: "text")
    }
    let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
    guard !trimmed.isEmpty else {
        throw CLIFailure(.invalidInput, code: "invalid-event", "\(input == "-" ? "standard input" : input) is empty; an agreement needs a text",
                         field: "text")
    }
    return trimmed
}
