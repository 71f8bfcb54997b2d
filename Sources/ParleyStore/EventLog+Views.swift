import Foundation
import GRDB
public import ParleyCore

extension EventLog {
    /// The most events a catch-up folds per transaction. Each chunk commits
    /// its rows with the checkpoints, so a crash loses at most one chunk of
    /// work and never leaves the two apart.
    static let catchUpChunk = 100_000
    /// How long a chunk may fold inside its write transaction (on a queue,
    /// where it folds there): writers wait at most about that long, and the
    /// time to write the chunk's rows. On a pool a chunk folds outside the
    /// write lock, and only its write makes writers wait.
    static let catchUpChunkTime = Duration.milliseconds(400)
    /// The most events one read of the log hands a catch-up on a WAL pool (a
    /// read runs on over several chunks; the reading thread then begins the
    /// next at once): a reader holds back the WAL's checkpoints, so a long
    /// catch-up reads in a few long reads, not one.
    static let catchUpStream = 250_000
    /// How many rows a view keeps cached from one chunk to the next, at
    /// least (it keeps all that the last chunk changed).
    static let catchUpCached = 100_000

    /// Brings the persisted view of `projection` up to the end of the log
    /// (see ``catchUp(_:progress:)-([any Projection.Type], _)``).
    @discardableResult
    public func catchUp<P: Projection>(_ projection: P.Type, progress: (Int, Int) -> Void = { _, _ in }) throws -> Int {
        try catchUp([P.self], progress: progress)
    }

    /// Brings the persisted views of `projections` up to the end of the
    /// log, in one pass over the events: each event is read and parsed
    /// once, and folded into every view that reads its type and has not
    /// folded it yet. A view catches up from its checkpoint when its code
    /// version is unchanged and no event since was a retraction, from
    /// scratch otherwise. Each chunk folds and writes in a write
    /// transaction of its own, bounded in events and in time.
    ///
    /// - Parameter progress: told (events read, events to read) as it goes.
    /// - Returns: how many events were read.
    @discardableResult
    public func catchUp(_ projections: [any Projection.Type], progress: (Int, Int) -> Void = { _, _ in }) throws -> Int {
        try catchUp(projections, chunk: Self.catchUpChunk, progress: progress)
    }

    /// ``catchUp(_:progress:)-([any Projection.Type], _)`` with at most `chunk` events a transaction, `stream` a read
    /// of the log, and `cached` rows kept (tests use small ones).
    ///
    /// - Parameter startingOver: every view starts over from the first
    ///   event (a rebuild), emptied in its first chunk's transaction.
    @discardableResult
    func catchUp(_ projections: [any Projection.Type], chunk: Int, stream: Int = catchUpStream, cached: Int = catchUpCached,
                 startingOver: Bool = false, progress: (Int, Int) -> Void = { _, _ in }) throws -> Int {
        let views = projections.map { $0.persistedView(cached: cached) }
        for view in views { view.startsOver = startingOver }
        var folded = 0
        do {
            // Caught up already: answer from a read, without waiting for the write lock.
            let caughtUp = try !startingOver && writer.read { db in
                let head = try Self.head(db)
                return try head > 0 && views.allSatisfy { view in
                    try Self.checkpoint(db, view.name) == (view.version, head)
                }
            }
            if caughtUp { return 0 }
            // The events, read ahead on a thread of their own, may run on from one chunk into the next.
            var events: ChunkEvents?
            defer { events?.close() }
            var finished = false
            while !finished {
                if let pool = writer as? DatabasePool {
                    // On a WAL pool the chunk folds on a snapshot, outside the write lock, and its
                    // rows are written in a short transaction of their own: other writers wait for
                    // that write only.
                    let chunk = try pool.read { db in
                        try foldChunk(views, db, pool: pool, limit: chunk, stream: stream, events: &events)
                    }
                    guard let chunk else { break }
                    let written = try writer.writeWithoutTransaction { db in
                        var written = false
                        try db.inTransaction(.immediate) {
                            // Another process moved a checkpoint meanwhile: what this chunk folded is stale.
                            guard try chunk.checkpointsStand(db) else { return .rollback }
                            try chunk.write(to: db)
                            written = true
                            return .commit
                        }
                        return written
                    }
                    if written {
                        chunk.committed()
                        folded += chunk.count
                        progress(folded, folded + Int(chunk.started.head - chunk.last))
                        finished = chunk.last >= chunk.started.head
                    } else {
                        // Read it all anew from where the checkpoints stand.
                        for view in views {
                            view.forget()
                            view.isEmpty = false
                        }
                        events?.close()
                        events = nil
                    }
                } else {
                    // A queue (in memory, tests): fold and write in one transaction.
                    try writer.writeWithoutTransaction { db in
                        try db.inTransaction(.immediate) {
                            guard let chunk = try foldChunk(views, db, pool: nil, limit: chunk, stream: stream, events: &events) else {
                                finished = true
                                return .commit
                            }
                            try chunk.write(to: db)
                            chunk.committed()
                            folded += chunk.count
                            progress(folded, folded + Int(chunk.started.head - chunk.last))
                            finished = chunk.last >= chunk.started.head
                            return .commit
                        }
                    }
                }
            }
            // A long pass kept readers open, so the WAL never restarted: it holds every page the pass wrote.
            if folded >= chunk, let pool = writer as? DatabasePool { Self.emptyWAL(pool) }
            return folded
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(mapping: error, path: path)
        }
    }

    /// A view's checkpoint (code version, position) before and after a step.
    struct Checkpoint: Sendable {
        let view: String
        let from: (version: Int, position: Int64)
        let to: (version: Int, position: Int64)
    }

    /// Where a chunk starts: the views behind the head of the log, and what they fold.
    struct ChunkStart {
        let head: Int64
        let behind: [any PersistedFold]
        /// The position the view furthest behind has folded (the head, when none is behind).
        let start: Int64
        /// Every retraction in the log: their targets are left out.
        let retracted: Set<EventID>
        /// Each view's checkpoint as read, and as it stands once the views that start over are emptied.
        let checkpoints: [Checkpoint]
        /// The tables of the views that start over, to be emptied.
        let emptied: [String]

        /// The types the folds read (prefixes; empty: all). The rest of the log is skipped inside SQLite.
        var prefixes: [String] {
            behind.contains { $0.typePrefixes.isEmpty } ? [] : Set(behind.flatMap(\.typePrefixes)).sorted()
        }
    }

    /// Reads each view's checkpoint in `db`'s transaction, and readies the
    /// views behind the head to fold. A view whose code version changed, or
    /// that has a retraction to take out, starts over: its table is to be
    /// emptied (``ChunkStart/emptied``), and its checkpoint set to 0.
    func startChunk(_ views: [any PersistedFold], _ db: Database) throws -> ChunkStart {
        let head = try Self.head(db)
        var checkpoints: [Checkpoint] = []
        var emptied: [String] = []
        for view in views {
            let stored = try Self.checkpoint(db, view.name)
            var position = stored.position
            // A retraction the view has not taken out yet, or new fold code: start over.
            let retractions = try Self.retractedIDs(db, after: position).subtracting(view.retracted)
            if view.startsOver || stored.version != view.version || (position > 0 && !retractions.isEmpty) {
                emptied.append(view.table)
                position = 0
                view.forget()
                view.isEmpty = true
            }
            // Another process may have caught the view up since our last chunk: our cache would be stale.
            if view.position != position { view.forget() }
            view.position = position
            checkpoints.append(Checkpoint(view: view.name, from: stored, to: (view.version, position)))
        }
        let behind = views.filter { $0.position < head }
        let retracted = behind.isEmpty ? [] : try Self.retractedIDs(db, after: 0)
        for view in behind { view.begin(retracted: retracted) }
        return ChunkStart(head: head, behind: behind, start: behind.map(\.position).min() ?? head, retracted: retracted,
                          checkpoints: checkpoints, emptied: emptied)
    }

    /// A chunk folded and not yet written: the rows it changed, and where
    /// the views it folded stand once they are written.
    struct FoldedChunk {
        let started: ChunkStart
        let taken: [any TakenRows]
        /// How many events it folded.
        let count: Int
        /// The position the views have folded up to.
        let last: Int64

        /// Whether every view's checkpoint still stands where the chunk read it.
        func checkpointsStand(_ db: Database) throws -> Bool {
            try started.checkpoints.allSatisfy { try EventLog.checkpoint(db, $0.view) == $0.from }
        }

        /// Empties the views that start over, writes the rows and moves the
        /// checkpoints on, in `db`'s transaction.
        func write(to db: Database) throws {
            // Without WHERE: SQLite frees the table's pages without visiting its rows.
            for table in started.emptied { try db.execute(sql: "DELETE FROM \(table)") }
            try ChunkWrite.write(taken, to: db)
            for view in started.behind {
                try EventLog.saveCheckpoint(db, view.name, view.version, max(view.position, last))
            }
            for checkpoint in started.checkpoints where checkpoint.to != checkpoint.from
                && !started.behind.contains(where: { $0.name == checkpoint.view }) {
                try EventLog.saveCheckpoint(db, checkpoint.view, checkpoint.to.version, checkpoint.to.position)
            }
        }

        /// Once written: the views stand at their new checkpoints.
        func committed() {
            for view in started.behind {
                view.position = max(view.position, last)
                view.isEmpty = false
                view.startsOver = false
            }
        }
    }

    /// Folds the next chunk of events (at most `limit`, and inside a write
    /// transaction for at most ``catchUpChunkTime``) into the views that are behind, reading their
    /// rows through `db`; nil when none is behind. `events` are the ones the
    /// last chunk left unread, if they are the ones this chunk reads; it
    /// leaves there the ones it does not.
    private func foldChunk(_ views: [any PersistedFold], _ db: Database, pool: DatabasePool?, limit: Int, stream streamLimit: Int,
                           events stream: inout ChunkEvents?) throws -> FoldedChunk? {
        let started = try startChunk(views, db)
        let (head, behind) = (started.head, started.behind)
        guard !behind.isEmpty else { return nil }
        // Views may fold side by side, the second share on a reader connection: it
        // sees what earlier chunks committed, which is all the view has written (a
        // view that starts over reads nothing until its first chunk is written).
        let fold = ChunkFold(views: behind, retracted: started.retracted, pool: pool)
        defer { fold.stop() }

        let prefixes = started.prefixes
        if let unread = stream, unread.last != started.start || unread.prefixes != prefixes {
            unread.close()
            stream = nil
        }
        let events = try stream ?? ChunkEvents(pool.map { .pool($0) } ?? .inline(db), after: started.start, head: head, prefixes: prefixes,
                                               limit: pool == nil ? limit : streamLimit)
        stream = nil
        // Stopped when the chunk ends, whether it fails or not, unless the next chunk reads on.
        var readOn = false
        defer { if !readOn { events.close() } }
        let deadline = pool == nil ? ContinuousClock.now + Self.catchUpChunkTime : nil
        let chunk = try events.fold(atMost: limit, until: deadline) { try fold.fold($0, through: db) }
        // What is left is read on while this chunk is written, for the next one.
        if !chunk.ended && events.spansChunks {
            stream = events
            readOn = true
        }
        return FoldedChunk(started: started, taken: try fold.take(through: db), count: chunk.count, last: chunk.last)
    }

    static func head(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT max(position) FROM events") ?? 0
    }

    /// Rebuilds the view from scratch.
    @discardableResult
    public func rebuild<P: Projection>(_ projection: P.Type, progress: (Int, Int) -> Void = { _, _ in }) throws -> Int {
        try rebuild([P.self], progress: progress)
    }

    /// Rebuilds the views from scratch, in one pass over the log. Without
    /// a checkpoint, a view starts over in the catch-up, which empties its
    /// table in its first chunk's transaction.
    @discardableResult
    public func rebuild(_ projections: [any Projection.Type], progress: (Int, Int) -> Void = { _, _ in }) throws -> Int {
        try catchUp(projections, chunk: Self.catchUpChunk, startingOver: true, progress: progress)
    }

    /// How a catch-up's query tests the types of `prefixes`: ` AND type IN
    /// (?, …)` with the catalogue's types they cover, when those are fewer
    /// than the others (a few small views: SQLite then passes over the rest
    /// of the log without reading its rows out); otherwise no test, and the
    /// reading thread tests each row's type itself (``TypePrefixes``): when
    /// most rows are read, a test per row costs SQLite more than it saves.
    /// The log holds only the catalogue's types (appends refuse others).
    static func typeTest(_ prefixes: [String]) -> (clause: String, types: [String]) {
        guard !prefixes.isEmpty else { return ("", []) }
        let read = EventCatalogue.typeNames.filter { type in prefixes.contains { type.hasPrefix($0) } }
        guard read.count * 2 < EventCatalogue.typeNames.count else { return ("", []) }
        guard !read.isEmpty else { return (" AND 0", []) }
        return (" AND type IN (" + read.map { _ in "?" }.joined(separator: ", ") + ")", read)
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
