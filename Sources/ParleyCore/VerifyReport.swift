/// What a verification of the log found: the events checked, the head of
/// the hash chain, and each problem with the first position concerned.
public struct VerifyReport: Sendable, Equatable {
    /// One thing wrong with the log.
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        public enum Kind: String, Sendable {
            /// A row's content no longer matches its hash.
            case changed
            /// A position is missing (a row was deleted).
            case missing
            /// The rows after the last one were removed.
            case truncated
            /// The immutability triggers were dropped.
            case unguarded
            /// SQLite's own integrity check failed.
            case damaged
        }
        public var kind: Kind
        /// The first position concerned, when one is.
        public var position: Int64?
        public var message: String
        public var description: String { message }

        public init(kind: Kind, position: Int64?, message: String) {
            self.kind = kind
            self.position = position
            self.message = message
        }
    }

    public var eventsChecked = 0
    public var lastPosition: Int64 = 0
    /// The hash at the head of the chain (hex), empty for an empty log.
    public var headHash = ""
    public var problems: [Problem] = []
    /// Whether this was the quick form: SQLite's quick check, and the chain
    /// from the last position verified sound.
    public var quick = false
    /// The quick form: the position a verification found sound before,
    /// from which the chain was walked (nil: from the start).
    public var trustedUpTo: Int64?
    /// When that verification ran.
    public var trustedSince: Timestamp?

    public init() {}

    public var isSound: Bool { problems.isEmpty }
    /// The first position whose row was changed, removed or reordered.
    public var firstBadPosition: Int64? { problems.compactMap(\.position).min() }
}
