import Foundation
import GRDB
import ParleyCore

/// A persisted view as one of several folding in a catch-up pass: the
/// projection's fold, hidden behind a protocol so that one loop can drive
/// views of different row types.
///
/// A view is used by one thread at a time: the thread of the chunk's
/// transaction, or the ``FoldShare`` it is handed to for a chunk. A
/// connection is passed to each call that may read rows, and never kept.
protocol PersistedFold: AnyObject {
    var name: String { get }
    /// The table of its rows (see ``Projection/table``).
    var table: String { get }
    var version: Int { get }
    var typePrefixes: [String] { get }
    /// The position folded up to, as the checkpoint said when the chunk
    /// began (-1 before it is read): the fold skips events at or before it.
    /// The catch-up moves it on after each chunk.
    var position: Int64 { get set }
    /// The retractions the cached rows already leave out.
    var retracted: Set<EventID> { get }
    /// Whether the view holds no rows but those cached (it starts over,
    /// and its first chunk is not written yet): rows not cached are absent, unread.
    var isEmpty: Bool { get set }
    /// Whether the view is to start over from the first event (a rebuild),
    /// until its first chunk is written.
    var startsOver: Bool { get set }
    func takes(_ event: RecordedEvent, retracted: Set<EventID>) -> Bool
    /// Makes the rows ready to fold, leaving out `retracted`.
    func begin(retracted: Set<EventID>)
    /// Folds the events of `batch` it takes and has not folded yet, reading
    /// missing rows through `db`; returns how many.
    func fold(_ batch: ChunkFold.Batch, retracted: Set<EventID>, through db: Database) throws -> Int
    /// What folding one event has cost, as measured so far (1 before any is).
    var secondsPerEvent: Double { get }
    /// Counts `events` folded in `duration` into ``secondsPerEvent``.
    func measured(_ duration: Duration, events: Int)
    /// Adds in what the fold held back (reading rows through `db`) and
    /// takes the rows changed since the last take, to be written. From then
    /// on the cache takes the store to hold them.
    func takeChanges(through db: Database) throws -> any TakenRows
    /// After a take: forgets which rows changed, and trims the cache (past
    /// its bound, it keeps only the rows just taken).
    func trim()
    /// Drops the cached rows (they may be stale).
    func forget()
}

extension Projection {
    static func persistedView(cached: Int) -> any PersistedFold { PersistedView<Self>(cached: cached) }

    /// The table that holds the persisted view's rows, `view_<name>`, one
    /// per view (`Schema/005_view_tables.sql`): a key and the row as
    /// ``RowCoder`` writes it. Quoted for SQL, whatever the name holds.
    static var table: String { "\"view_" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
}

/// A view's rows in SQLite: a ``ProjectionRows`` cache that reads missing
/// rows from its table and writes the changed ones back at the end of each
/// chunk, in the chunk's transaction.
final class PersistedView<P: Projection>: PersistedFold {
    var name: String { P.name }
    var table: String { P.table }
    var version: Int { P.version }
    var typePrefixes: [String] { P.typePrefixes }
    var position: Int64 = -1
    private(set) var retracted: Set<EventID> = []
    private var rows: ProjectionRows<P.Row>?
    var isEmpty = false
    var startsOver = false
    private var foldTime = Duration.zero
    private var folded = 0
    /// The connection of the call in progress (``fold(_:retracted:through:)``,
    /// ``takeChanges(through:)``), through which missing rows are read; nil between calls.
    private var db: Database?
    /// Past this many rows cached, a chunk's end trims the cache (see ``trim()``).
    private let maximumCached: Int
    /// Its statements, made once (a cache miss costs no string work).
    private let selectSQL = "SELECT value FROM \(P.table) WHERE key = ?"
    private let upsertSQL = "INSERT INTO \(P.table) (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value"
    private let deleteSQL = "DELETE FROM \(P.table) WHERE key = ?"

    init(cached: Int) {
        maximumCached = cached
    }

    func takes(_ event: RecordedEvent, retracted: Set<EventID>) -> Bool {
        P.takes(event, retracted: retracted)
    }

    func begin(retracted: Set<EventID>) {
        if rows == nil {
            self.retracted = retracted
            rows = ProjectionRows { [unowned self] key in try self.load(key) }
        }
    }

    func fold(_ batch: ChunkFold.Batch, retracted: Set<EventID>, through db: Database) throws -> Int {
        try reading(through: db) { try P.fold(batch, after: position, retracted: retracted, into: rows!) }
    }

    var secondsPerEvent: Double {
        folded == 0 ? 1 : (Double(foldTime.components.seconds) + Double(foldTime.components.attoseconds) / 1e18) / Double(folded)
    }

    func measured(_ duration: Duration, events: Int) {
        foldTime += duration
        folded += events
    }

    func forget() {
        rows = nil
        retracted = []
    }

    /// Runs `body` with missing rows read through `db`, which is let go after.
    private func reading<T>(through db: Database, _ body: () throws -> T) rethrows -> T {
        self.db = db
        defer { self.db = nil }
        return try body()
    }

    private func load(_ key: String) throws -> P.Row? {
        if isEmpty { return nil }
        guard let db else { preconditionFailure("\(P.name): a row was read outside a fold") }
        let statement = try RawStatement(db, cached: selectSQL)
        defer { statement.reset() }
        statement.bind(1, key)
        guard try statement.step() else { return nil }
        return try RowCoder.decode(P.Row.self, from: statement.bytes(0))
    }

    func takeChanges(through db: Database) throws -> any TakenRows {
        guard let rows else { return ViewRowsTaken<P>([], upsert: upsertSQL, delete: deleteSQL) }
        try reading(through: db) { try P.settle(rows) }
        return ViewRowsTaken<P>(rows.takeChanges(), upsert: upsertSQL, delete: deleteSQL)
    }

    func trim() {
        rows?.markClean(keepingAtMost: maximumCached)
    }
}

/// A view's changed rows, taken at the end of a chunk to be written in its
/// transaction: encoded block by block on one thread, written on another
/// (``ChunkWrite``).
protocol TakenRows: AnyObject, Sendable {
    var count: Int { get }
    /// The rows in `range`, encoded (nil: remove the row).
    func encode(_ range: Range<Int>) throws -> [[UInt8]?]
    /// Writes the rows in `range`, encoded as `values`, in `db`'s transaction.
    func write(_ range: Range<Int>, values: [[UInt8]?], to db: Database) throws
}

/// The changed rows of a ``PersistedView`` (nil: remove the row). Immutable.
private final class ViewRowsTaken<P: Projection>: TakenRows {
    private let rows: [(key: String, row: P.Row?)]
    private let upsertSQL: String
    private let deleteSQL: String

    init(_ rows: [(key: String, row: P.Row?)], upsert: String, delete: String) {
        self.rows = rows
        upsertSQL = upsert
        deleteSQL = delete
    }

    var count: Int { rows.count }

    func encode(_ range: Range<Int>) throws -> [[UInt8]?] {
        try rows[range].map { try $0.row.map { try RowCoder.encode($0) } }
    }

    func write(_ range: Range<Int>, values: [[UInt8]?], to db: Database) throws {
        let upsert = try RawStatement(db, cached: upsertSQL)
        let delete = try RawStatement(db, cached: deleteSQL)
        for (index, value) in zip(range, values) {
            let statement = value == nil ? delete : upsert
            statement.bind(1, rows[index].key)
            if let value { statement.bind(2, blob: value) }
            _ = try statement.step()
            statement.reset()
        }
    }
}
