import ArgumentParser
import Foundation
import GRDBSQLite
import ParleyCore
import ParleyStore

/// `parley-bench`: the demo-history generator and the benchmark behind
/// `scripts/bench`. Speed is measured here, side by side with raw SQLite
/// doing the same writes and reads in the same run, never in unit tests.
@main
struct ParleyBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parley-bench",
        abstract: "Generate realistic event histories and benchmark parley against raw SQLite.",
        subcommands: [Generate.self, Run.self, SignalsTrial.self, Load.self]
    )
}
