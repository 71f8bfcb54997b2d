public import ParleyCore

/// What `quality` reports: grouped by one dimension, over leads sent in a period.
public struct QualityQuery: Sendable, Equatable {
    public var by: LeadQualityProjection.Dimension
    /// Only leads sent at or after this time.
    public var since: Timestamp?
    /// Only leads sent before this time.
    public var until: Timestamp?
    public var window: ReplayWindow

    public init(by: LeadQualityProjection.Dimension = .source, since: Timestamp? = nil, until: Timestamp? = nil,
                window: ReplayWindow = ReplayWindow()) {
        self.by = by
        self.since = since
        self.until = until
        self.window = window
    }
}

/// Which open issues to list.
public struct IssuesQuery: Sendable, Equatable {
    /// The kinds there are, in the order a summary names them.
    public static let kinds = ["tension", "signal", "sla-breach", "missing-feedback", "orphaned-leads", "overdue-action", "unanswered-content",
                               "unused-content", "unagreed-criteria", "unagreed-sla", "unagreed-agreement"]

    /// Only these kinds (all when empty).
    public var kinds: [String]
    /// Each lead past a deadline on its own row, instead of one row per rep.
    public var eachLead: Bool
    public var window: ReplayWindow

    public init(kinds: [String] = [], eachLead: Bool = false, window: ReplayWindow = ReplayWindow()) {
        self.kinds = kinds
        self.eachLead = eachLead
        self.window = window
    }
}

/// Which action items to list.
public struct ActionsQuery: Sendable, Equatable {
    /// Only items not done yet.
    public var openOnly: Bool
    /// Only this owner's items.
    public var owner: String?
    public var window: ReplayWindow

    public init(openOnly: Bool = false, owner: String? = nil, window: ReplayWindow = ReplayWindow()) {
        self.openOnly = openOnly
        self.owner = owner
        self.window = window
    }
}
