import Foundation
import GRDB
import ParleyCore

/// Folds a catch-up chunk's events into the views, batch by batch: all on
/// the caller's thread, or split in two shares of about the same work, the
/// second folded on a thread of its own (through a reader connection) as the
/// batches arrive (``FoldShare``). ``ChunkWrite`` then writes what they changed.
///
/// Used on the thread that holds the chunk's write transaction, and only there.
final class ChunkFold {
    /// An event and its payload (``FoldEvent``). The event is read without
    /// its payload text, `meta` and `hash` (``RawStatement/foldEvent()``),
    /// so what a view copies of it is small: its inline strings and a
    /// reference to the payload.
    typealias Event = FoldEvent
    typealias Batch = FoldBatch

    static let batchSize = 4096
    /// A chunk whose first batch holds fewer events is folded on one thread: a second is not worth starting.
    static let parallelAbove = 256

    private let views: [any PersistedFold]
    private let retracted: Set<EventID>
    private let pool: DatabasePool?
    /// The views this thread folds; nil until the first batch shares them out.
    private var mine: [any PersistedFold]?
    private var second: FoldShare?

    init(views: [any PersistedFold], retracted: Set<EventID>, pool: DatabasePool?) {
        self.views = views
        self.retracted = retracted
        self.pool = pool
    }

    /// Folds `events` (the next ones, in position order) into every view
    /// that takes them, this thread's share reading missing rows through
    /// `db`, the chunk's transaction.
    func fold(_ events: consuming [Event], through db: Database) throws {
        let batch = Batch(events)
        if mine == nil { share(by: batch) }
        second?.submit(.batch(batch))
        try Self.fold(batch, into: mine!, retracted: retracted, through: db)
        // The events are freed on another thread (or by the second share, when it is done with them).
        Reclaimer.free(consume batch)
    }

    /// Takes what the chunk changed in every view, to be written
    /// (``ChunkWrite``): this thread's share first (reading rows the fold
    /// held back through `db`), then the second share's once it is done.
    func take(through db: Database) throws -> [any TakenRows] {
        try FoldShare.end(mine ?? views, through: db) + takeSecond()
    }

    /// Waits for the second share, if any, which takes its changed rows on
    /// its thread; returns them, or rethrows what it met.
    private func takeSecond() throws -> [any TakenRows] {
        guard let second else { return [] }
        self.second = nil
        let taken = TakenLater()
        second.submit(.end(taken))
        try second.close(cancelling: false)
        return try taken.take()
    }

    /// Stops the second share, if still folding (the chunk failed).
    func stop() {
        _ = try? second?.close(cancelling: true)
        second = nil
    }

    /// Shares the views out by the work `batch` makes for each: the busiest
    /// view on this thread, alone with luck.
    private func share(by batch: Batch) {
        guard let pool, let (first, second) = Self.split(views, by: batch, retracted: retracted) else {
            mine = views
            return
        }
        mine = first
        self.second = FoldShare(views: second, retracted: retracted, pool: pool)
    }

    /// The views in two shares of about the same work, by the work `batch`
    /// makes for each: the busiest view in the first, alone with luck. Nil
    /// when one thread is the better choice (too little work to share).
    static func split(_ views: [any PersistedFold], by batch: Batch, retracted: Set<EventID>)
        -> (first: [any PersistedFold], second: [any PersistedFold])? {
        guard views.count > 1, batch.events.count > Self.parallelAbove else { return nil }
        // The work: the events each view takes, times what one cost it so far (folds
        // differ several times over; before any is measured, every event counts as one).
        var shares: [(views: [any PersistedFold], work: Double)] = [([], 0), ([], 0)]
        let weights = views.map { view in
            let events = batch.events.reduce(0) { $0 + (view.position < $1.event.position && view.takes($1.event, retracted: retracted) ? 1 : 0) }
            return (view, Double(events) * view.secondsPerEvent)
        }
        for (view, weight) in weights.sorted(by: { $0.1 > $1.1 }) {
            let lighter = shares[0].work <= shares[1].work ? 0 : 1
            shares[lighter].views.append(view)
            shares[lighter].work += weight
        }
        guard !shares[0].views.isEmpty, !shares[1].views.isEmpty, shares[1].work > 0 else { return nil }
        return (shares[0].views, shares[1].views)
    }

    /// Folds `batch` into each view in turn (views are independent), timing
    /// each; missing rows are read through `db`.
    static func fold(_ batch: Batch, into views: [any PersistedFold], retracted: Set<EventID>, through db: Database) throws {
        for view in views {
            let start = ContinuousClock.now
            let folded = try view.fold(batch, retracted: retracted, through: db)
            if folded > 0 { view.measured(ContinuousClock.now - start, events: folded) }
        }
    }
}
