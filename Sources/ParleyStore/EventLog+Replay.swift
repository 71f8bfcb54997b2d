import GRDB
public import ParleyCore

extension EventLog {
    /// Folds the events `window` lets through, in memory, as the persisted
    /// view would have them: what had happened by `asOf`, what the log knew
    /// at `knownAt`. Retractions count only if inside the window too.
    ///
    /// - Parameters:
    ///   - leavingOut: prefixes of rows the caller will not read; the fold may skip them.
    ///   - leadsSent: when given, only the leads sent in this period: their
    ///     events (verdicts after it too), and no other lead's. Events of
    ///     other types are all folded.
    public func replay<P: Projection>(_ projection: P.Type, window: ReplayWindow, leavingOut: Set<String> = [],
                                      leadsSent: Range<Timestamp>? = nil) throws -> [String: P.Row] {
        let retracted = try retractedIDs(window)
        let rows = ProjectionRows<P.Row>()
        rows.leavesOut = leavingOut
        let (clause, bounds) = Self.typeClause(P.typePrefixes)
        // Events are read and parsed on a second thread while this one folds them.
        let events = Prefetcher<FoldEvent>(name: "parley-replay") { yield in
            try self.read { db in
                // The window and the types are applied by SQLite: events outside them are never decoded.
                // A lead event counts if it is not a send before the period, nor a send after it.
                let period = leadsSent == nil ? "" : " AND (type NOT LIKE 'lead.%' OR (occurred_at >= ? AND (type <> 'lead.sent' OR occurred_at < ?)))"
                let statement = try RawStatement(db, cached: """
                    SELECT \(Self.foldColumns) FROM events WHERE occurred_at <= ? AND recorded_at <= ?\(clause)\(period) ORDER BY position
                    """)
                defer { statement.reset() }
                statement.bind(1, window.asOf?.microseconds ?? .max)
                statement.bind(2, window.knownAt?.microseconds ?? .max)
                for (index, bound) in bounds.enumerated() { statement.bind(Int32(index + 3), bound) }
                if let leadsSent {
                    statement.bind(Int32(bounds.count + 3), leadsSent.lowerBound.microseconds)
                    statement.bind(Int32(bounds.count + 4), leadsSent.upperBound.microseconds)
                }
                while try statement.step() {
                    let read = try statement.foldEvent()
                    guard P.takes(read.event, retracted: retracted) else { continue }
                    guard yield(FoldEvent(read.event, data: read.data)) else { return }
                }
            }
        }
        // A chunk at a time (see Prefetcher.nextChunk()), in the projection's own batch loop
        // (a generic loop here would copy each event to pass it on). Retractions were left out above.
        while let chunk = try events.nextChunk() {
            _ = try P.fold(FoldBatch(chunk), after: 0, retracted: [], into: rows)
        }
        try P.settle(rows)
        return rows.rows
    }

    /// The ids of the events retracted by a retraction inside `window`
    /// (found through the retractions' own index).
    public func retractedIDs(_ window: ReplayWindow) throws -> Set<EventID> {
        try read { db in
            var ids = Set<EventID>()
            let cursor = try String.fetchCursor(db, sql: """
                SELECT json_extract(data, '$.target') FROM events
                WHERE type = 'event.retracted' AND occurred_at <= ? AND recorded_at <= ?
                """, arguments: [window.asOf?.microseconds ?? .max, window.knownAt?.microseconds ?? .max])
            while let target = try cursor.next() {
                if let id = EventID(target) { ids.insert(id) }
            }
            return ids
        }
    }
}
