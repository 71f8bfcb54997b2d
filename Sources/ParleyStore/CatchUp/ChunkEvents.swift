import GRDB
import ParleyCore

/// The events a catch-up folds, parsed, in position order, of the types
/// it reads and up to the head of the log when it started reading them.
///
/// When the log is a WAL pool they are read on a thread of their own
/// through a reader connection (the events up to the head were committed
/// before the chunk took the write lock, so a reader sees them all), well
/// ahead of the folds: reading and parsing overlap with the folds, and with
/// the writing of the chunk's rows, as the stream runs on into the next
/// chunk. Otherwise they are read in line through the writer, a chunk's
/// worth at a time.
final class ChunkEvents {
    /// How many parsed events may wait for the folds (some tens of MB at most).
    static let readAhead = 32_768

    /// The types read (prefixes; empty: all).
    let prefixes: [String]
    private let types: TypePrefixes
    /// The head of the log when the stream started.
    let head: Int64
    /// The position of the last event handed out (or where the stream started).
    private(set) var last: Int64
    /// Whether the stream may be read on in the next chunk's transaction.
    var spansChunks: Bool { prefetcher != nil }
    private let limit: Int
    private var read = 0
    private let statement: RawStatement?
    /// Whether ``statement`` has given its last row.
    private var stepped = false
    private let prefetcher: Prefetcher<ChunkFold.Event>?
    /// Events the prefetcher has handed over and not yet handed out.
    private var ready: [ChunkFold.Event] = []

    /// Where the events are read: through the caller's connection, or through a pool's readers.
    enum Source {
        case inline(Database)
        case pool(DatabasePool)
    }

    /// The events of `prefixes` after `start`, up to `head`. Read inline,
    /// at most `limit`, through the connection. From a pool, all of them, read ahead
    /// on a thread of its own in reads of at most `limit` events, one after
    /// another (a reader holds back the WAL's checkpoints: a long catch-up
    /// reads in several reads, not one, and the next begins at once, so the
    /// thread reads on while a chunk is written).
    init(_ source: Source, after start: Int64, head: Int64, prefixes: [String], limit: Int) throws {
        self.prefixes = prefixes
        self.head = head
        last = start
        self.limit = limit
        let types = TypePrefixes(prefixes)
        self.types = types
        let (clause, named) = EventLog.typeTest(prefixes)
        let sql = "SELECT \(EventLog.foldColumns) FROM events WHERE position > ? AND position <= ?\(clause) ORDER BY position LIMIT ?"
        func bind(_ statement: RawStatement, after: Int64) {
            statement.bind(1, after)
            statement.bind(2, head)
            for (index, type) in named.enumerated() { statement.bind(Int32(index + 3), type) }
            statement.bind(Int32(named.count + 3), Int64(limit))
        }
        let pool: DatabasePool
        switch source {
        case let .inline(db):
            let statement = try RawStatement(db, cached: sql)
            bind(statement, after: start)
            self.statement = statement
            prefetcher = nil
            return
        case let .pool(readers):
            pool = readers
        }
        statement = nil
        // In chunks of a fold's batch: each is handed on whole (see next(atMost:)).
        prefetcher = Prefetcher(name: "parley-catch-up", ahead: Self.readAhead, chunk: ChunkFold.batchSize) { yield in
            var after = start
            while true {
                // One read of at most `limit` events; false when the folds have gone.
                var count = 0
                let goOn = try pool.read { reader -> Bool in
                    let statement = try RawStatement(reader, cached: sql)
                    defer { statement.reset() }
                    bind(statement, after: after)
                    while try statement.step() {
                        // Rows of other types count towards the read, and the next read starts after them.
                        after = statement.int64(0)
                        count += 1
                        guard types.accept(statement) else { continue }
                        guard yield(Self.parsed(try statement.foldEvent())) else { return false }
                    }
                    return true
                }
                // Fewer than asked for: none is left up to the head.
                if !goOn || count < limit { return }
            }
        }
    }

    /// The next events and their payloads, at most `count` (never none);
    /// nil after the last. From the reading thread they come as it handed
    /// them over, a batch at a time: moved, not copied event by event.
    func next(atMost count: Int) throws -> [ChunkFold.Event]? {
        var events: [ChunkFold.Event] = []
        if let prefetcher {
            if ready.isEmpty { ready = try prefetcher.nextChunk() ?? [] }
            if ready.count <= count {
                swap(&events, &ready)
            } else {
                // Only where a chunk ends inside a batch: the rest waits for the next call.
                events = Array(ready[..<count])
                ready.removeFirst(count)
            }
            guard let position = events.last?.event.position else { return nil }
            last = position
            return events
        }
        guard let statement, !stepped else { return nil }
        events.reserveCapacity(count)
        while events.count < count {
            // Once done, never stepped again: SQLite would run the query anew.
            guard try statement.step() else {
                stepped = true
                break
            }
            // Rows of other types are read past: the views have folded up to them too.
            read += 1
            last = statement.int64(0)
            guard types.accept(statement) else { continue }
            events.append(Self.parsed(try statement.foldEvent()))
        }
        return events.isEmpty ? nil : events
    }

    /// Hands the next events, at most `limit` (fewer once `deadline`
    /// passes), to `fold` a batch at a time. Returns how many, whether they
    /// were the last, and the position the views have folded up to: the
    /// head the events were read to, when nothing the folds read is left
    /// before it.
    func fold(atMost limit: Int, until deadline: ContinuousClock.Instant? = nil,
              _ fold: (consuming [ChunkFold.Event]) throws -> Void) throws -> (count: Int, ended: Bool, last: Int64) {
        var count = 0
        var ended = false
        while count < limit {
            guard let batch = try next(atMost: min(ChunkFold.batchSize, limit - count)) else {
                ended = true
                break
            }
            count += batch.count
            try fold(consume batch)
            if let deadline, ContinuousClock.now > deadline { break }
        }
        return (count, ended, ended && reachedEnd ? head : last)
    }

    /// After ``next(atMost:)`` gave nil: whether that was because no event the folds
    /// read is left up to ``head`` (not because the stream read its limit of
    /// rows, as only one read through the caller's connection does).
    var reachedEnd: Bool { prefetcher != nil || read < limit }

    /// Stops reading (the catch-up may end before its events do).
    func close() {
        statement?.reset()
        prefetcher?.cancel()
    }

    private static func parsed(_ read: (event: RecordedEvent, data: Payload)) -> ChunkFold.Event {
        ChunkFold.Event(read.event, data: read.event.type == EventRetracted.type ? Payload(.null) : read.data)
    }
}

/// The event types a catch-up reads, tested on the type column's bytes
/// before anything else of a row is read, where the query does not test
/// them (see ``EventLog/typeTest(_:)``). SQLite testing the prefixes in the
/// query costs up to two comparisons per prefix and row, about 0.1 s of CPU
/// in a rebuild of a million events, where most rows are of a type some view
/// reads anyway; this costs a few byte comparisons. (The folds test each
/// event's type again: this only spares reading what none of them takes.)
struct TypePrefixes: Sendable {
    private let prefixes: [[UInt8]]

    init(_ prefixes: [String]) {
        self.prefixes = prefixes.map { Array($0.utf8) }
    }

    /// Whether the type of `statement`'s current row (column 4, as in
    /// ``EventLog/foldColumns``) starts with one of the prefixes; any type
    /// does when there are none.
    func accept(_ statement: RawStatement) -> Bool {
        prefixes.isEmpty || statement.withBytes(4) { type in prefixes.contains { type.starts(with: $0) } }
    }
}
