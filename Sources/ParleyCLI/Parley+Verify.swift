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

                A sound verification is remembered. --quick, for large logs, checks that the hash at the position last found sound is still there and walks the chain only from it, with SQLite's quick check: it catches anything recorded since, a cut tail or dropped triggers, and trusts what was verified before. Run the full check now and then.

                Examples:
                  parley verify
                  parley verify --quick
                  parley verify --json
                """
        )

        @OptionGroup var database: DatabaseOptions
        @Flag(help: "Walk the chain only from the last position found sound, with SQLite's quick check.") var quick = false
        @Flag(help: "Print the report as JSON.") var json = false

        func run() throws {
            // Opened even when it lost committed events, to report that with the rest.
            let result = try App.open(at: database.path, forVerification: true).verify(quick: quick, progress: ProgressLine.reporting())
            let report = result.report
            if json {
                try Output.standard.json(result)
            } else if report.isSound {
                if quick, let trusted = report.trustedUpTo {
                    let since = report.trustedSince.map { " (verified \($0.rfc3339))" } ?? ""
                    Output.standard.line("ok (quick): chain intact from position \(trusted)\(since) to \(report.lastPosition), \(report.eventsChecked) events checked, SQLite quick check ok")
                } else {
                    Output.standard.line("ok\(quick ? " (quick, first verification: the whole chain)" : ""): \(report.eventsChecked) events, hash chain intact, SQLite \(quick ? "quick" : "integrity") check ok")
                }
                if report.lastPosition > 0 {
                    Output.standard.line("head: position \(report.lastPosition), hash \(report.headHash)")
                }
            } else {
                for problem in report.problems { Output.standard.line("FAIL: \(problem.message)") }
            }
            if let failure = result.failure { throw CLIFailure(failure) }
        }
    }

    struct Backup: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "backup",
            abstract: "Copy the database while others use it, and verify the copy.",
            discussion: """
                Uses SQLite's online backup: writers and readers go on while it runs, and the copy is the log as it stood when the backup began — events, views and tokens. The copy is written beside FILE and moved into place when complete, then opened and verified in full; it is a normal Parley database (parley --db FILE …).

                Prints the head the copy holds (position and hash), which equals the source's at the moment the backup began. FILE must not exist.

                Examples:
                  parley backup --to backups/parley-2026-12-03.db
                  parley backup --to /mnt/backup/parley.db --json
                """
        )

        @OptionGroup var database: DatabaseOptions
        @Option(help: ArgumentHelp("The file to write; it must not exist.", valueName: "file")) var to: String
        @Flag(help: "Print the result as JSON.") var json = false

        func run() throws {
            let result = try database.open().backup(to: to, progress: ProgressLine.reporting())
            if json {
                try Output.standard.json(result)
            } else {
                let size = result.bytes >= 1 << 20 ? "\(result.bytes >> 20) MiB" : "\(result.bytes >> 10) KiB"
                Output.standard.line("backed up \(result.events) events (\(size)) to \(result.path); the copy verifies")
                if result.lastPosition > 0 {
                    Output.standard.line("head: position \(result.lastPosition), hash \(result.headHash)")
                }
            }
        }
    }
}
