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
    public typealias AppendSummary = ParleyCore.AppendSummary

    /// Appends events as one all-or-nothing batch and returns what was stored.
    ///
    /// - Parameter policy: the rules to enforce (see ``RulePolicy``).
    /// - Throws: ``StoreError`` (`versionConflict`, `idConflict`,
    ///   `ruleViolation`, …); then nothing of the batch is written.
    @discardableResult
    public func append(_ events: [ProposedEvent], policy: RulePolicy = .everything) throws -> [AppendOutcome] {
        var outcomes: [AppendOutcome] = []
        var iterator = events.makeIterator()
        try append(from: { iterator.next() }, policy: policy, onEvent: { outcomes.append($0) })
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
    /// the event is reached, events earlier in the batch included; so are
    /// the rules of `policy`.
    ///
    /// - Parameters:
    ///   - next: yields the next event; an error it throws (an
    ///     ``InvalidEvent``, say) rolls the whole batch back and is rethrown.
    ///   - policy: the rules to enforce (see ``RulePolicy``).
    ///   - onEvent: told of each event as it is stored; it is not yet
    ///     committed, and the batch may still roll back.
    /// - Throws: what `next` threw, or ``StoreError``. Nothing is written.
    @discardableResult
    public func append(
        from next: () throws -> ProposedEvent?,
        policy: RulePolicy = .everything,
        options: AppendOptions = AppendOptions(),
        onEvent: (AppendOutcome) throws -> Void = { _ in }
    ) throws -> AppendSummary {
        let summary = try inWriteTransaction(commit: !options.dryRun) { db in
            let session = try AppendSession(db, policy: policy, keepRecordedAt: options.keepRecordedAt)
            while let proposed = try next() {
                do {
                    try onEvent(try session.append(proposed))
                } catch let violation as RuleViolation where options.rejected != nil {
                    options.rejected!(proposed, StoreError(violation))
                } catch let error as StoreError where options.rejected != nil && AppendOptions.skippable.contains(error.code) {
                    options.rejected!(proposed, error)
                }
            }
            return session.summary
        }
        if summary.appended >= Self.emptyWALAfter && !options.dryRun, let pool = writer as? DatabasePool { Self.emptyWAL(pool) }
        return summary
    }

    /// After appending at least this many events in one batch, the WAL is emptied (see ``emptyWAL(_:)``).
    static let emptyWALAfter = 10_000

    /// How ``append(from:policy:options:onEvent:)`` treats a batch.
    public struct AppendOptions {
        /// Keep each event's `recorded_at` from the input (an import of an
        /// export), instead of the time of this append.
        public var keepRecordedAt = false
        /// Check everything, then roll back: nothing is written.
        public var dryRun = false
        /// When set, an event the rules refuse, or whose version or id
        /// conflicts, is handed here and skipped instead of failing the batch.
        public var rejected: ((ProposedEvent, StoreError) -> Void)?

        static let skippable: Set<StoreError.Code> = [.ruleViolation, .versionConflict, .idConflict]

        public init(keepRecordedAt: Bool = false, dryRun: Bool = false, rejected: ((ProposedEvent, StoreError) -> Void)? = nil) {
            self.keepRecordedAt = keepRecordedAt
            self.dryRun = dryRun
            self.rejected = rejected
        }
    }

    /// Decides and appends in one transaction: `decide` reads the log as it
    /// stands (no other writer can change it until the commit) and returns
    /// the events to append, which are then checked by `policy` like any
    /// other. This is how commands are run: two people racing cannot both win.
    ///
    /// - Throws: what `decide` threw, or ``StoreError``. Nothing is written.
    public func execute(
        policy: RulePolicy = .everything,
        _ decide: (LogReader) throws -> [ProposedEvent]
    ) throws -> [AppendOutcome] {
        try inWriteTransaction { db in
            let session = try AppendSession(db, policy: policy)
            let events = try decide(LogReader(db: db))
            return try events.map { try session.append($0) }
        }
    }

    func inWriteTransaction<T>(commit: Bool = true, _ body: (Database) throws -> T) throws -> T {
        do {
            return try writer.writeWithoutTransaction { db in
                var result: T?
                var head: HeadAnchor?
                try db.inTransaction(.immediate) {
                    let before = path == nil ? nil : try HeadAnchor.current(db)
                    result = try body(db)
                    if commit, path != nil, let after = try HeadAnchor.current(db), after != before { head = after }
                    return commit ? .commit : .rollback
                }
                // Only once committed: the anchor never runs ahead of the log.
                if let head, let path { head.advance(for: path) }
                return result!
            }
        } catch {
            throw StoreError.mapping(error, path: path)
        }
    }
}

extension StoreError {
    /// `error` as the store reports it: a rule violation or an SQLite error
    /// as a ``StoreError``; anything else (an invalid event, the caller's
    /// own error) as it is.
    static func mapping(_ error: any Error, path: String?) -> any Error {
        switch error {
        case let violation as RuleViolation: StoreError(violation)
        case let database as DatabaseError: StoreError(mapping: database, path: path)
        default: error
        }
    }
}

/// One batch being appended inside a write transaction: the head of the
/// chain, the prepared statements, and what is known of the streams the
/// batch touched.
final class AppendSession {
    private let db: Database
    let policy: RulePolicy
    private let keepRecordedAt: Bool
    private let recordedAt = Timestamp.now()
    private var previousHash = HashChain.genesis
    private var nextPosition: Int64
    private let insert: RawStatement
    private let streamVersion: RawStatement
    /// Stream versions (payload-only policy: no history needed).
    private var versions: [String: Int64] = [:]
    /// Stream histories (rules need them); dropped when large, and then
    /// read again, since the transaction sees its own rows.
    private var histories: [String: StreamHistory] = [:]
    private var membersExist: Bool?
    /// The histories defaults are decided from (the lead criteria's, the
    /// SLA's), by stream, each read when first needed.
    private var defaultHistories: [String: StreamHistory] = [:]
    /// Members' standing, folded once per batch (refolded when their stream grows).
    private var members: [String: MemberState] = [:]
    private var scratch: [UInt8] = []
    private(set) var summary = EventLog.AppendSummary()

    init(_ db: Database, policy: RulePolicy, keepRecordedAt: Bool = false) throws {
        self.db = db
        self.policy = policy
        self.keepRecordedAt = keepRecordedAt
        var lastPosition: Int64 = 0
        if let head = try Row.fetchOne(db.cachedStatement(sql: "SELECT position, hash FROM events ORDER BY position DESC LIMIT 1")) {
            lastPosition = head[0]
            previousHash = Array(head[1] as Data)
        }
        // AUTOINCREMENT remembers positions ever used, even ones removed
        // behind the log's back: never hand them out again.
        let sequence = try Int64.fetchOne(db.cachedStatement(sql: "SELECT seq FROM sqlite_sequence WHERE name = 'events'")) ?? 0
        nextPosition = max(lastPosition, sequence) + 1
        insert = try RawStatement(db, cached: """
            INSERT INTO events (position, id, stream, version, type, actor, occurred_at, recorded_at, schema, data, meta, hash)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        streamVersion = try RawStatement(db, cached: "SELECT max(version) FROM events WHERE stream = ?")
    }

    /// Checks and appends one event (or recognises it as already stored),
    /// with the catalogue's defaults filled in (``EventDefaults``).
    func append(_ given: ProposedEvent) throws -> EventLog.AppendOutcome {
        let recordedAt = keepRecordedAt ? given.recordedAt ?? self.recordedAt : self.recordedAt
        var proposed = given
        if let stream = EventDefaults.streamNeeded(for: given) {
            proposed = EventDefaults.complete(given, at: given.occurredAt ?? recordedAt, history: try defaultHistory(stream))
        }
        return try append(proposed, given: given, recordedAt: recordedAt)
    }

    private func append(_ proposed: ProposedEvent, given: ProposedEvent, recordedAt: Timestamp) throws -> EventLog.AppendOutcome {
        // A retry with an expected version must be recognised before the
        // version check; otherwise the id is checked only if the insert
        // meets it in the unique index (the common case pays nothing).
        if proposed.id != nil, proposed.expectedVersion != nil, let stored = try alreadyStored(proposed, given: given) {
            summary.alreadyRecorded += 1
            return .alreadyRecorded(stored)
        }
        let current: Int64
        if policy.needsHistory {
            // Scoped, so the cached history is not shared when the event is folded into it below.
            let history = try self.history(of: proposed.stream)
            current = history.version
            try checkExpectedVersion(proposed, current: current)
            let assignee = try policy.teams ? EventRules.Context.assigneeHandle(of: proposed).map { try member($0) } : nil
            let context = EventRules.Context(stream: history, actor: try member(proposed.actor), membersExist: try membersExistSoFar(),
                                             assignee: assignee, recordedAt: keepRecordedAt ? nil : recordedAt)
            do {
                try EventRules.check(proposed, in: context, policy: policy)
            } catch {
                // A retry of an event already stored is not a second verdict.
                if let stored = try alreadyStored(proposed, given: given) {
                    summary.alreadyRecorded += 1
                    return .alreadyRecorded(stored)
                }
                throw error
            }
        } else {
            current = try version(of: proposed.stream)
            try checkExpectedVersion(proposed, current: current)
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
            guard let stored = try alreadyStored(proposed, given: given) else { throw error }
            summary.alreadyRecorded += 1
            return .alreadyRecorded(stored)
        }
        previousHash = event.hash
        if !defaultHistories.isEmpty { defaultHistories[event.stream]?.append(event) }
        if policy.needsHistory {
            histories[event.stream]?.append(event)
            if event.type == MemberJoined.type { membersExist = true }
            if event.stream.hasPrefix("member/") { members[String(event.stream.dropFirst(7))] = nil }
        } else {
            versions[event.stream] = event.version
        }
        nextPosition += 1
        summary.appended += 1
        summary.positions = (summary.positions?.lowerBound ?? event.position)...event.position
        return .appended(event)
    }

    private func checkExpectedVersion(_ proposed: ProposedEvent, current: Int64) throws {
        if let expected = proposed.expectedVersion, expected != current {
            let actual = current == 0 ? "does not exist yet" : "is at version \(current)"
            throw StoreError(.versionConflict, "stream \(proposed.stream) \(actual), you expected version \(expected) — someone else wrote to it first; re-read it and retry", line: proposed.line)
        }
    }

    /// The stored event with the proposal's id, if it is the same event
    /// (an idempotent retry); an error if the id holds other content.
    private func alreadyStored(_ proposed: ProposedEvent, given: ProposedEvent) throws -> RecordedEvent? {
        guard let id = proposed.id, let stored = try EventLog.fetchEvent(db, id: id) else { return nil }
        // The default may have been decided otherwise when it was first recorded.
        guard proposed.isSameContent(as: stored) || EventDefaults.isCompleted(given, as: stored) else {
            throw StoreError(.idConflict, "event id \(id) is already recorded at position \(stored.position) (\(stored.type) on \(stored.stream)) with different content; give a new id, or resend the stored event unchanged", line: proposed.line)
        }
        return stored
    }

    private func version(of stream: String) throws -> Int64 {
        if let known = versions[stream] { return known }
        streamVersion.bind(1, stream)
        defer { streamVersion.reset() }
        _ = try streamVersion.step()
        return streamVersion.int64(0)
    }

    private func history(of stream: String) throws -> StreamHistory {
        if let known = histories[stream] { return known }
        // Bounded, so a batch of millions keeps flat memory; a stream dropped here
        // is read again from the transaction, which sees its own rows.
        if histories.count >= 10_000 { histories.removeAll(keepingCapacity: true) }
        let history = StreamHistory(try EventLog.streamEvents(db, stream), stream: stream)
        histories[stream] = history
        return history
    }

    private func member(_ handle: String) throws -> MemberState {
        if let known = members[handle] { return known }
        let state = try history(of: "member/\(handle)").member
        members[handle] = state
        return state
    }

    private func defaultHistory(_ stream: String) throws -> StreamHistory {
        if let known = defaultHistories[stream] { return known }
        let history = StreamHistory(try EventLog.streamEvents(db, stream), stream: stream)
        defaultHistories[stream] = history
        return history
    }

    private func membersExistSoFar() throws -> Bool {
        if let membersExist { return membersExist }
        let found = try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM events WHERE stream >= 'member/' AND stream < 'member0' AND type = 'member.joined')")) ?? false
        membersExist = found
        return found
    }
}

/// Read access to the log inside ``EventLog/execute(policy:_:)``, for
/// commands that must look before they write.
public struct LogReader {
    let db: Database

    /// The events of `stream` so far, in version order.
    public func history(of stream: String) throws -> [RecordedEvent] {
        try EventLog.streamEvents(db, stream)
    }

    /// The event with `id`, if any.
    public func event(id: EventID) throws -> RecordedEvent? {
        try EventLog.fetchEvent(db, id: id)
    }

    /// The next free number for ids like `T-3` in streams `kind/PREFIX-n`:
    /// one more than the highest in use.
    public func nextNumber(kind: String, prefix: String) throws -> Int {
        let start = "\(kind)/\(prefix)-"
        let highest = try Int.fetchOne(db, sql: """
            SELECT max(CAST(substr(stream, ?) AS INTEGER)) FROM events
            WHERE stream >= ? AND stream < ? AND substr(stream, ?) GLOB '[0-9]*'
            """, arguments: [start.count + 1, start, start + "\u{10FFFF}", start.count + 1]) ?? 0
        return highest + 1
    }

    /// The next free action-item number (`A-12`), across all meetings.
    public func nextActionNumber() throws -> Int {
        let highest = try Int.fetchOne(db, sql: """
            SELECT max(CAST(substr(json_extract(item.value, '$.action'), 3) AS INTEGER))
            FROM events, json_each(events.data, '$.action_items') AS item
            WHERE events.stream >= 'meeting/' AND events.stream < 'meeting0' AND events.type = 'meeting.held'
              AND json_extract(item.value, '$.action') GLOB 'A-[0-9]*'
            """) ?? 0
        return highest + 1
    }

    /// The stream of the meeting that set action item `action`, if any.
    public func meetingStream(ofAction action: String) throws -> String? {
        try String.fetchOne(db, sql: """
            SELECT events.stream FROM events, json_each(events.data, '$.action_items') AS item
            WHERE events.stream >= 'meeting/' AND events.stream < 'meeting0' AND events.type = 'meeting.held'
              AND json_extract(item.value, '$.action') = ?
            ORDER BY events.position LIMIT 1
            """, arguments: [action])
    }
}

extension EventLog {
    static func streamEvents(_ db: Database, _ stream: String) throws -> [RecordedEvent] {
        let statement = try RawStatement(db, cached: "SELECT \(columns) FROM events WHERE stream = ? ORDER BY version")
        defer { statement.reset() }
        statement.bind(1, stream)
        var events: [RecordedEvent] = []
        while try statement.step() { events.append(try statement.event()) }
        return events
    }
}
