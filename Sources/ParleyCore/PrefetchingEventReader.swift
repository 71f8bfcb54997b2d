import Foundation

/// Reads and validates events on a second thread while the caller appends
/// the ones already read, so parsing overlaps with SQLite's work.
///
/// Events arrive in input order, in chunks through a small bounded queue
/// (memory stays flat at any input size). An error the reader meets is
/// delivered in its place, after every event before it.
public final class PrefetchingEventReader: @unchecked Sendable {
    private static let chunkSize = 512
    private static let maximumQueuedChunks = 8

    // Guarded by `condition`.
    private let condition = NSCondition()
    private var queue: [[ProposedEvent]] = []
    private var finished = false
    private var failure: (any Error)?
    private var cancelled = false

    // Owned by the consumer.
    private var current: [ProposedEvent] = []
    private var currentIndex = 0

    /// Starts reading `reader` on a new thread.
    public init(_ reader: EventInputReader) {
        let box = ReaderBox(reader)
        let thread = Thread { [self] in produce(box) }
        thread.name = "parley-reader"
        thread.start()
    }

    deinit {
        cancel()
    }

    /// The next event in input order, nil at the end.
    ///
    /// - Throws: the error the reader met, where it met it.
    public func next() throws -> ProposedEvent? {
        if currentIndex < current.count {
            defer { currentIndex += 1 }
            return current[currentIndex]
        }
        condition.lock()
        while queue.isEmpty && !finished {
            condition.wait()
        }
        if queue.isEmpty {
            let failure = self.failure
            condition.unlock()
            if let failure { throw failure }
            return nil
        }
        current = queue.removeFirst()
        currentIndex = 0
        condition.signal()
        condition.unlock()
        return try next()
    }

    /// Stops the reading thread (it ends at its next chunk).
    public func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }

    private func produce(_ box: ReaderBox) {
        var chunk: [ProposedEvent] = []
        chunk.reserveCapacity(Self.chunkSize)
        var failure: (any Error)?
        while true {
            do {
                guard let event = try box.reader.next() else { break }
                chunk.append(event)
            } catch {
                failure = error
                break
            }
            if chunk.count == Self.chunkSize {
                guard hand(chunk) else { return }
                chunk.removeAll(keepingCapacity: true)
            }
        }
        if !chunk.isEmpty { guard hand(chunk) else { return } }
        condition.lock()
        finished = true
        self.failure = failure
        condition.broadcast()
        condition.unlock()
    }

    /// Queues a chunk, waiting while the queue is full; false once cancelled.
    private func hand(_ chunk: [ProposedEvent]) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while queue.count >= Self.maximumQueuedChunks && !cancelled {
            condition.wait()
        }
        guard !cancelled else { return false }
        queue.append(chunk)
        condition.broadcast()
        return true
    }
}

/// Carries the reader to the thread that alone uses it from then on.
private final class ReaderBox: @unchecked Sendable {
    var reader: EventInputReader
    init(_ reader: EventInputReader) { self.reader = reader }
}
