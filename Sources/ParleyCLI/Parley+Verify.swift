import ArgumentParser
import ParleyCore
import ParleyStore

extension Parley {
    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "Check that no event was changed, removed or reordered.",
            discussion: """
                Walks the SHA-256 hash chain from the first event to the last and runs
                SQLite's integrity check. Exits 0 when the log is sound; otherwise names the
                first bad position and exits 4. Tampering shows even when someone dropped the
                triggers that refuse UPDATE and DELETE.

                Examples:
                  parley verify
                  parley verify --json
                """
        )

        @OptionGroup var database: DatabaseOptions
        @Flag(help: "Print the report as JSON.") var json = false

        func run() throws {
            let log = try database.open()
            let progress = ProgressLine("verifying…", total: try log.head().count)
            let report = try log.verify { progress.update($0) }
            progress.finish()
            if json {
                Output.standard.line(JSONValue.object([
                    "ok": .bool(report.isSound),
                    "events": .integer(Int64(report.eventsChecked)),
                    "last_position": .integer(report.lastPosition),
                    "head_hash": .string(report.headHash),
                    "first_bad_position": report.firstBadPosition.map { .integer($0) } ?? .null,
                    "problems": .array(report.problems.map { problem in
                        .object([
                            "kind": .string(problem.kind.rawValue),
                            "position": problem.position.map { .integer($0) } ?? .null,
                            "message": .string(problem.message),
                        ])
                    }),
                ]).canonicalText)
            } else if report.isSound {
                Output.standard.line("ok: \(report.eventsChecked) events, hash chain intact, SQLite integrity ok")
                if report.eventsChecked > 0 {
                    Output.standard.line("head: position \(report.lastPosition), hash \(report.headHash)")
                }
            } else {
                for problem in report.problems { Output.standard.line("FAIL: \(problem.message)") }
            }
            guard report.isSound else {
                let first = report.firstBadPosition.map { "first bad position: \($0)" } ?? report.problems[0].message
                throw CLIFailure(.integrity, code: "verify-failed", "the log failed verification; \(first)")
            }
        }
    }
}
