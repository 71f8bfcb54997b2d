import ArgumentParser
import Foundation
import Synchronization
import ParleyApp
import ParleyCore

/// `--db PATH`, shared by every command that opens the log.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The database file (default: $PARLEY_DB, else ./parley.db).", valueName: "path"))
    var db: String?

    /// The file: --db, else $PARLEY_DB, else ./parley.db.
    var path: String {
        db ?? ProcessInfo.processInfo.environment["PARLEY_DB"].flatMap { $0.isEmpty ? nil : $0 } ?? "parley.db"
    }

    /// The facade on the log at ``path``, opened once per process.
    func open() throws -> App {
        try OpenedApps.shared.app(at: path)
    }
}

/// One facade (one SQLite pool) per file in this process, as GRDB advises.
private final class OpenedApps: Sendable {
    static let shared = OpenedApps()
    private let apps = Mutex<[String: App]>([:])

    func app(at path: String) throws -> App {
        try apps.withLock { apps in
            if let app = apps[path] { return app }
            let app = try App.open(at: path)
            apps[path] = app
            return app
        }
    }
}

/// A time on the command line: RFC 3339, or a date (midnight UTC).
struct TimeArgument: ExpressibleByArgument {
    var timestamp: Timestamp

    init?(argument: String) {
        guard let time = Timestamp(timeOrDate: argument) else { return nil }
        timestamp = time
    }

    static var defaultCompletionKind: CompletionKind { .default }
}
