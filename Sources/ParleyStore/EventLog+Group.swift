import GRDB
public import ParleyCore

extension EventLog {
    /// One write of a group (``executeGroup(_:)``): decides its events from
    /// the log as it stands, with the group's earlier writes in it, and
    /// appends them under `policy`.
    public struct GroupedWrite: Sendable {
        public var policy: RulePolicy
        public var decide: @Sendable (LogReader) throws -> [ProposedEvent]

        public init(policy: RulePolicy = .everything, decide: @escaping @Sendable (LogReader) throws -> [ProposedEvent]) {
            self.policy = policy
            self.decide = decide
        }
    }

    /// Runs `writes` in one write transaction, committed with one sync:
    /// group commit. Each write runs in turn, and a write the rules refuse
    /// is undone alone while the others still commit; each result is its
    /// write's outcomes or error (a ``StoreError``, or what its `decide`
    /// threw).
    ///
    /// A write of one event (what the server's requests make) needs no
    /// savepoint: an append that is refused, or whose insert fails, writes
    /// nothing and leaves its session as the log stands (the session
    /// changes only after its insert), so such writes share one session and
    /// what it read (the head, members' standing). A write of several
    /// events runs in a savepoint with a session of its own, and the shared
    /// one is read again after it.
    ///
    /// - Throws: ``StoreError`` when the transaction itself fails (it could
    ///   not begin or commit): then none of the writes is in the log.
    public func executeGroup(_ writes: [GroupedWrite]) throws -> [Result<[AppendOutcome], any Error>] {
        try inWriteTransaction { db in
            var results: [Result<[AppendOutcome], any Error>] = []
            results.reserveCapacity(writes.count)
            var shared: AppendSession?
            for write in writes {
                do {
                    let events = try write.decide(LogReader(db: db))
                    if events.count <= 1 {
                        let session = try shared.flatMap { $0.policy == write.policy ? $0 : nil } ?? AppendSession(db, policy: write.policy)
                        shared = session
                        results.append(.success(try events.map { try session.append($0) }))
                    } else {
                        shared = nil
                        var outcomes: [AppendOutcome] = []
                        try db.inSavepoint {
                            let session = try AppendSession(db, policy: write.policy)
                            outcomes = try events.map { try session.append($0) }
                            return .commit
                        }
                        results.append(.success(outcomes))
                    }
                } catch {
                    // Some failures (a full disk) make SQLite roll the whole transaction back:
                    // then nothing of the group can be committed.
                    guard db.isInsideTransaction else { throw error }
                    results.append(.failure(StoreError.mapping(error, path: path)))
                }
            }
            return results
        }
    }
}
