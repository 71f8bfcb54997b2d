import GRDB
import Synchronization

/// A read-only connection of a log's own for one-row lookups made on every
/// request (a token and its member's standing), opened on first use and
/// kept while the log is: such a read through the pool paid more for
/// taking a reader and checking the schema's version than for SQLite's
/// work. GRDB's queue serializes its use; the mutex only guards opening it.
final class LookupConnection: Sendable {
    private let opened = Mutex<DatabaseQueue?>(nil)

    /// The connection to the database at `path`, opened the first time.
    func connection(to path: String) throws -> DatabaseQueue {
        try opened.withLock { opened in
            if let opened { return opened }
            var configuration = Configuration()
            configuration.readonly = true
            configuration.busyMode = .timeout(EventLog.busyTimeout)
            configuration.label = "parley.lookups"
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            opened = queue
            return queue
        }
    }
}
