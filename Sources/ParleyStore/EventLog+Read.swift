import Foundation
import GRDB
public import ParleyCore

extension EventLog {
    /// Which events ``events(_:_:)`` reads.
    public typealias Filter = EventFilter

    static let columns = "position, id, stream, version, type, actor, occurred_at, recorded_at, schema, data, meta, hash"
    /// What a catch-up's folds read of each event (``columns`` without `meta` and `hash`; see ``RawStatement/foldEvent()``).
    static let foldColumns = "position, id, stream, version, type, actor, occurred_at, recorded_at, schema, data"

    /// Reads the events `filter` selects in position order, handing each to
    /// `body` as it is read (a log of millions streams in flat memory).
    /// `body` returns false to stop early. The read sees one consistent
    /// snapshot and never blocks writers.
    public func events(_ filter: Filter = Filter(), _ body: (RecordedEvent) throws -> Bool) throws {
        try select(filter, columns: Self.columns) { try body(try $0.event()) }
    }

    /// Reads the events `filter` selects as ``events(_:_:)`` does, each with
    /// its payload as a fold reads it (a member parsed only when asked for;
    /// see ``Payload``) and without its `data` text, `meta` or `hash`: for a
    /// scan of many events that reads a few members of each.
    public func eventPayloads(_ filter: Filter = Filter(), _ body: (RecordedEvent, Payload) throws -> Bool) throws {
        try select(filter, columns: Self.foldColumns) { statement in
            let (event, data) = try statement.foldEvent()
            return try body(event, data)
        }
    }

    /// Runs `SELECT columns` for `filter` in position order, handing each row to `body` until it returns false.
    private func select(_ filter: Filter, columns: String, _ body: (RawStatement) throws -> Bool) throws {
        var clauses: [String] = []
        var arguments: [Argument] = []
        func match(_ column: String, _ pattern: String?) {
            guard let pattern else { return }
            if pattern.hasSuffix("*") {
                // A prefix range, so `stream` uses the (stream, version) index.
                let prefix = String(pattern.dropLast())
                clauses.append("\(column) >= ? AND \(column) < ?")
                arguments.append(.text(prefix))
                arguments.append(.text(prefix + "\u{10FFFF}"))
            } else {
                clauses.append("\(column) = ?")
                arguments.append(.text(pattern))
            }
        }
        match("stream", filter.stream)
        match("type", filter.type)
        match("actor", filter.actor)
        if let since = filter.since { clauses.append("occurred_at >= ?"); arguments.append(.integer(since.microseconds)) }
        if let until = filter.until { clauses.append("occurred_at < ?"); arguments.append(.integer(until.microseconds)) }
        if let after = filter.after { clauses.append("position > ?"); arguments.append(.integer(after)) }
        if let recordedAfter = filter.recordedAfter { clauses.append("recorded_at > ?"); arguments.append(.integer(recordedAfter.microseconds)) }
        if let knownAt = filter.knownAt { clauses.append("recorded_at <= ?"); arguments.append(.integer(knownAt.microseconds)) }
        if !filter.types.isEmpty {
            clauses.append("type IN (" + filter.types.map { _ in "?" }.joined(separator: ", ") + ")")
            arguments.append(contentsOf: filter.types.map(Argument.text))
        }
        var sql = "SELECT \(columns) FROM events"
        if !clauses.isEmpty { sql += " WHERE " + clauses.joined(separator: " AND ") }
        sql += " ORDER BY position"
        if let limit = filter.limit { sql += " LIMIT \(max(0, limit))" }
        do {
            try writer.read { db in
                let statement = try RawStatement(db, cached: sql)
                defer { statement.reset() }
                for (index, argument) in arguments.enumerated() {
                    switch argument {
                    case let .integer(value): statement.bind(Int32(index + 1), value)
                    case let .text(value): statement.bind(Int32(index + 1), value)
                    }
                }
                while try statement.step() {
                    if try !body(statement) { break }
                }
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(mapping: error, path: path)
        }
    }

    /// A value bound to a filter's placeholder.
    private enum Argument {
        case integer(Int64)
        case text(String)
    }

    /// The event at `position`.
    ///
    /// - Throws: ``StoreError`` `notFound` when there is none.
    public func event(at position: Int64) throws -> RecordedEvent {
        let found = try read { db in
            let statement = try RawStatement(db, cached: "SELECT \(Self.columns) FROM events WHERE position = ?")
            defer { statement.reset() }
            statement.bind(1, position)
            return try statement.step() ? try statement.event() : nil
        }
        guard let found else {
            throw StoreError(.notFound, "no event at position \(position)", remedy: "the log lists the positions there are", hint: .listEvents)
        }
        return found
    }

    /// The event with `id`.
    ///
    /// - Throws: ``StoreError`` `notFound` when there is none.
    public func event(id: EventID) throws -> RecordedEvent {
        guard let found = try read({ db in try Self.fetchEvent(db, id: id) }) else {
            throw StoreError(.notFound, "no event with id \(id)")
        }
        return found
    }

    /// The number of events and the position of the last one (0 when empty).
    public func head() throws -> (count: Int, lastPosition: Int64) {
        try read { db in
            let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM events") ?? 0
            return (count, try Self.head(db))
        }
    }

    /// The position of the last event (0 when there is none): about as many
    /// events as the log holds, known without counting them (for progress).
    public func lastPosition() throws -> Int64 {
        try read { db in try Self.head(db) }
    }

    /// The current version of each stream whose name starts with `prefix`.
    public func streamVersions(prefix: String = "") throws -> [String: Int64] {
        try read { db in
            var versions: [String: Int64] = [:]
            let rows = try Row.fetchCursor(db, sql: "SELECT stream, max(version) FROM events WHERE stream >= ? AND stream < ? GROUP BY stream",
                                           arguments: [prefix, prefix + "\u{10FFFF}"])
            while let row = try rows.next() { versions[row[0]] = row[1] }
            return versions
        }
    }

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try writer.read(body)
        } catch {
            throw StoreError(mapping: error, path: path)
        }
    }

    static func fetchEvent(_ db: Database, id: EventID) throws -> RecordedEvent? {
        let statement = try RawStatement(db, cached: "SELECT \(columns) FROM events WHERE id = ?")
        defer { statement.reset() }
        statement.bind(1, blob: id.bytes)
        return try statement.step() ? try statement.event() : nil
    }
}
