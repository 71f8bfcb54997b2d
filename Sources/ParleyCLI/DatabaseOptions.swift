import ArgumentParser
import Foundation
import ParleyCore
import ParleyStore

/// `--db PATH`, shared by every command.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The database file (default: $PARLEY_DB, else ./parley.db).", valueName: "path"))
    var db: String?

    var path: String {
        db ?? ProcessInfo.processInfo.environment["PARLEY_DB"].flatMap { $0.isEmpty ? nil : $0 } ?? "parley.db"
    }

    /// Opens the existing database, or fails with the store's message.
    /// A command that reads several views opens it once.
    func open() throws -> EventLog {
        try OpenedLogs.shared.log(at: path)
    }
}

/// The databases this process has opened, by path.
private final class OpenedLogs: @unchecked Sendable {
    static let shared = OpenedLogs()
    private let lock = NSLock()
    private var logs: [String: EventLog] = [:]

    func log(at path: String) throws -> EventLog {
        lock.lock()
        defer { lock.unlock() }
        if let log = logs[path] { return log }
        let log = try EventLog.open(at: path)
        logs[path] = log
        return log
    }
}

/// A time on the command line: RFC 3339 with a zone, or a plain date
/// (`2026-01-05`, meaning midnight UTC).
struct TimeArgument: ExpressibleByArgument {
    var timestamp: Timestamp

    init?(argument: String) {
        if let time = Timestamp(rfc3339: argument) {
            timestamp = time
        } else if argument.utf8.count == 10, let time = Timestamp(rfc3339: argument + "T00:00:00Z") {
            timestamp = time
        } else {
            return nil
        }
    }

    static var defaultCompletionKind: CompletionKind { .default }
}
