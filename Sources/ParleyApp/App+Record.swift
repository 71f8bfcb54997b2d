public import ParleyCore
import ParleyStore

extension App {
    /// How ``record(from:policy:options:onEvent:)`` treats a batch.
    public struct RecordOptions {
        /// Keep each event's `recorded_at` from the input (an import of an
        /// export), instead of the time of this append.
        public var keepRecordedAt: Bool
        /// Check everything, then roll back: nothing is written.
        public var dryRun: Bool
        /// When set, an event the rules refuse, or whose version or id
        /// conflicts, is handed here and skipped instead of failing the batch.
        public var rejected: ((ProposedEvent, ParleyError) -> Void)?

        public init(keepRecordedAt: Bool = false, dryRun: Bool = false, rejected: ((ProposedEvent, ParleyError) -> Void)? = nil) {
            self.keepRecordedAt = keepRecordedAt
            self.dryRun = dryRun
            self.rejected = rejected
        }
    }

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
                       options: RecordOptions = RecordOptions(),
                       onEvent: (Recorded) throws -> Void = { _ in }) throws -> AppendSummary {
        var appendOptions = EventLog.AppendOptions(keepRecordedAt: options.keepRecordedAt, dryRun: options.dryRun)
        if let rejected = options.rejected {
            appendOptions.rejected = { event, error in rejected(event, ParleyError(error)) }
        }
        do {
            return try log.append(from: next, policy: policy, options: appendOptions) { try onEvent(Recorded($0)) }
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

extension App {
    /// A stable event id made from `text` (an import's file and row): the
    /// same row gives the same id, so importing a file again adds nothing.
    public static func derivedID(from text: String) -> EventID {
        EventID.derived(from: text)
    }
}
