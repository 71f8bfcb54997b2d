public import ParleyCore

extension EventLog {
    /// Decides `command` and appends its events in one write transaction:
    /// the streams it needs are read and folded, the command decided
    /// (``Command/decide(_:actor:at:)``) and its events checked by `policy`
    /// and appended. No other writer can change those streams in between,
    /// so two people racing cannot both win.
    ///
    /// - Parameters:
    ///   - actor: the member recording it.
    ///   - at: when it happened (nil: now).
    /// - Throws: ``ParleyError`` from deciding, or ``StoreError``. Nothing is written.
    public func run(_ command: Command, actor: String, at: Timestamp? = nil,
                    policy: RulePolicy = .everything) throws -> [AppendOutcome] {
        try execute(policy: policy) { reader in
            let state = try reader.state(for: command.needs(actor: actor))
            return try command.decide(state, actor: actor, at: at)
        }
    }
}

extension LogReader {
    /// The answers to `needs`, read from the log as it stands.
    public func state(for needs: [DecisionNeed]) throws -> DecisionState {
        var state = DecisionState()
        for need in needs {
            switch need {
            case .stream(let stream):
                state.streams[stream] = StreamHistory(try history(of: stream), stream: stream)
            case let .nextNumber(kind, prefix):
                state.nextNumbers[DecisionState.numberKey(kind: kind, prefix: prefix)] = try nextNumber(kind: kind, prefix: prefix)
            case .nextActionNumber:
                state.nextActionNumber = try nextActionNumber()
            case .meetingOfAction(let action):
                state.meetingOfAction[action] = try meetingStream(ofAction: action)
            case .event(let id):
                state.events[id] = try event(id: id)
            }
        }
        return state
    }
}
