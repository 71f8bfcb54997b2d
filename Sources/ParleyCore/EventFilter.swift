/// Which events a read of the log selects, in position order. Empty fields match everything.
public struct EventFilter: Sendable, Equatable {
    /// A stream name, or a prefix ending in `*` (`lead/*`).
    public var stream: String?
    /// A type, or a prefix ending in `*` (`lead.*`).
    public var type: String?
    public var actor: String?
    /// occurred_at ≥ since.
    public var since: Timestamp?
    /// occurred_at < until.
    public var until: Timestamp?
    /// position > after.
    public var after: Int64?
    /// recorded_at > recordedAfter: what the log learned after a moment.
    public var recordedAfter: Timestamp?
    /// recorded_at ≤ knownAt: what the log knew at a moment.
    public var knownAt: Timestamp?
    public var limit: Int?
    /// Any of these types (exact names), when not empty.
    public var types: [String] = []

    public init(stream: String? = nil, type: String? = nil, actor: String? = nil, since: Timestamp? = nil,
                until: Timestamp? = nil, after: Int64? = nil, recordedAfter: Timestamp? = nil, knownAt: Timestamp? = nil,
                limit: Int? = nil, types: [String] = []) {
        self.types = types
        self.recordedAfter = recordedAfter
        self.knownAt = knownAt
        self.stream = stream
        self.type = type
        self.actor = actor
        self.since = since
        self.until = until
        self.after = after
        self.limit = limit
    }
}

extension EventFilter {
    /// Whether `type` matches any of `patterns` (a name, or a prefix ending
    /// in `*`: `tension.*`); no patterns match every type.
    public static func type(_ type: String, matches patterns: [String]) -> Bool {
        patterns.isEmpty || patterns.contains { $0.hasSuffix("*") ? type.hasPrefix(String($0.dropLast())) : type == $0 }
    }
}
