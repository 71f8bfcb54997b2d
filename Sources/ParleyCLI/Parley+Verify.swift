import ArgumentParser
import ParleyCore
import ParleyApp

extension Parley {
    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "Check that no event was changed, removed or reordered.",
            discussion: """
                Walks the SHA-256 hash chain from the first event to the last and runs SQLite's integrity check. Exits 0 when the log is sound; otherwise names the first bad position and exits 4. Tampering shows even when someone dropped the triggers that refuse UPDATE and DELETE.

                Examples:
                  parley verify
                  parley verify --json
                """
        )

        @OptionGroup var database: DatabaseOptions
        @Flag(help: "Print the report as JSON.") var json = false

        func run() throws {
            let result = try database.open().verify(progress: ProgressLine.reporting())
            let report = result.report
            if json {
                try Output.standard.json(result)
            } else if report.isSound {
                Output.standard.line("ok: \(report.eventsChecked) events, hash chain intact, SQLite integrity ok")
                if report.eventsChecked > 0 {
                    Output.standard.line("head: position \(report.lastPosition), hash \(report.headHash)")
                }
            } else {
                for problem in report.problems { Output.standard.line("FAIL: \(problem.message)") }
            }
            if let failure = result.failure { throw CLIFailure(failure) }
        }
    }
}
