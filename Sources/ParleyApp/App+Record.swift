public import ParleyCore
public import ParleyStore

extension App {
    /// One event a command or a batch recorded.
    public struct Recorded: Sendable, Equatable {
        /// The event as stored, with its position, version and hash.
        public var event: RecordedEvent
        /// True when it was already in the log (an idempotent retry): nothing was written.
        public var alreadyRecorded: Bool

        init(_ outcome: EventLog.AppendOutcome) {
            event = outcome.event
            if case .alreadyRecorded = outcome { alreadyRecorded = true } else { alreadyRecorded = false }
        }
    }

    /// Decides `command` for `actor` and records its events, all or none.
    ///
    /// - Parameters:
    ///   - actor: the member recording it (on the server, the authenticated one).
    ///   - at: when it happened, for backdating (nil: now).
    ///   - bootstrap: lets someone who is not a member yet add members (setting up a log).
    /// - Returns: the events recorded.
    /// - Throws: ``ParleyError``; then nothing is written.
    @discardableResult
    public func run(_ command: Command, as actor: String, at: Timestamp? = nil, bootstrap: Bool = false) throws(ParleyError) -> [Recorded] {
        var policy = RulePolicy.everything
        policy.bootstrap = bootstrap
        return try mapped { try log.run(command, actor: actor, at: at, policy: policy).map(Recorded.init) }
    }

    /// Records the events `next` yields as one all-or-nothing batch, each
    /// checked and given its defaults as a command's events are.
    ///
    /// - Parameters:
    ///   - policy: ``RulePolicy/everything`` for events written by members;
    ///     ``RulePolicy/history`` for history from elsewhere.
    ///   - onEvent: told of each event as it is stored (not yet committed).
    /// - Throws: ``ParleyError``, or what `next` or `onEvent` threw (the
    ///   caller's own errors pass through as they are). Nothing is written.
    @discardableResult
    public func record(from next: () throws -> ProposedEvent?, policy: RulePolicy = .everything,
                       options: EventLog.AppendOptions = EventLog.AppendOptions(),
                       onEvent: (Recorded) throws -> Void = { _ in }) throws -> EventLog.AppendSummary {
        do {
            return try log.append(from: next, policy: policy, options: options) { try onEvent(Recorded($0)) }
        } catch let error where ParleyError.maps(error) {
            throw ParleyError(mapping: error)
        }
    }

    /// Records `events` as one all-or-nothing batch.
    @discardableResult
    public func record(_ events: [ProposedEvent], policy: RulePolicy = .everything) throws(ParleyError) -> [Recorded] {
        var recorded: [Recorded] = []
        var iterator = events.makeIterator()
        _ = try mapped { try record(from: { iterator.next() }, policy: policy) { recorded.append($0) } }
        return recorded
    }
}
