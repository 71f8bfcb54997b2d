/// A view people read, as a pure fold of the events: each event updates
/// some keyed rows of state, and a report is computed from the rows.
///
/// The same fold serves the persisted views (rows in SQLite, caught up from
/// a checkpoint) and in-memory replays (`--as-of`, `--known-at`): only
/// where the rows live differs (``ProjectionRows``).
public protocol Projection {
    /// One row of the view's state.
    associatedtype Row: Codable & Sendable & Equatable

    /// The view's name: `members`, `quality`, …
    static var name: String { get }
    /// The fold's code version: changing it rebuilds persisted views.
    static var version: Int { get }

    /// Folds one event (never a retracted one, nor a retraction: those are
    /// taken out before the fold) into the rows.
    static func apply<Rows: ProjectionRows>(_ event: RecordedEvent, to rows: inout Rows) throws where Rows.Row == Row
}

/// Where a projection's rows live while it folds.
public protocol ProjectionRows {
    associatedtype Row
    /// The row at `key`, if any.
    mutating func row(_ key: String) throws -> Row?
    /// Sets (or, with nil, removes) the row at `key`.
    mutating func set(_ key: String, _ row: Row?) throws
}

extension ProjectionRows {
    /// Changes the row at `key` in place, starting from `initial` when there is none.
    public mutating func update(_ key: String, initial: @autoclosure () -> Row, _ change: (inout Row) -> Void) throws {
        var value = try row(key) ?? initial()
        change(&value)
        try set(key, value)
    }
}

/// Rows in memory: the replay's store, and the test oracle.
public struct InMemoryRows<Row>: ProjectionRows {
    public private(set) var rows: [String: Row] = [:]

    public init() {}

    public mutating func row(_ key: String) throws -> Row? { rows[key] }

    public mutating func set(_ key: String, _ row: Row?) throws { rows[key] = row }
}

/// Which events a replay sees.
public struct ReplayWindow: Sendable, Equatable {
    /// What had happened by then: occurred_at ≤ asOf.
    public var asOf: Timestamp?
    /// What the log knew then: recorded_at ≤ knownAt.
    public var knownAt: Timestamp?

    public init(asOf: Timestamp? = nil, knownAt: Timestamp? = nil) {
        self.asOf = asOf
        self.knownAt = knownAt
    }

    public var isEverything: Bool { asOf == nil && knownAt == nil }

    public func contains(_ event: RecordedEvent) -> Bool {
        if let asOf, event.occurredAt > asOf { return false }
        if let knownAt, event.recordedAt > knownAt { return false }
        return true
    }
}

extension Projection {
    /// Folds one event of the log into `rows`, unless it is a retraction or
    /// retracted (`retracted` holds the ids of retracted events): the one
    /// step both persisted views and replays take.
    public static func fold<Rows: ProjectionRows>(_ event: RecordedEvent, retracted: Set<EventID>, into rows: inout Rows) throws
    where Rows.Row == Row {
        guard event.type != "event.retracted", !retracted.contains(event.id) else { return }
        try apply(event, to: &rows)
    }

    /// Folds `events` (in position order) in memory, as the persisted view does.
    public static func replay(_ events: [RecordedEvent]) throws -> [String: Row] {
        let retracted = Set(events.compactMap(\.retractedTarget))
        var rows = InMemoryRows<Row>()
        for event in events { try fold(event, retracted: retracted, into: &rows) }
        return rows.rows
    }
}

extension RecordedEvent {
    /// For an `event.retracted`, the id of the event it retracts.
    public var retractedTarget: EventID? {
        guard type == "event.retracted" else { return nil }
        return payload["target"]?.stringValue.flatMap(EventID.init)
    }
}
