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

    /// The type prefixes of the events the fold reads (`lead.`); the store
    /// reads only those. Empty: every event.
    static var typePrefixes: [String] { get }

    /// Folds one event (never a retracted one, nor a retraction: those are
    /// taken out before the fold) into the rows. `data` is the event's
    /// payload, parsed and upcast once for every view that folds it.
    static func apply(_ event: RecordedEvent, data: JSONValue, to rows: ProjectionRows<Row>) throws
}

/// A projection's rows while it folds: a cache in front of wherever the
/// rows live (nowhere, for a replay in memory; SQLite, for a persisted
/// view, which writes the changed rows back at the end of each chunk).
///
/// A concrete class, so that a fold is compiled for its own row type in
/// Core instead of going through generic witnesses for every row touched.
public final class ProjectionRows<Row> {
    /// Rows read or written so far; `.some(nil)` caches an absent row.
    public private(set) var cache: [String: Row?] = [:]
    /// Keys whose rows changed since ``markClean()``.
    public private(set) var dirty: Set<String> = []
    private let load: (String) throws -> Row?

    /// Rows that start empty and live only in memory.
    public convenience init() {
        self.init { _ in nil }
    }

    /// Rows read through `load` when not cached.
    public init(load: @escaping (String) throws -> Row?) {
        self.load = load
    }

    /// The row at `key`, if any.
    public func row(_ key: String) throws -> Row? {
        if let cached = cache[key] { return cached }
        let row = try load(key)
        cache[key] = .some(row)
        return row
    }

    /// Sets (or, with nil, removes) the row at `key`.
    public func set(_ key: String, _ row: Row?) {
        cache[key] = .some(row)
        dirty.insert(key)
    }

    /// The row at `key`, handed over: the caller owns the only copy (so
    /// changing it copies nothing) and must ``set(_:_:)`` it back.
    public func take(_ key: String) throws -> Row? {
        let row = try self.row(key)
        cache[key] = .some(nil)
        return row
    }

    /// Changes the row at `key` in place, starting from `initial` when there is none.
    public func update(_ key: String, initial: @autoclosure () -> Row, _ change: (inout Row) -> Void) throws {
        var value = try take(key) ?? initial()
        change(&value)
        set(key, value)
    }

    /// Every row present, for a replay's result.
    public var rows: [String: Row] { cache.compactMapValues { $0 } }

    /// Forgets which rows changed (after writing them back).
    public func markClean() { dirty.removeAll(keepingCapacity: true) }

    /// Empties the cache (the rows must have been written back).
    public func dropCache() { cache.removeAll(keepingCapacity: true) }

    /// Forgets every cached row but those at `keys` (the rows must have
    /// been written back): what was just used is likely to be used again.
    public func evict(keeping keys: Set<String>) {
        cache = cache.filter { keys.contains($0.key) }
    }
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
    public static var typePrefixes: [String] { [] }

    /// Whether the fold reads events of `type`.
    public static func reads(_ type: String) -> Bool {
        typePrefixes.isEmpty || typePrefixes.contains { type.hasPrefix($0) }
    }

    /// Whether the fold takes `event` in: not a retraction, not retracted
    /// (`retracted` holds the ids of retracted events), of a type it reads.
    public static func takes(_ event: RecordedEvent, retracted: Set<EventID>) -> Bool {
        event.type != "event.retracted" && reads(event.type) && !retracted.contains(event.id)
    }

    /// Folds one event of the log into `rows`, unless it is a retraction or
    /// retracted: the one step both persisted views and replays take.
    public static func fold(_ event: RecordedEvent, retracted: Set<EventID>, into rows: ProjectionRows<Row>) throws {
        guard takes(event, retracted: retracted) else { return }
        try apply(event, data: event.payload, to: rows)
    }

    /// Folds `events` (in position order) in memory, as the persisted view does.
    public static func replay(_ events: [RecordedEvent]) throws -> [String: Row] {
        let retracted = Set(events.compactMap(\.retractedTarget))
        let rows = ProjectionRows<Row>()
        for event in events { try fold(event, retracted: retracted, into: rows) }
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

/// Every persisted view, in the order `parley rebuild` lists them.
public enum ViewCatalogue {
    public static var projections: [any Projection.Type] {
        [CriteriaProjection.self, FollowUpProjection.self, IssuesProjection.self, MeetingsProjection.self,
         MembersProjection.self, LeadQualityProjection.self, RolesProjection.self]
    }

    /// The projection named `name`, if any.
    public static func projection(named name: String) -> (any Projection.Type)? {
        projections.first { $0.name == name }
    }
}
