import Foundation
import GRDB
import ParleyCore

extension EventLog {
    /// Catches the views up as ``catchUpChunk(_:_:limit:stream:events:folded:progress:)``
    /// does, chunk after chunk, but writes each chunk while the next one
    /// folds. The folds read missing rows through reader connections,
    /// outside the write lock, and each chunk's rows and checkpoints are
    /// written in a transaction of its own on the writer's queue
    /// (``ChunkWrites``), which holds the lock only that long. The views
    /// fold in two shares (``OverlappedFold``), each on a thread of its
    /// own that goes from one chunk to the next without waiting for the
    /// other.
    ///
    /// A view's cache drops, at the end of a chunk, rows the chunk did not
    /// change: rows the chunks before wrote. So a share folds the next chunk
    /// but one only once the chunk before it is committed, through a
    /// connection that began reading after that. What the chunk being
    /// written changed is still cached.
    ///
    /// - Returns: true when done; false when the views are less than a
    ///   chunk behind (one transaction is quicker), or when a chunk found
    ///   that another process moved a checkpoint since: the views' caches
    ///   are dropped, the chunks before are committed, and the caller goes
    ///   on chunk by chunk.
    func catchUpOverlapped(_ views: [any PersistedFold], pool: DatabasePool, chunk limit: Int, stream: Int,
                           folded: inout Int, progress: (Int, Int) -> Void) throws -> Bool {
        let started = try pool.read { db in try startChunk(views, db) }
        guard started.head - started.start > Int64(limit) else {
            // Nothing was written: the chunk-by-chunk path reads the checkpoints (and retractions) anew.
            for view in views { view.forget() }
            return false
        }
        let behind = started.behind
        let writes = ChunkWrites(pool)
        // However this ends, no write of ours is left running (declared first: done last).
        defer { writes.drain() }
        // The views that start over are emptied, their checkpoints set to 0, while the first chunk folds
        // (it reads none of their rows: see PersistedFold.isEmpty).
        writes.submit([], checkpoints: started.checkpoints, emptying: started.emptied)
        let events = try ChunkEvents(.pool(pool), after: started.start, head: started.head, prefixes: started.prefixes, limit: stream)
        defer { events.close() }
        let fold = OverlappedFold(views: behind, retracted: started.retracted, pool: pool, writes: writes)
        defer { fold.stop() }
        // Where each view stands once the chunks handed over are written.
        var positions = behind.map(\.position)
        var chunk = 0
        do {
            while true {
                try fold.beginChunk(chunk)
                let (read, last, taken, later) = try pool.read { reader in
                    fold.use(reader)
                    let chunk = try events.fold(atMost: limit) { try fold.fold($0) }
                    let (taken, later) = try fold.endChunk()
                    return (chunk.count, chunk.last, taken, later)
                }
                let checkpoints = behind.indices.map { index in
                    ChunkWrites.Checkpoint(view: behind[index].name, from: (behind[index].version, positions[index]),
                                           to: (behind[index].version, max(positions[index], last)))
                }
                positions = positions.map { max($0, last) }
                writes.submit(taken, later: later, checkpoints: checkpoints)
                chunk += 1
                folded += read
                progress(folded, folded + Int(started.head - last))
                if last >= started.head { break }
            }
            try fold.finish()
            try writes.wait(untilDone: chunk + 1)
            return true
        } catch is ChunkWrites.CheckpointMoved {
            fold.stop()
            writes.drain()
            // What the store holds is read anew: the chunks written before are in it.
            for view in views {
                view.forget()
                view.isEmpty = false
            }
            return false
        }
    }
}

/// The folds of an overlapped catch-up: the views shared out in two by
/// the first batch (``ChunkFold/split(_:by:retracted:)``), this thread's
/// share folded by the caller, the second on a thread of its own for the
/// whole catch-up, each through a reader connection it renews at each
/// chunk. At the end of a chunk the caller takes its share's rows and hands
/// them over with the second share's to come (``TakenLater``), and folds on
/// while the second share takes its own.
final class OverlappedFold {
    private let views: [any PersistedFold]
    private let retracted: Set<EventID>
    private let pool: DatabasePool
    private let writes: ChunkWrites
    /// The views the caller folds; nil until the first batch shares them out.
    private var mine: [any PersistedFold]?
    private var second: FoldShare?

    init(views: [any PersistedFold], retracted: Set<EventID>, pool: DatabasePool, writes: ChunkWrites) {
        self.views = views
        self.retracted = retracted
        self.pool = pool
        self.writes = writes
    }

    /// Before the caller reads rows for chunk `chunk` (from 0): waits
    /// until the chunks before the last one are written (see
    /// ``FoldShare/prepare(_:chunk:writes:)``).
    func beginChunk(_ chunk: Int) throws {
        try FoldShare.prepare(mine ?? views, chunk: chunk, writes: writes)
    }

    /// The caller's share reads missing rows through `reader` (all the views, before they are shared out).
    func use(_ reader: Database) {
        for view in mine ?? views { view.use(reader) }
    }

    /// Folds `events` (the next ones of the chunk, in position order) into every view that takes them.
    func fold(_ events: consuming [ChunkFold.Event]) throws {
        let batch = ChunkFold.Batch(events)
        if mine == nil {
            if let (first, second) = ChunkFold.split(views, by: batch, retracted: retracted) {
                mine = first
                self.second = FoldShare(views: second, retracted: retracted, pool: pool, writes: writes)
            } else {
                mine = views
            }
        }
        second?.submit(.batch(batch))
        try ChunkFold.fold(batch, into: mine!, retracted: retracted)
        Reclaimer.free(consume batch)
    }

    /// Ends the chunk: takes the rows the caller's share changed, and trims
    /// its caches; the second share's rows come later.
    func endChunk() throws -> (taken: [any TakenRows], later: TakenLater?) {
        let later = second.map { share in
            let later = TakenLater()
            share.submit(.end(later))
            return later
        }
        return (try FoldShare.end(mine ?? views), later)
    }

    /// After the last chunk: waits for the second share to take its rows, and rethrows what it met.
    func finish() throws {
        try second?.close(cancelling: false)
        second = nil
    }

    /// Stops the second share (dropping what it has not folded) and waits until it has.
    func stop() {
        _ = try? second?.close(cancelling: true)
        second = nil
    }
}

/// A share of the views folded on a thread of its own, chunk after chunk
/// (one chunk, in a catch-up that is not overlapped), through a reader
/// connection it renews at each chunk: the batches come in a queue, and an
/// end-of-chunk item has it take the rows its views changed.
final class FoldShare: @unchecked Sendable {
    enum Item {
        case batch(ChunkFold.Batch)
        /// The end of a chunk: the rows its views changed go to `taken`.
        case end(TakenLater)
    }

    private let views: [any PersistedFold]
    // Guarded by `condition`.
    private let condition = NSCondition()
    private var items: [Item] = []
    private var closed = false
    private var done = false
    private var failure: (any Error)?

    /// A share that waits for the chunks `writes` has before it reads (see ``prepare(_:chunk:writes:)``).
    init(views: [any PersistedFold], retracted: Set<EventID>, pool: DatabasePool, writes: ChunkWrites? = nil) {
        self.views = views
        DispatchQueue.global(qos: .userInitiated).async { [self] in
            run(retracted: retracted, pool: pool, writes: writes)
        }
    }

    /// Before a share reads rows for chunk `chunk` (from 0): rows its
    /// caches dropped at the end of the last chunk were written by the
    /// chunks before it, and views that started over hold rows in the
    /// store once the first chunk is written. Waits for those chunks
    /// (and the job that empties the views, which comes first).
    static func prepare(_ views: [any PersistedFold], chunk: Int, writes: ChunkWrites?) throws {
        try writes?.wait(untilDone: chunk)
        if chunk >= 2 { for view in views { view.isEmpty = false } }
    }

    /// Takes the rows `views` changed in the chunk, and trims their caches.
    static func end(_ views: [any PersistedFold]) throws -> [any TakenRows] {
        let taken = try views.map { try $0.takeChanges() }
        for view in views { view.trim() }
        return taken
    }

    private func run(retracted: Set<EventID>, pool: DatabasePool, writes: ChunkWrites?) {
        var chunk = 0
        var failed: (any Error)?
        // A read begins only once the chunk's first item is there: no snapshot is held idle.
        while failed == nil, waitForItem() {
            do {
                try Self.prepare(views, chunk: chunk, writes: writes)
                // The chunk's batches, through a connection that began reading now; nil once closed.
                let end = try pool.read { reader -> (taken: [any TakenRows], later: TakenLater)? in
                    for view in views { view.use(reader) }
                    while let item = next() {
                        switch item {
                        case let .batch(batch):
                            try ChunkFold.fold(batch, into: views, retracted: retracted)
                        case let .end(later):
                            return (try Self.end(views), later)
                        }
                    }
                    return nil
                }
                guard let end else { break }
                end.later.fulfill(.success(end.taken))
                chunk += 1
            } catch {
                failed = error
            }
        }
        // After a failure, every chunk still to end gets it, so that no write waits for it forever.
        if let failed {
            while let item = next() {
                if case let .end(later) = item { later.fulfill(.failure(failed)) }
            }
        }
        condition.lock()
        failure = failed
        done = true
        condition.broadcast()
        condition.unlock()
    }

    func submit(_ item: Item) {
        condition.lock()
        items.append(item)
        condition.broadcast()
        condition.unlock()
    }

    /// The next item; nil once closed and none is left.
    private func next() -> Item? {
        guard waitForItem() else { return nil }
        condition.lock()
        defer { condition.unlock() }
        // Empty again only if cancelled meanwhile.
        return items.isEmpty ? nil : items.removeFirst()
    }

    /// Waits for an item, and returns whether there is one (false once closed and none is left).
    private func waitForItem() -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty && !closed { condition.wait() }
        return !items.isEmpty
    }

    /// No more items: waits until the thread is done, after folding
    /// those submitted or, `cancelling`, dropping them (a chunk to end
    /// then fails); rethrows what it met.
    func close(cancelling: Bool) throws {
        condition.lock()
        if cancelling {
            for case let .end(later) in items { later.fulfill(.failure(CancellationError())) }
            items.removeAll()
        }
        closed = true
        condition.broadcast()
        while !done { condition.wait() }
        let failure = self.failure
        condition.unlock()
        if let failure { throw failure }
    }
}

/// The rows a share takes at the end of a chunk, handed to the chunk's write before they are taken.
final class TakenLater: @unchecked Sendable {
    // Guarded by `condition`.
    private let condition = NSCondition()
    private var result: Result<[any TakenRows], any Error>?

    func fulfill(_ result: Result<[any TakenRows], any Error>) {
        condition.lock()
        self.result = result
        condition.broadcast()
        condition.unlock()
    }

    /// Waits for the rows (once: they are handed over), or rethrows why the share took none.
    func take() throws -> [any TakenRows] {
        condition.lock()
        while result == nil { condition.wait() }
        let result = self.result!
        self.result = .success([])
        condition.unlock()
        return try result.get()
    }
}

/// The chunks an overlapped catch-up has folded and handed to the writer's
/// queue, each written there with its checkpoints in a transaction of its
/// own, one after another in the order handed over.
///
/// A chunk's rows follow from the rows of the chunks before it, as this
/// catch-up folded them: a chunk is written only where each view's
/// checkpoint still stands where the chunk before left it. Else (another
/// process caught a view up, or started it over, in between) that chunk and
/// the ones after it are dropped, and the wait for them throws
/// ``CheckpointMoved``. After a failed chunk no other is written.
final class ChunkWrites: @unchecked Sendable {
    /// A view's checkpoint (code version, position) before and after a chunk.
    struct Checkpoint: Sendable {
        let view: String
        let from: (version: Int, position: Int64)
        let to: (version: Int, position: Int64)
    }

    struct CheckpointMoved: Error {}

    private let pool: DatabasePool
    // Guarded by `condition`.
    private let condition = NSCondition()
    private var submitted = 0
    private var done = 0
    private var failure: (any Error)?

    init(_ pool: DatabasePool) {
        self.pool = pool
    }

    /// Hands over a chunk's rows, and those `later` will give, to be written
    /// with its checkpoints (after emptying the tables in `emptying`, for
    /// views that start over).
    func submit(_ taken: consuming [any TakenRows], later: TakenLater? = nil, checkpoints: [Checkpoint], emptying emptied: [String] = []) {
        condition.lock()
        submitted += 1
        condition.unlock()
        // Moved out on the writer's queue: the rows are freed there by ChunkWrite, not with the closure.
        let handover = Handover(taken)
        pool.asyncWriteWithoutTransaction { db in
            var taken = handover.take()
            var failed: (any Error)?
            // Waited for even after a failure: the share hands them over either way.
            do { taken += try later?.take() ?? [] } catch { failed = error }
            if failed == nil && !self.failed {
                do {
                    try db.inTransaction(.immediate) {
                        for checkpoint in checkpoints {
                            guard try EventLog.checkpoint(db, checkpoint.view) == checkpoint.from else { throw CheckpointMoved() }
                        }
                        // Without WHERE: SQLite frees the table's pages without visiting its rows.
                        for table in emptied { try db.execute(sql: "DELETE FROM \(table)") }
                        try ChunkWrite.write(taken, to: db, encodingAlongside: false)
                        for checkpoint in checkpoints where checkpoint.to != checkpoint.from {
                            try EventLog.saveCheckpoint(db, checkpoint.view, checkpoint.to.version, checkpoint.to.position)
                        }
                        return .commit
                    }
                } catch {
                    failed = error
                }
            }
            self.condition.lock()
            self.done += 1
            if self.failure == nil { self.failure = failed }
            self.condition.broadcast()
            self.condition.unlock()
        }
    }

    private var failed: Bool {
        condition.lock()
        defer { condition.unlock() }
        return failure != nil
    }

    /// Returns once the first `count` jobs handed over are done; throws
    /// what one met, if one failed.
    func wait(untilDone count: Int) throws {
        condition.lock()
        while done < count && failure == nil { condition.wait() }
        let failure = self.failure
        condition.unlock()
        if let failure { throw failure }
    }

    /// Returns once every job handed over is done, whether written or dropped.
    func drain() {
        condition.lock()
        while done < submitted { condition.wait() }
        condition.unlock()
    }

    /// Carries a value into a closure that runs once, which moves it out.
    private final class Handover<Value>: @unchecked Sendable {
        private var value: Value?

        init(_ value: consuming Value) {
            self.value = value
        }

        func take() -> Value { value.take()! }
    }
}
