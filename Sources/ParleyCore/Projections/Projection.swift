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
    /// payload, upcast, read once for every view that folds it; its members
    /// are parsed as the fold asks for them (``Payload``).
    static func apply(_ event: RecordedEvent, data: Payload, to rows: ProjectionRows<Row>) throws

    /// Folds the events of `batch` past `position` that it takes, but those
    /// in `retracted`, with ``apply(_:data:to:)``; returns how many. A
    /// requirement, though every projection keeps the default: its witness
    /// is the loop compiled for the projection's own types, where a generic
    /// caller (a persisted view) would copy each event to pass it on.
    static func fold(_ batch: FoldBatch, after position: Int64, retracted: Set<EventID>, into rows: ProjectionRows<Row>) throws -> Int

    /// Writes into `rows` what the fold has held back in ``ProjectionRows/held``
    /// (sums of many events' changes to the same rows, added in one go; rows
    /// that follow from others, filed once from where those ended up).
    /// Called before the rows are read or written back; by default nothing
    /// is held back.
    static func settle(_ rows: ProjectionRows<Row>) throws
}

/// A projection's rows while it folds: a cache in front of wherever the
/// rows live (nowhere, for a replay in memory; SQLite, for a persisted
/// view, which writes the changed rows back at the end of each chunk).
///
/// A concrete class, so that a fold is compiled for its own row type in
/// Core instead of going through generic witnesses for every row touched.
///
/// The cached rows sit in one array, each at a slot a dictionary finds by
/// key: a row is changed in place in the array, and the changed rows are
/// listed by slot, so that handing them over and trimming the cache need
/// not look their keys up again.
public final class ProjectionRows<Row> {
    /// A cached row (nil: known to be absent) and its key, the generation
    /// in which it last changed (it is dirty when that is the current one),
    /// and whether the store behind holds a row at its key (nil: not known).
    struct Entry {
        var key: String
        var row: Row?
        var changed = 0
        var inStore: Bool?
    }

    private var entries: [Entry] = []
    /// The slot in ``entries`` of each key cached.
    private var slots: [String: Int] = [:]
    /// Prefixes of rows this fold leaves out: a replay skips the rows its
    /// report does not read (see ``keeps(_:)``). Persisted views keep all.
    public var leavesOut: Set<String> = []
    /// The slots whose rows changed since ``markClean()``, each once, in the order they first changed.
    private var dirty: [Int] = []
    /// Bumped by ``markClean()``, so that it need not visit the rows that changed.
    private var generation = 1
    private let load: ((String) throws -> Row?)?
    /// What the fold holds back from the rows until ``Projection/settle(_:)``
    /// (its own type; nil until it holds something).
    public var held: AnyObject?

    /// Rows that start empty and live only in memory.
    public init() {
        load = nil
    }

    /// Rows read through `load` when not cached.
    public init(load: @escaping (String) throws -> Row?) {
        self.load = load
    }

    /// Whether the fold keeps the rows under `prefix` (a fold may skip
    /// their upkeep when not: nobody will read them).
    public func keeps(_ prefix: String) -> Bool { !leavesOut.contains(prefix) }

    /// The row at `key`, if any.
    public func row(_ key: String) throws -> Row? {
        if let slot = slots[key] { return entries[slot].row }
        let row = try load?(key)
        add(Entry(key: key, row: row, inStore: load.map { _ in row != nil }))
        return row
    }

    /// Sets (or, with nil, removes) the row at `key`.
    public func set(_ key: String, _ row: Row?) {
        let slot = slot(key) { Entry(key: key, row: nil) }
        markChanged(slot)
        entries[slot].row = row
    }

    /// Sets the row at `key`, where the fold knows there is none (its
    /// key is new by construction): if the fold removes it before the
    /// changes are written, nothing is written for it at all.
    public func insert(_ key: String, _ row: Row) {
        let slot = slot(key) { Entry(key: key, row: nil, inStore: load.map { _ in false }) }
        markChanged(slot)
        entries[slot].row = row
    }

    /// Changes the row at `key` (nil when there is none; set it to nil to
    /// remove the row) in place: one lookup when cached, and no copy of the
    /// row when `body` takes it out before changing it.
    public func modify<T>(_ key: String, _ body: (inout Row?) throws -> T) throws -> T {
        try modify(key, new: false, body)
    }

    /// ``modify(_:_:)``, where with `isNew` the fold knows that no row was
    /// ever stored at `key` (see ``take(_:new:)``).
    public func modify<T>(_ key: String, new isNew: Bool, _ body: (inout Row?) throws -> T) throws -> T {
        var (slot, row) = try take(key, new: isNew)
        defer { put(row.take(), at: slot) }
        return try body(&row)
    }

    /// The row at `key` (nil when there is none), moved out of the cache to
    /// be changed, and the slot to put it back in with ``put(_:at:)``, as
    /// the caller must before any other call: the row then counts as
    /// changed. ``modify(_:new:_:)`` without a closure, for the busiest
    /// folds: one lookup when cached, no copy of the row, and nothing
    /// captured (a closure's context would copy the event it folds).
    ///
    /// With `isNew`, the fold knows that no row was ever stored at `key`:
    /// one not cached is then absent, and the store is not asked. (The key
    /// names the event's own stream, and the event is the stream's first:
    /// nothing before it could have made the row. Most events that make a
    /// row are such; a rebuild asks for hundreds of thousands of rows that
    /// are not there.)
    public func take(_ key: String, new isNew: Bool = false) throws -> (slot: Int, row: Row?) {
        let slot: Int
        if isNew || load == nil {
            slot = self.slot(key) { Entry(key: key, row: nil, inStore: load.map { _ in false }) }
        } else if let cached = slots[key] {
            slot = cached
        } else {
            let row = try load?(key)
            slot = add(Entry(key: key, row: row, inStore: row != nil))
        }
        markChanged(slot)
        return (slot, entries[slot].row.take())
    }

    /// Puts back the row ``take(_:new:)`` took (nil: remove it).
    public func put(_ row: consuming Row?, at slot: Int) {
        entries[slot].row = row
    }

    /// The slot of `key`, cached from `missing()` when it is not: one lookup of the key either way.
    private func slot(_ key: String, else missing: () -> Entry) -> Int {
        let next = entries.count
        let slot = Self.update(&slots[key, default: next]) { $0 }
        if slot == next { entries.append(missing()) }
        return slot
    }

    private static func update(_ value: inout Int, _ body: (inout Int) -> Int) -> Int { body(&value) }

    /// Caches `entry`, whose key is not cached; returns its slot.
    @discardableResult
    private func add(_ entry: Entry) -> Int {
        slots[entry.key] = entries.count
        entries.append(entry)
        return entries.count - 1
    }

    /// Marks the row at `slot` changed.
    private func markChanged(_ slot: Int) {
        if entries[slot].changed != generation {
            entries[slot].changed = generation
            dirty.append(slot)
        }
    }

    /// The rows changed since ``markClean()`` that the store must be told
    /// of (nil: remove it), in the order they first changed: a row made and
    /// removed again, never written, is left out. From then on the store
    /// is taken to hold them as they are.
    public func takeChanges() -> [(key: String, row: Row?)] {
        var changes: [(key: String, row: Row?)] = []
        changes.reserveCapacity(dirty.count)
        for slot in dirty {
            let present = entries[slot].row != nil
            if !present && entries[slot].inStore == false { continue }
            changes.append((entries[slot].key, entries[slot].row))
            entries[slot].inStore = present
        }
        return changes
    }

    /// The cached row at `key`: absent when not cached, `.some(nil)` when known to be absent.
    public func cached(_ key: String) -> Row?? {
        slots[key].map { entries[$0].row }
    }

    /// How many rows are cached.
    public var cachedCount: Int { entries.count }

    /// Every row present, for a replay's result.
    public var rows: [String: Row] {
        var rows: [String: Row] = [:]
        rows.reserveCapacity(entries.count)
        for entry in entries { if let row = entry.row { rows[entry.key] = row } }
        return rows
    }

    /// Forgets which rows changed (after writing them back). With more than
    /// `bound` rows cached, it forgets every cached row but those that had
    /// changed: what was just used is likely to be used again.
    public func markClean(keepingAtMost bound: Int = .max) {
        if entries.count > bound {
            var kept: [Entry] = []
            var keptSlots: [String: Int] = [:]
            // Room for as many as before: the cache fills up again, and need not grow step by step.
            kept.reserveCapacity(entries.count)
            keptSlots.reserveCapacity(entries.count)
            // The rows kept are moved out of their slots (an empty entry left in their
            // place), not copied: the rest go with the old array.
            for slot in dirty {
                var entry = Entry(key: "", row: nil)
                swap(&entry, &entries[slot])
                keptSlots[entry.key] = kept.count
                kept.append(entry)
            }
            swap(&entries, &kept)
            swap(&slots, &keptSlots)
            // The rows forgotten are freed on another thread: this one folds on.
            Reclaimer.free(consume kept)
            Reclaimer.free(consume keptSlots)
        }
        generation += 1
        dirty.removeAll(keepingCapacity: true)
    }
}

/// The rows of one group, counted on either side of a split: how a read
/// counts, say, the deadlines passed and to come per rep without reading a
/// row per lead (a persisted view answers it from SQLite's key order).
///
/// The rows are those whose keys read `<prefix><group>/<order>…`, where the
/// group holds no `/` and every row of a group holds the same value; rows
/// count as below the split when their order part sorts below it (as
/// SQLite compares text: by UTF-8 bytes).
public struct RowTally<Row> {
    /// The value the group's rows hold.
    public var value: Row
    /// Rows below the split, and the lowest of their keys.
    public var below = 0
    public var firstBelow: String?
    /// Rows at or above the split, and the lowest of their keys.
    public var atOrAbove = 0
    public var firstAtOrAbove: String?

    public init(value: Row, below: Int = 0, firstBelow: String? = nil, atOrAbove: Int = 0, firstAtOrAbove: String? = nil) {
        self.value = value
        self.below = below
        self.firstBelow = firstBelow
        self.atOrAbove = atOrAbove
        self.firstAtOrAbove = firstAtOrAbove
    }

    /// The tallies of `rows` (in memory, as a replay holds them), one per group.
    public static func of(_ rows: [String: Row], prefix: String, split: String) -> [RowTally<Row>] {
        var tallies: [String: RowTally<Row>] = [:]
        for (key, row) in rows where key.hasPrefix(prefix) {
            let rest = key.utf8.dropFirst(prefix.utf8.count)
            guard let slash = rest.firstIndex(of: UInt8(ascii: "/")) else { continue }
            let order = rest[rest.index(after: slash)...]
            let group = String(decoding: rest[..<slash], as: UTF8.self)
            tallies[group, default: RowTally(value: row)].count(key, below: order.lexicographicallyPrecedes(split.utf8))
        }
        return Array(tallies.values)
    }

    /// Counts one more row at `key`.
    mutating func count(_ key: String, below isBelow: Bool) {
        func precedes(_ a: String, _ b: String) -> Bool { a.utf8.lexicographicallyPrecedes(b.utf8) }
        if isBelow {
            below += 1
            if firstBelow.map({ precedes(key, $0) }) ?? true { firstBelow = key }
        } else {
            atOrAbove += 1
            if firstAtOrAbove.map({ precedes(key, $0) }) ?? true { firstAtOrAbove = key }
        }
    }
}

extension RowTally: Equatable where Row: Equatable {}

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

    public static func settle(_ rows: ProjectionRows<Row>) throws {}

    /// Whether the fold reads events of `type`.
    public static func reads(_ type: String) -> Bool {
        typePrefixes.isEmpty || typePrefixes.contains { type.hasPrefix($0) }
    }

    /// Whether the fold takes `event` in: not a retraction, not retracted
    /// (`retracted` holds the ids of retracted events), of a type it reads.
    public static func takes(_ event: RecordedEvent, retracted: Set<EventID>) -> Bool {
        takes(type: event.type, id: event.id, retracted: retracted)
    }

    /// ``takes(_:retracted:)`` from the event's type and id alone (a loop
    /// over many events and views need not copy each event to ask).
    public static func takes(type: String, id: EventID, retracted: Set<EventID>) -> Bool {
        takes(type: type) && !retracted.contains(id)
    }

    /// Whether the fold takes events of `type`, unless retracted: a retraction never.
    public static func takes(type: String) -> Bool {
        type != EventRetracted.type && reads(type)
    }

    /// Folds one event of the log into `rows`, unless it is a retraction or
    /// retracted: the one step both persisted views and replays take.
    public static func fold(_ event: RecordedEvent, retracted: Set<EventID>, into rows: ProjectionRows<Row>) throws {
        guard takes(event, retracted: retracted) else { return }
        try apply(event, data: Payload(event.payload), to: rows)
    }

    /// Folds `events` (in position order) in memory, as the persisted view does.
    public static func replay(_ events: [RecordedEvent]) throws -> [String: Row] {
        let retracted = Set(events.compactMap(\.retractedTarget))
        let rows = ProjectionRows<Row>()
        for event in events { try fold(event, retracted: retracted, into: rows) }
        try settle(rows)
        return rows.rows
    }
}

extension RecordedEvent {
    /// For an `event.retracted`, the id of the event it retracts.
    public var retractedTarget: EventID? {
        guard type == EventRetracted.type else { return nil }
        return payload[EventRetracted.target].flatMap(EventID.init)
    }
}

/// Every persisted view, in the order `parley rebuild` lists them.
public enum ViewCatalogue {
    public static var projections: [any Projection.Type] {
        [AgreementsProjection.self, ContentProjection.self, CriteriaProjection.self, FollowUpProjection.self, IssuesProjection.self, MeetingsProjection.self,
         MembersProjection.self, LeadQualityProjection.self, RolesProjection.self, RoutingProjection.self, SignalsProjection.self]
    }

    /// The projection named `name`, if any.
    public static func projection(named name: String) -> (any Projection.Type)? {
        projections.first { $0.name == name }
    }
}
