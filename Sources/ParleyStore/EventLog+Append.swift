import Foundation
import GRDB
public import ParleyCore

extension EventLog {
    /// What happened to one proposed event of a batch.
    public enum AppendOutcome: Sendable, Equatable {
        /// Written now.
        case appended(RecordedEvent)
        /// Its id was already in the log with the same content: nothing
        /// written, the stored event is returned (an idempotent retry).
        case alreadyRecorded(RecordedEvent)

        public var event: RecordedEvent {
            switch self {
            case let .appended(event), let .alreadyRecorded(event): event
            }
        }
    }

    /// Counts of a committed batch.
    public struct AppendSummary: Sendable, Equatable {
        public var appended = 0
        public var alreadyRecorded = 0
        /// Positions written, when any were.
        public var positions: ClosedRange<Int64>?
    }

    /// Appends events as one all-or-nothing batch and returns what was stored.
    ///
    /// - Throws: ``StoreError`` (`versionConflict`, `idConflict`, …); then
    ///   nothing of the batch is written.
    @discardableResult
    public func append(_ events: [ProposedEvent]) throws -> [AppendOutcome] {
        var outcomes: [AppendOutcome] = []
        var iterator = events.makeIterator()
        try append(from: { iterator.next() }, onEvent: { outcomes.append($0) })
        return outcomes
    }

    /// Appends the events `next` yields, until it returns nil, as one
    /// all-or-nothing batch, in one `BEGIN IMMEDIATE` transaction. Events
    /// are pulled one at a time, so a batch of millions needs little memory.
    ///
    /// Each event gets the next position, the next version of its stream
    /// and its hash. An event whose id is already stored with the same
    /// content is not written again (``AppendOutcome/alreadyRecorded(_:)``).
    /// `expected_version` is checked against the stream as it stands when
    /// the event is reached, events earlier in the batch included.
    ///
    /// - Parameters:
    ///   - next: yields the next event; an error it throws (an
    ///     ``InvalidEvent``, say) rolls the whole batch back and is rethrown.
    ///   - onEvent: told of each event as it is stored; it is not yet
    ///     committed, and the batch may still roll back.
    /// - Throws: what `next` threw, or ``StoreError``. Nothing is written.
    @discardableResult
    public func append(
        from next: () throws -> ProposedEvent?,
        onEvent: (AppendOutcome) throws -> Void = { _ in }
    ) throws -> AppendSummary {
        do {
            return try writer.writeWithoutTransaction { db in
                var summary = AppendSummary()
                try db.inTransaction(.immediate) {
                    summary = try appendBatch(db, next: next, onEvent: onEvent)
                    return .commit
                }
                return summary
            }
        } catch let error as InvalidEvent {
            throw error
        } catch {
            throw StoreError(mapping: error, path: path)
        }
    }

    private func appendBatch(
        _ db: Database,
        next: () throws -> ProposedEvent?,
        onEvent: (AppendOutcome) throws -> Void
    ) throws -> AppendSummary {
        var summary = AppendSummary()
        let recordedAt = Timestamp.now()
        var previousHash = HashChain.genesis
        var lastPosition: Int64 = 0
        if let head = try Row.fetchOne(db, sql: "SELECT position, hash FROM events ORDER BY position DESC LIMIT 1") {
            lastPosition = head[0]
            previousHash = Array(head[1] as Data)
        }
        // AUTOINCREMENT remembers positions ever used, even ones removed
        // behind the log's back: never hand them out again.
        let sequence = try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'events'") ?? 0
        var nextPosition = max(lastPosition, sequence) + 1

        let insert = try RawStatement(db, cached: """
            INSERT INTO events (position, id, stream, version, type, actor, occurred_at, recorded_at, schema, data, meta, hash)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let streamVersion = try RawStatement(db, cached: "SELECT max(version) FROM events WHERE stream = ?")
        var versions: [String: Int64] = [:]
        var scratch: [UInt8] = []

        /// The stored event with the proposal's id, if it is the same event
        /// (an idempotent retry); an error if the id holds other content.
        func alreadyStored(_ proposed: ProposedEvent) throws -> RecordedEvent? {
            guard let id = proposed.id, let stored = try Self.fetchEvent(db, id: id) else { return nil }
            guard proposed.isSameContent(as: stored) else {
                throw StoreError(.idConflict, "event id \(id) is already recorded at position \(stored.position) (\(stored.type) on \(stored.stream)) with different content; give a new id, or resend the stored event unchanged", line: proposed.line)
            }
            return stored
        }

        while let proposed = try next() {
            // A retry with an expected version must be recognised before the
            // version check; otherwise the id is checked only if the insert
            // meets it in the unique index (the common case pays nothing).
            if proposed.id != nil, proposed.expectedVersion != nil, let stored = try alreadyStored(proposed) {
                summary.alreadyRecorded += 1
                try onEvent(.alreadyRecorded(stored))
                continue
            }
            let current: Int64
            if let known = versions[proposed.stream] {
                current = known
            } else {
                streamVersion.bind(1, proposed.stream)
                _ = try streamVersion.step()
                current = streamVersion.int64(0)
                streamVersion.reset()
            }
            if let expected = proposed.expectedVersion, expected != current {
                let actual = current == 0 ? "does not exist yet" : "is at version \(current)"
                throw StoreError(.versionConflict, "stream \(proposed.stream) \(actual), you expected version \(expected) — someone else wrote to it first; re-read it and retry", line: proposed.line)
            }
            var event = RecordedEvent(
                position: nextPosition, id: proposed.id ?? EventID.v7(at: recordedAt),
                stream: proposed.stream, version: current + 1, type: proposed.type, actor: proposed.actor,
                occurredAt: proposed.occurredAt ?? recordedAt, recordedAt: recordedAt,
                schema: EventCatalogue.schema(of: proposed.type) ?? 1,
                data: proposed.data, meta: proposed.meta, hash: [])
            event.hash = HashChain.hash(previous: previousHash, event: event, scratch: &scratch)
            insert.bind(1, event.position)
            insert.bind(2, blob: event.id.bytes)
            insert.bind(3, event.stream)
            insert.bind(4, event.version)
            insert.bind(5, event.type)
            insert.bind(6, event.actor)
            insert.bind(7, event.occurredAt.microseconds)
            insert.bind(8, event.recordedAt.microseconds)
            insert.bind(9, Int64(event.schema))
            insert.bind(10, event.data)
            insert.bind(11, event.meta)
            insert.bind(12, blob: event.hash)
            do {
                _ = try insert.step()
                insert.reset()
            } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
                insert.reset()
                guard let stored = try alreadyStored(proposed) else { throw error }
                summary.alreadyRecorded += 1
                try onEvent(.alreadyRecorded(stored))
                continue
            }
            previousHash = event.hash
            versions[event.stream] = event.version
            nextPosition += 1
            summary.appended += 1
            summary.positions = (summary.positions?.lowerBound ?? event.position)...event.position
            try onEvent(.appended(event))
        }
        return summary
    }
}
