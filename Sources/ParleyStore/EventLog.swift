public import Foundation
import GRDB
import GRDBSQLite
import ParleyCore

/// Parley's event log: an append-only, hash-chained table of events in one
/// SQLite file.
///
/// Open a file once per process and share the value: it wraps a GRDB
/// `DatabasePool` (WAL, one writer, concurrent readers). Appends run in
/// `BEGIN IMMEDIATE` transactions with a busy timeout and
/// `synchronous=FULL`, so an append that returned is on disk and two
/// processes may write the same file at once.
///
/// ## Topics
/// - ``create(at:)``, ``open(at:)``, ``inMemory()``
/// - ``append(_:)``, ``append(from:onEvent:)``
/// - ``events(_:_:)``, ``event(at:)``, ``event(id:)``
/// - ``verify(progress:)``
public struct EventLog: Sendable {
    let writer: any DatabaseWriter
    /// The file, or nil in memory.
    public let path: String?
    /// The connection for lookups every server request makes.
    let lookups = LookupConnection()

    /// How long a writer waits for another process's write transaction.
    public static let busyTimeout: TimeInterval = 60

    /// What ``create(at:)`` did.
    public enum Creation: Sendable, Equatable {
        case created
        case migrated(from: Int)
        case upToDate
    }

    /// Creates the database at `path`, or migrates it to this build's schema.
    ///
    /// - Throws: ``StoreError`` when the file exists and is not a Parley
    ///   database, or was made by a newer Parley. The file is then left untouched.
    public static func create(at path: String) throws -> (EventLog, Creation) {
        let exists = FileManager.default.fileExists(atPath: path)
        if exists {
            try checkHeader(path, allowEmpty: true)
        } else {
            // A new log: the anchor of a database deleted from here says nothing of it.
            try? FileManager.default.removeItem(atPath: HeadAnchor.file(for: path))
        }
        let pool = try openPool(path)
        do {
            let applied = try pool.read { db in
                try checkNotSuperseded(db, path: path)
                return try migrator.appliedIdentifiers(db).count
            }
            if exists, let anchor = HeadAnchor.read(for: path) { try pool.read { try checkHead($0, anchor: anchor, path: path) } }
            try migrator.migrate(pool)
            let log = EventLog(writer: pool, path: path)
            if applied == 0 { return (log, .created) }
            return (log, applied == Schema.version ? .upToDate : .migrated(from: applied))
        } catch {
            throw StoreError(mapping: error, path: path)
        }
    }

    /// Opens an existing, up-to-date Parley database.
    ///
    /// - Throws: ``StoreError`` when the file is missing (run `parley init`),
    ///   not a Parley database, corrupt, from a newer Parley, or needs migrating.
    ///
    /// - Parameter checkingHead: refuse a log that no longer reaches the head
    ///   last committed here (see `HeadAnchor`); `verify` turns this off to
    ///   report it with the rest.
    public static func open(at path: String, checkingHead: Bool = true) throws -> EventLog {
        guard FileManager.default.fileExists(atPath: path) else {
            throw StoreError(.databaseMissing, "no Parley database at \(path)", remedy: "create one, or choose another file", hint: .createLog)
        }
        try checkHeader(path, allowEmpty: false)
        let pool = try openPool(path)
        // Read before the snapshot begins: the anchor only names commits
        // made before it was written, so the snapshot must reach it.
        let anchor = checkingHead ? HeadAnchor.read(for: path) : nil
        do {
            try pool.read { db in
                try checkNotSuperseded(db, path: path)
                guard try migrator.hasCompletedMigrations(db) else {
                    throw StoreError(.needsMigration, "\(path) was made by an older Parley", remedy: "migrate it to schema \(Schema.version)", hint: .migrateLog)
                }
                if let anchor { try checkHead(db, anchor: anchor, path: path) }
            }
        } catch {
            throw StoreError(mapping: error, path: path)
        }
        return EventLog(writer: pool, path: path)
    }

    /// A fresh log in memory, for tests and replays.
    public static func inMemory() throws -> EventLog {
        let queue = try DatabaseQueue(configuration: configuration)
        try migrator.migrate(queue)
        return EventLog(writer: queue, path: nil)
    }

    /// A log on an already opened GRDB writer (a `DatabaseQueue` on disk, in
    /// tests), migrated to this build's schema.
    init(migrating writer: any DatabaseWriter) throws {
        try Self.migrator.migrate(writer)
        self.init(writer: writer, path: writer.path)
    }

    init(writer: any DatabaseWriter, path: String?) {
        self.writer = writer
        self.path = path
    }

    // MARK: - Opening

    /// SQLite's page cache per connection, in KiB: 64 MiB keeps the
    /// `(stream, version)` index of a million events in memory during a big
    /// append, where SQLite's 2 MiB default reads its pages back from the file.
    static let cacheKiB = 65_536

    static var configuration: Configuration {
        var config = Configuration()
        config.busyMode = .timeout(busyTimeout)
        config.label = "parley"
        // Reader connections of a pool. A catch-up takes at most three at once (the
        // snapshot a chunk folds on, its events, its second fold share), and none of
        // them waits for another: the rest serve other readers in the process.
        config.maximumReaderCount = 5
        config.prepareDatabase { db in
            // Readers too: a catch-up folds on a reader connection, and reads back
            // the rows earlier chunks wrote through it. (The pages are taken as used.)
            try db.execute(sql: "PRAGMA cache_size = -\(cacheKiB)")
            if !db.configuration.readonly {
                // Pages a view frees (rebuilt, or rows moving) are not overwritten
                // with zeros when that costs a write of its own: Debian's SQLite
                // zeroes every freed page by default, and emptying the views for a
                // rebuild wrote some 60 MB of zeros into the WAL. Nothing is lost by
                // it: events are never deleted, and a view holds nothing the
                // events it was folded from do not (SQLite still clears what it
                // deletes within pages it writes anyway).
                try db.execute(sql: "PRAGMA secure_delete = FAST")
            }
        }
        return config
    }

    /// After a write of many pages (a big append, a catch-up of many
    /// events), checkpoints the whole WAL into the database and truncates
    /// it. Left full, the WAL costs every later process that writes: the
    /// first connection of a process rebuilds the WAL's index from the file,
    /// which forgets how much of it was already copied into the database, so
    /// that process's commit copies all of it again (some 270 MB after
    /// importing a million events, about 0.3 s), and the next does the same
    /// until a write finds no reader and restarts the WAL.
    ///
    /// Best effort: a reader in another process on an older snapshot holds
    /// the WAL, and this waits for it at most ``emptyWALWait`` milliseconds.
    static func emptyWAL(_ pool: DatabasePool) {
        try? pool.writeWithoutTransaction { db in
            sqlite3_busy_timeout(db.sqliteConnection, emptyWALWait)
            defer { sqlite3_busy_timeout(db.sqliteConnection, Int32(busyTimeout * 1000)) }
            _ = try db.checkpoint(.truncate)
        }
    }

    /// How long ``emptyWAL(_:)`` waits for readers in other processes, in milliseconds.
    static let emptyWALWait: Int32 = 200

    private static func openPool(_ path: String) throws -> DatabasePool {
        do {
            let pool = try DatabasePool(path: path, configuration: configuration)
            // GRDB sets synchronous=NORMAL for WAL; Parley promises that an
            // append that returned survives a power cut.
            try pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA synchronous = FULL") }
            return pool
        } catch {
            throw StoreError(mapping: error, path: path)
        }
    }

    /// Refuses a file that is not a Parley database, without changing it:
    /// the first bytes must be SQLite's, and a read-only connection (which
    /// never rewrites the header, unlike opening a WAL pool) must find
    /// Parley's application id. A file with no schema at all passes when
    /// `allowEmpty`, for `parley init`.
    private static func checkHeader(_ path: String, allowEmpty: Bool) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw StoreError(.failure, "cannot read \(path): permission denied or not a file")
        }
        let header = [UInt8]((try? handle.read(upToCount: 100)) ?? Data())
        try? handle.close()
        if header.isEmpty {
            if allowEmpty { return }
            throw StoreError(.notParleyDatabase, "\(path) is an empty file, not a Parley database", remedy: "create a log in it", hint: .createLog)
        }
        guard header.starts(with: Array("SQLite format 3\0".utf8)) else {
            throw StoreError(.notParleyDatabase, "\(path) is not a Parley database (not an SQLite file at all)", remedy: "check the database path", hint: .chooseLog)
        }
        // The application id is in the header (bytes 68–71, big-endian): when it is Parley's,
        // no connection need read it. (A header not yet checkpointed from the WAL may not
        // show it yet: then SQLite is asked.)
        if header.count == 100, header[68..<72].reduce(UInt32(0), { $0 << 8 | UInt32($1) }) == UInt32(bitPattern: Schema.applicationID) {
            return
        }
        var config = Configuration()
        config.readonly = true
        config.busyMode = .timeout(busyTimeout)
        do {
            let queue = try DatabaseQueue(path: path, configuration: config)
            defer { try? queue.close() }
            let (id, tables) = try queue.read { db in
                (try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0,
                 try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") ?? 0)
            }
            if id == Schema.applicationID || (allowEmpty && id == 0 && tables == 0) { return }
            throw StoreError(.notParleyDatabase, "\(path) is an SQLite database of another application (application_id \(id), \(tables) schema objects), not a Parley database",
                             remedy: "check the database path", hint: .chooseLog)
        } catch {
            throw StoreError(mapping: error, path: path)
        }
    }

    /// Refuses a log that lost committed events (see `HeadAnchor`).
    private static func checkHead(_ db: Database, anchor: HeadAnchor, path: String) throws {
        guard try db.tableExists("events"),
              let problem = try anchor.problem(db, path: path) else { return }
        throw StoreError(.eventsLost, "\(path): " + problem.message,
                         remedy: "run `verify` for the whole report and restore the database from a backup; if you put an older copy in place on purpose, remove \(HeadAnchor.file(for: path))")
    }

    private static func checkNotSuperseded(_ db: Database, path: String) throws {
        if try migrator.hasBeenSuperseded(db) {
            let unknown = try migrator.appliedIdentifiers(db).subtracting(migrator.migrations).sorted()
            throw StoreError(.createdByNewerParley, "\(path) was made by a newer Parley (schema \(unknown.joined(separator: ", "))); this parley knows schema \(Schema.version) — upgrade parley to use it")
        }
    }

    static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()
        for file in Schema.files {
            let sql = file.sql
            migrator.registerMigration(file.identifier) { db in try db.execute(sql: sql) }
        }
        return migrator
    }()

    /// Runs `body`, turning a GRDB error into a ``StoreError`` about this log.
    func mappingErrors<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DatabaseError {
            throw StoreError(mapping: error, path: path)
        }
    }
}

extension StoreError {
    /// Maps SQLite's and GRDB's errors to a message a user can act on.
    init(mapping error: any Error, path: String?) {
        if let error = error as? StoreError {
            self = error
            return
        }
        let file = path ?? "the database"
        if let error = error as? DatabaseError {
            switch error.resultCode {
            case .SQLITE_CORRUPT, .SQLITE_NOTADB:
                self.init(.corrupt, "\(file) is damaged (SQLite: \(error.message ?? "corrupt")); nothing was changed — restore it from a backup or an export")
            case .SQLITE_BUSY, .SQLITE_LOCKED:
                self.init(.failure, "\(file) stayed locked by another process for over \(Int(EventLog.busyTimeout)) s; try again when it is done")
            case .SQLITE_READONLY, .SQLITE_PERM, .SQLITE_CANTOPEN:
                self.init(.failure, "cannot open \(file) for writing (SQLite: \(error.message ?? "\(error.resultCode)")); check the path and its permissions")
            case .SQLITE_FULL:
                self.init(.failure, "the disk holding \(file) is full; nothing was written")
            default:
                self.init(.failure, "SQLite error on \(file): \(error.message ?? "\(error.resultCode)")")
            }
            return
        }
        self.init(.failure, "\(file): \(error)")
    }
}
