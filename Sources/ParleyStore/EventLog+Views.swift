import Foundation
import GRDB
public import ParleyCore

extension EventLog {
    /// How many events a catch-up folds per transaction: each chunk commits
    /// its rows with the checkpoint, so a crash loses at most one chunk of
    /// work and never leaves the two apart; writers wait at most that long.
    static let catchUpChunk = 10_000

    /// Brings the persisted view of `projection` up to the end of the log:
    /// from its checkpoint when its code version is unchanged and no event
    /// since was a retraction; from scratch otherwise.
    ///
    /// - Parameter progress: told (events folded, events to fold) as it goes.
    /// - Returns: how many events were folded.
    @discardableResult
    public func catchUp<P: Projection>(_ projection: P.Type, progress: (Int, Int) -> Void = { _, _ in }) throws -> Int {
        var folded = 0
        var rows: SQLiteRows<P.Row>?
        do {
            // Caught up already: answer from a read, without waiting for the write lock.
            let caughtUp = try writer.read { db in
                let (version, position) = try Self.checkpoint(db, P.name)
                let head = try Int64.fetchOne(db, sql: "SELECT max(position) FROM events") ?? 0
                return version == P.version && position == head && head > 0
            }
            if caughtUp { return 0 }
            var finished = false
            while !finished {
                try writer.writeWithoutTransaction { db in
                    try db.inTransaction(.immediate) {
                        finished = try catchUpChunk(P.self, db, rows: &rows, folded: &folded, progress: progress)
                        return .commit
                    }
                }
            }
            return folded
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(mapping: error, path: path)
        }
    }

    /// Folds the next chunk of events into the view, in the caller's
    /// transaction; true when the view has reached the end of the log.
    private func catchUpChunk<P: Projection>(
        _ projection: P.Type, _ db: Database, rows: inout SQLiteRows<P.Row>?, folded: inout Int,
        progress: (Int, Int) -> Void
    ) throws -> Bool {
        let head = try Int64.fetchOne(db, sql: "SELECT max(position) FROM events") ?? 0
        var (version, position) = try Self.checkpoint(db, P.name)
        // A retraction the view has not taken out yet, or new fold code: start over.
        var retractions = try Self.retractedIDs(db, after: position)
        if let known = rows?.retracted { retractions.subtract(known) }
        if version != P.version || (position > 0 && !retractions.isEmpty) {
            try db.execute(sql: "DELETE FROM view_rows WHERE view = ?", arguments: [P.name])
            position = 0
            version = P.version
            rows = nil
        }
        guard position < head else {
            if position == 0 { try Self.saveCheckpoint(db, P.name, version, position) }
            return true
        }
        // Another process may have caught the view up since our last chunk: our cache would be stale.
        if rows?.position != position { rows = nil }
        if rows == nil {
            rows = SQLiteRows<P.Row>(db: db, view: P.name, retracted: try Self.retractedIDs(db, after: 0))
        }
        rows!.db = db
        // Only the types the fold reads; the rest of the log is skipped inside SQLite.
        let (clause, bounds) = Self.typeClause(P.typePrefixes)
        let statement = try RawStatement(db, cached: "SELECT \(Self.columns) FROM events WHERE position > ?\(clause) ORDER BY position LIMIT ?")
        defer { statement.reset() }
        statement.bind(1, position)
        for (index, bound) in bounds.enumerated() { statement.bind(Int32(index + 2), bound) }
        statement.bind(Int32(bounds.count + 2), Int64(Self.catchUpChunk))
        var last = position
        var read = 0
        while try statement.step() {
            let event = try statement.event()
            try P.fold(event, retracted: rows!.retracted, into: rows!.rows)
            last = event.position
            folded += 1
            read += 1
        }
        // Fewer than a chunk: nothing the fold reads is left, up to the head.
        if read < Self.catchUpChunk { last = head }
        try rows!.flush()
        rows!.position = last
        try Self.saveCheckpoint(db, P.name, version, last)
        progress(folded, folded + Int(head - last))
        return last >= head
    }

    /// Rebuilds the view from scratch.
    @discardableResult
    public func rebuild<P: Projection>(_ projection: P.Type, progress: (Int, Int) -> Void = { _, _ in }) throws -> Int {
        do {
            try writer.write { db in
                try db.execute(sql: "DELETE FROM view_checkpoints WHERE view = ?", arguments: [P.name])
                try db.execute(sql: "DELETE FROM view_rows WHERE view = ?", arguments: [P.name])
            }
        } catch {
            throw StoreError(mapping: error, path: path)
        }
        return try catchUp(projection, progress: progress)
    }

    /// The persisted rows of `projection` whose keys start with `prefix`,
    /// as they stand (call ``catchUp(_:progress:)`` first).
    public func rows<P: Projection>(_ projection: P.Type, prefix: String = "") throws -> [String: P.Row] {
        try read { db in
            let decoder = JSONDecoder()
            var rows: [String: P.Row] = [:]
            let cursor = try Row.fetchCursor(db, sql: "SELECT key, value FROM view_rows WHERE view = ? AND key >= ? AND key < ?",
                                             arguments: [P.name, prefix, prefix + "\u{10FFFF}"])
            while let row = try cursor.next() {
                let value: String = row[1]
                rows[row[0]] = try decoder.decode(P.Row.self, from: Data(value.utf8))
            }
            return rows
        }
    }

    /// The last position folded into the persisted view, and its code version (0, 0 when never built).
    public func checkpoint<P: Projection>(of projection: P.Type) throws -> (version: Int, position: Int64) {
        try read { db in try Self.checkpoint(db, P.name) }
    }

    /// Folds the events `window` lets through, in memory, as the persisted
    /// view would have them: what had happened by `asOf`, what the log knew
    /// at `knownAt`. Retractions count only if inside the window too.
    public func replay<P: Projection>(_ projection: P.Type, window: ReplayWindow) throws -> [String: P.Row] {
        var retracted = Set<EventID>()
        try events(Filter(type: "event.retracted")) { event in
            if window.contains(event), let target = event.retractedTarget { retracted.insert(target) }
            return true
        }
        let rows = ProjectionRows<P.Row>()
        let (clause, bounds) = Self.typeClause(P.typePrefixes)
        try read { db in
            // The window and the types are applied by SQLite: events outside them are never decoded.
            let statement = try RawStatement(db, cached: """
                SELECT \(Self.columns) FROM events WHERE occurred_at <= ? AND recorded_at <= ?\(clause) ORDER BY position
                """)
            defer { statement.reset() }
            statement.bind(1, window.asOf?.microseconds ?? .max)
            statement.bind(2, window.knownAt?.microseconds ?? .max)
            for (index, bound) in bounds.enumerated() { statement.bind(Int32(index + 3), bound) }
            while try statement.step() {
                try P.fold(try statement.event(), retracted: retracted, into: rows)
            }
        }
        return rows.rows
    }

    /// `AND (type >= ? AND type < ? OR …)` for type prefixes, with its bounds; empty for all types.
    static func typeClause(_ prefixes: [String]) -> (String, [String]) {
        guard !prefixes.isEmpty else { return ("", []) }
        let clause = " AND (" + prefixes.map { _ in "(type >= ? AND type < ?)" }.joined(separator: " OR ") + ")"
        return (clause, prefixes.flatMap { [$0, $0 + "\u{10FFFF}"] })
    }

    // MARK: - Checkpoints

    static func checkpoint(_ db: Database, _ view: String) throws -> (version: Int, position: Int64) {
        guard let row = try Row.fetchOne(db, sql: "SELECT version, position FROM view_checkpoints WHERE view = ?", arguments: [view]) else {
            return (0, 0)
        }
        return (row[0], row[1])
    }

    static func saveCheckpoint(_ db: Database, _ view: String, _ version: Int, _ position: Int64) throws {
        try db.execute(sql: """
            INSERT INTO view_checkpoints (view, version, position) VALUES (?, ?, ?)
            ON CONFLICT (view) DO UPDATE SET version = excluded.version, position = excluded.position
            """, arguments: [view, version, position])
    }

    /// The targets of retractions recorded after `position`.
    static func retractedIDs(_ db: Database, after position: Int64) throws -> Set<EventID> {
        var ids = Set<EventID>()
        let cursor = try String.fetchCursor(db, sql: "SELECT json_extract(data, '$.target') FROM events WHERE position > ? AND type = 'event.retracted'",
                                            arguments: [position])
        while let target = try cursor.next() {
            if let id = EventID(target) { ids.insert(id) }
        }
        return ids
    }
}

/// A view's rows in SQLite: a ``ProjectionRows`` cache that reads missing
/// rows from `view_rows` and writes the changed ones back at the end of each
/// chunk, in the chunk's transaction.
struct SQLiteRows<Row: Codable> {
    var db: Database {
        didSet { source.db = db }
    }
    let view: String
    let retracted: Set<EventID>
    /// The position the rows stand at, once flushed.
    var position: Int64 = 0
    let rows: ProjectionRows<Row>
    private let source: Source
    private let encoder = JSONEncoder()
    private static var maximumCached: Int { 100_000 }

    /// Where missing rows are read from (the connection changes from chunk to chunk).
    private final class Source {
        var db: Database
        let view: String
        let decoder = JSONDecoder()
        init(db: Database, view: String) {
            self.db = db
            self.view = view
        }
        func load(_ key: String) throws -> Row? {
            let value = try String.fetchOne(db, sql: "SELECT value FROM view_rows WHERE view = ? AND key = ?", arguments: [view, key])
            return try value.map { try decoder.decode(Row.self, from: Data($0.utf8)) }
        }
    }

    init(db: Database, view: String, retracted: Set<EventID>) {
        self.db = db
        self.view = view
        self.retracted = retracted
        let source = Source(db: db, view: view)
        self.source = source
        rows = ProjectionRows { try source.load($0) }
        encoder.outputFormatting = .sortedKeys
    }

    /// Writes the changed rows; drops the cache when it has grown past its bound.
    func flush() throws {
        let upsert = try db.cachedStatement(sql: """
            INSERT INTO view_rows (view, key, value) VALUES (?, ?, ?)
            ON CONFLICT (view, key) DO UPDATE SET value = excluded.value
            """)
        let delete = try db.cachedStatement(sql: "DELETE FROM view_rows WHERE view = ? AND key = ?")
        for key in rows.dirty {
            if let row = rows.cache[key] ?? nil {
                let value = String(decoding: try encoder.encode(row), as: UTF8.self)
                try upsert.execute(arguments: [view, key, value])
            } else {
                try delete.execute(arguments: [view, key])
            }
        }
        rows.markClean()
        if rows.cache.count > Self.maximumCached { rows.dropCache() }
    }
}
