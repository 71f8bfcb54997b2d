import Foundation

/// Produces values on a second thread while the caller consumes the ones
/// already made, so that reading and parsing overlap with the caller's work
/// (SQLite's appends, a projection's fold).
///
/// Values arrive in the order they were made, in chunks through a small
/// bounded queue (memory stays flat however many there are). An error the
/// producer meets is delivered in its place, after every value before it.
public final class Prefetcher<Element> {
    /// How many chunks may wait for the consumer.
    private let maximumQueuedChunks: Int

    /// What the two threads share.
    private struct Shared {
        var queue: [[Element]] = []
        var finished = false
        var failure: (any Error)?
        var cancelled = false
    }

    private let shared = Guarded(Shared())

    // Owned by the consumer.
    private var current: [Element] = []
    private var currentIndex = 0

    /// Starts `produce` on a new thread. It hands each value to the function
    /// it is given, which returns false once the consumer has gone (stop then).
    /// `produce` runs on that thread alone: what it captures is its own from then on.
    ///
    /// - Parameters:
    ///   - ahead: how many values it may make before the consumer takes them (4,096 by default).
    ///   - chunk: how many values a chunk holds (512 by default): a consumer
    ///     that takes whole chunks (``nextChunk()``) may want them larger.
    @inlinable
    public convenience init(name: String, ahead: Int = 4096, chunk: Int = 512, _ produce: @escaping (_ yield: (consuming Element) -> Bool) throws -> Void) {
        let size = max(1, chunk)
        // Inlined where it is used, so that the values are gathered into chunks by code
        // made for their type. Generic code would copy each through its type's value
        // witnesses: a retain per string of an event, and a release of the producer's copy.
        self.init(name: name, queuedChunks: max(1, ahead / size)) { hand in
            var chunk: [Element] = []
            chunk.reserveCapacity(size)
            var stopped = false
            do {
                try produce { value in
                    guard !stopped else { return false }
                    chunk.append(consume value)
                    if chunk.count == size {
                        stopped = !hand(chunk)
                        chunk.removeAll(keepingCapacity: true)
                    }
                    return !stopped
                }
            } catch {
                // The values made before the error come first.
                if !stopped && !chunk.isEmpty { _ = hand(chunk) }
                throw error
            }
            if !stopped && !chunk.isEmpty { _ = hand(chunk) }
        }
    }

    /// Starts `produce` on a new thread: it hands over whole chunks, and
    /// stops when handing one returns false (the consumer has gone).
    @usableFromInline
    init(name: String, queuedChunks: Int, producingChunks produce: @escaping (_ hand: ([Element]) -> Bool) throws -> Void) {
        maximumQueuedChunks = queuedChunks
        let producer = Handover(produce)
        // The thread shares only the guarded state with the consumer.
        let thread = Thread { [shared] in Self.run(producer.take(), shared: shared, maximumQueuedChunks: queuedChunks) }
        thread.name = name
        thread.start()
    }

    deinit {
        cancel()
    }

    /// The next value, nil at the end.
    ///
    /// - Throws: the error the producer met, where it met it.
    public func next() throws -> Element? {
        if currentIndex < current.count {
            defer { currentIndex += 1 }
            return current[currentIndex]
        }
        guard let chunk = try nextChunk() else { return nil }
        current = chunk
        currentIndex = 1
        return chunk[0]
    }

    /// The next values in order, as many as are ready (never none); nil at
    /// the end. A caller that takes many values this way makes one call per
    /// chunk, not one per value: from another module, where this generic
    /// class is not specialized, that spares a generic copy of each value.
    ///
    /// - Throws: the error the producer met, after every value before it.
    public func nextChunk() throws -> [Element]? {
        if currentIndex < current.count {
            defer {
                current = []
                currentIndex = 0
            }
            return currentIndex == 0 ? current : Array(current[currentIndex...])
        }
        let (chunk, failure) = shared.wait(until: { !$0.queue.isEmpty || $0.finished }) { shared in
            shared.queue.isEmpty ? (nil, shared.failure) : (shared.queue.removeFirst(), nil)
        }
        if let failure { throw failure }
        return chunk
    }

    /// Stops the producing thread (it ends at its next chunk).
    public func cancel() {
        shared.update { $0.cancelled = true }
    }

    private static func run(_ produce: (_ hand: ([Element]) -> Bool) throws -> Void, shared: Guarded<Shared>, maximumQueuedChunks: Int) {
        var failure: (any Error)?
        var stopped = false
        do {
            try produce { chunk in
                stopped = !hand(chunk, shared: shared, maximumQueuedChunks: maximumQueuedChunks)
                return !stopped
            }
        } catch {
            failure = error
        }
        if stopped { return }
        shared.update { shared in
            shared.finished = true
            shared.failure = failure
        }
    }

    /// Queues a chunk, waiting while the queue is full; false once cancelled.
    private static func hand(_ chunk: [Element], shared: Guarded<Shared>, maximumQueuedChunks: Int) -> Bool {
        shared.wait(until: { $0.queue.count < maximumQueuedChunks || $0.cancelled }) { shared in
            guard !shared.cancelled else { return false }
            shared.queue.append(chunk)
            return true
        }
    }
}

/// Reads and validates events on a second thread while the caller appends
/// the ones already read, so parsing overlaps with SQLite's work.
public final class PrefetchingEventReader {
    private let prefetcher: Prefetcher<ProposedEvent>

    /// Starts reading `reader` on a new thread.
    public init(_ reader: EventInputReader) {
        var reader = reader
        prefetcher = Prefetcher(name: "parley-reader") { yield in
            while let event = try reader.next() {
                guard yield(event) else { return }
            }
        }
    }

    /// The next event in input order, nil at the end.
    ///
    /// - Throws: the error the reader met, where it met it.
    public func next() throws -> ProposedEvent? { try prefetcher.next() }

    /// Stops the reading thread.
    public func cancel() { prefetcher.cancel() }
}
