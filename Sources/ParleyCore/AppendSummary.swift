/// What a batch appended to the log: how many events were written, how
/// many were already there (idempotent retries), and the positions written.
public struct AppendSummary: Sendable, Equatable {
    public var appended = 0
    public var alreadyRecorded = 0
    /// Positions written, when any were.
    public var positions: ClosedRange<Int64>?

    public init() {}
}
