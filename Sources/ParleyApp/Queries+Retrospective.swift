public import ParleyCore

/// What ``App/timeline(_:progress:)`` tells.
public struct TimelineQuery: Sendable, Equatable {
    /// From this time (default: the Monday four weeks before `to`).
    public var from: Timestamp?
    /// Until this time, not included (default: the report's now).
    public var to: Timestamp?
    /// Only what involves this team.
    public var team: String?
    /// Only these kinds (all when empty); see ``TimelineEntry/kinds``.
    public var kinds: Set<String>
    public var window: ReplayWindow

    public init(from: Timestamp? = nil, to: Timestamp? = nil, team: String? = nil, kinds: Set<String> = [],
                window: ReplayWindow = ReplayWindow()) {
        self.from = from
        self.to = to
        self.team = team
        self.kinds = kinds
        self.window = window
    }
}

/// What ``App/diff(_:progress:)`` compares: every view at `from` against `to`.
public struct DiffQuery: Sendable, Equatable {
    public var from: Timestamp
    public var to: Timestamp
    /// What the log knew then, at both ends.
    public var knownAt: Timestamp?

    public init(from: Timestamp, to: Timestamp, knownAt: Timestamp? = nil) {
        self.from = from
        self.to = to
        self.knownAt = knownAt
    }
}

/// What ``App/retro(_:progress:)`` reports on: the period `from ..< to`,
/// against the period of the same length before it.
public struct RetroQuery: Sendable, Equatable {
    public var from: Timestamp
    public var to: Timestamp
    public var window: ReplayWindow

    public init(from: Timestamp, to: Timestamp, window: ReplayWindow = ReplayWindow()) {
        self.from = from
        self.to = to
        self.window = window
    }
}
