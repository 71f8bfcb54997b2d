import Foundation
import GRDB
import ParleyCore

/// A share of the views folded on a thread of its own for one chunk,
/// through a reader connection: the batches come in a queue, and an
/// end-of-chunk item has it take the rows its views changed.
///
/// The views are handed over with the share: from its start until
/// ``close(cancelling:)`` returns, only the share's thread touches them.
final class FoldShare: Sendable {
    enum Item {
        case batch(ChunkFold.Batch)
        /// The end of the chunk: the rows its views changed go to `taken`.
        case end(TakenLater)
    }

    /// What the share's thread and the caller's share.
    private struct Shared {
        var items: [Item] = []
        var closed = false
        var done = false
        var failure: (any Error)?
    }

    private let shared = Guarded(Shared())

    init(views: [any PersistedFold], retracted: Set<EventID>, pool: DatabasePool) {
        let handover = Handover(views)
        let thread = Thread { [shared] in
            Self.run(handover.take(), retracted: retracted, pool: pool, shared: shared)
        }
        thread.name = "parley-fold-share"
        thread.start()
    }

    /// Takes the rows `views` changed in the chunk (reading rows the fold
    /// held back through `db`), and trims their caches.
    static func end(_ views: [any PersistedFold], through db: Database) throws -> [any TakenRows] {
        let taken = try views.map { try $0.takeChanges(through: db) }
        for view in views { view.trim() }
        return taken
    }

    private static func run(_ views: [any PersistedFold], retracted: Set<EventID>, pool: DatabasePool, shared: Guarded<Shared>) {
        var failed: (any Error)?
        // A read begins only once the first item is there: no snapshot is held idle.
        if waitForItem(shared) {
            do {
                // The batches, through a connection that began reading now; nil once closed.
                let ended = try pool.read { reader -> (taken: [any TakenRows], later: TakenLater)? in
                    while let item = next(shared) {
                        switch item {
                        case let .batch(batch):
                            try ChunkFold.fold(batch, into: views, retracted: retracted, through: reader)
                        case let .end(later):
                            return (try Self.end(views, through: reader), later)
                        }
                    }
                    return nil
                }
                if let ended { ended.later.fulfill(.success(ended.taken)) }
            } catch {
                failed = error
            }
        }
        // After a failure, a chunk still to end gets it, so that no write waits for it forever.
        if let failed {
            while let item = next(shared) {
                if case let .end(later) = item { later.fulfill(.failure(failed)) }
            }
        }
        shared.update { shared in
            shared.failure = failed
            shared.done = true
        }
    }

    func submit(_ item: Item) {
        shared.update { $0.items.append(item) }
    }

    /// The next item; nil once closed and none is left.
    private static func next(_ shared: Guarded<Shared>) -> Item? {
        shared.wait(until: { !$0.items.isEmpty || $0.closed }) { shared in
            shared.items.isEmpty ? nil : shared.items.removeFirst()
        }
    }

    /// Waits for an item, and returns whether there is one (false once closed and none is left).
    private static func waitForItem(_ shared: Guarded<Shared>) -> Bool {
        shared.wait(until: { !$0.items.isEmpty || $0.closed }) { !$0.items.isEmpty }
    }

    /// No more items: waits until the thread is done, after folding
    /// those submitted or, `cancelling`, dropping them (a chunk to end
    /// then fails); rethrows what it met. The views are the caller's again.
    func close(cancelling: Bool) throws {
        shared.update { shared in
            if cancelling {
                for case let .end(later) in shared.items { later.fulfill(.failure(CancellationError())) }
                shared.items.removeAll()
            }
            shared.closed = true
        }
        if let failure = shared.wait(until: \.done, then: { $0.failure }) { throw failure }
    }
}

/// The rows a share takes at the end of a chunk, handed to the chunk's write before they are taken.
final class TakenLater: Sendable {
    private let result = Guarded<Result<[any TakenRows], any Error>?>(nil)

    func fulfill(_ result: Result<[any TakenRows], any Error>) {
        self.result.update { $0 = result }
    }

    /// Waits for the rows (once: they are handed over), or rethrows why the share took none.
    func take() throws -> [any TakenRows] {
        try result.wait(until: { $0 != nil }) { result in
            defer { result = .success([]) }
            return result!
        }.get()
    }
}
