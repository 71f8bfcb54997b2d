import GRDB
import GRDBSQLite
import ParleyCore

/// A GRDB prepared statement driven through SQLite's C API, for the
/// log's hot paths (appending and reading every event). GRDB still owns
/// the connection, the transactions and the statement cache; this only
/// skips the per-row `StatementArguments`/`Row` machinery, which cost more
/// than SQLite itself at a million events.
struct RawStatement {
    let statement: Statement
    let db: Database
    private var handle: OpaquePointer { statement.sqliteStatement }

    init(_ db: Database, cached sql: String) throws {
        self.db = db
        statement = try db.cachedStatement(sql: sql)
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    func bind(_ index: Int32, _ value: Int64) { sqlite3_bind_int64(handle, index, value) }

    func bind(_ index: Int32, _ value: String?) {
        guard var text = value else { sqlite3_bind_null(handle, index); return }
        text.withUTF8 { utf8 in
            _ = sqlite3_bind_text(handle, index, utf8.baseAddress, Int32(utf8.count), Self.transient)
        }
    }

    func bind(_ index: Int32, blob: [UInt8]) {
        blob.withUnsafeBytes { bytes in
            _ = sqlite3_bind_blob(handle, index, bytes.baseAddress, Int32(bytes.count), Self.transient)
        }
    }

    /// Steps once: true when a row is ready, false when done.
    ///
    /// - Throws: `DatabaseError` with SQLite's extended code and message.
    func step() throws -> Bool {
        switch sqlite3_step(handle) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            let code = sqlite3_extended_errcode(db.sqliteConnection)
            let message = String(cString: sqlite3_errmsg(db.sqliteConnection))
            sqlite3_reset(handle)
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: statement.sql)
        }
    }

    /// Makes the statement ready to run again.
    func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }
    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }

    func string(_ column: Int32) -> String {
        guard let text = sqlite3_column_text(handle, column) else { return "" }
        return String(decoding: UnsafeBufferPointer(start: text, count: Int(sqlite3_column_bytes(handle, column))), as: UTF8.self)
    }

    func bytes(_ column: Int32) -> [UInt8] {
        guard let blob = sqlite3_column_blob(handle, column) else { return [] }
        return Array(UnsafeRawBufferPointer(start: blob, count: Int(sqlite3_column_bytes(handle, column))))
    }

    /// The bytes of a text or blob column, valid only inside `body`.
    func withBytes<T>(_ column: Int32, _ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        let base = sqlite3_column_blob(handle, column)
        return try body(UnsafeRawBufferPointer(start: base, count: base == nil ? 0 : Int(sqlite3_column_bytes(handle, column))))
    }

    /// The event in the current row of a `SELECT EventLog.columns …`.
    func event() throws -> RecordedEvent {
        try event(data: string(9), meta: isNull(10) ? nil : string(10), hash: bytes(11))
    }

    /// The event in the current row of a `SELECT EventLog.foldColumns …`
    /// (or of ``EventLog/columns``, which start alike) for a catch-up's
    /// folds, and its payload, read from the column (as one copy of its
    /// text, its members found: see ``Payload``) and upcast as
    /// ``RecordedEvent/payload`` does. The folds read the payload from
    /// there, never the event's `data` text, `meta` or `hash`: the event
    /// carries none of them (empty), which spares copying each.
    func foldEvent() throws -> (event: RecordedEvent, data: Payload) {
        let event = try event(data: "", meta: nil, hash: [])
        return (event, withBytes(9) { Payload.read(utf8: $0, type: event.type, schema: event.schema) })
    }

    private func event(data: String, meta: String?, hash: [UInt8]) throws -> RecordedEvent {
        guard let id = withBytes(1, { EventID(bytes: $0) }) else {
            throw StoreError(.corrupt, "the event at position \(int64(0)) has a malformed id", remedy: "verify the log", hint: .verifyLog)
        }
        return RecordedEvent(
            position: int64(0), id: id, stream: string(2), version: int64(3), type: string(4), actor: string(5),
            occurredAt: Timestamp(microseconds: int64(6)), recordedAt: Timestamp(microseconds: int64(7)),
            schema: Int(int64(8)), data: data, meta: meta, hash: hash)
    }
}
