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
    /// group commit. Each write runs in a savepoint of its own, in turn, so
    /// a write the rules refuse is rolled back alone and the others still
    /// commit; each result is its write's outcomes or error (a
    /// ``StoreError``, or what its `decide` threw).
    ///
    /// - Throws: ``StoreError`` when the transaction itself fails (it could
    ///   not begin or commit): then none of the writes is in the log.
    public func executeGroup(_ writes: [GroupedWrite]) throws -> [Result<[AppendOutcome], any Error>] {
        try inWriteTransaction { db in
            var results: [Result<[AppendOutcome], any Error>] = []
            results.reserveCapacity(writes.count)
            for write in writes {
                var outcomes: [AppendOutcome] = []
                do {
                    try db.inSavepoint {
                        // A session per write: one rolled back leaves no trace in the next one's.
                        let session = try AppendSession(db, policy: write.policy)
                        outcomes = try write.decide(LogReader(db: db)).map { try session.append($0) }
                        return .commit
                    }
                    results.append(.success(outcomes))
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
