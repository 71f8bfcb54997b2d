/// Which of the practice's rules an append enforces.
///
/// - `parley record` and every command: ``everything``.
/// - `parley record --import` (history from elsewhere, whose actors need
///   not be members here): ``history``: the state rules still hold (one
///   verdict per lead, events in an order that makes sense), the membership
///   and team rules do not.
/// - Library code and tests that only need the log: ``payloadOnly``.
public struct RulePolicy: Sendable, Equatable {
    /// The actor must be a member who joined and has not left.
    public var membership: Bool
    /// Team rules: only marketing sends leads, only sales gives verdicts, …
    public var teams: Bool
    /// State rules: no verdict on an unknown lead, no second verdict, …
    public var state: Bool
    /// Lets a non-member add members (setting up a new log).
    public var bootstrap: Bool

    public init(membership: Bool, teams: Bool, state: Bool, bootstrap: Bool = false) {
        self.membership = membership
        self.teams = teams
        self.state = state
        self.bootstrap = bootstrap
    }

    public static let everything = RulePolicy(membership: true, teams: true, state: true)
    public static let history = RulePolicy(membership: false, teams: false, state: true)
    public static let payloadOnly = RulePolicy(membership: false, teams: false, state: false)

    /// Whether checking needs the stream's and the actor's history at all.
    public var needsHistory: Bool { membership || teams || state }
}

/// An event the rules refuse: which rule, and who may do it instead.
public struct RuleViolation: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// The actor is not a current member.
        case membership
        /// The actor's team may not do this.
        case team
        /// The stream's state does not allow it.
        case state
    }

    public var kind: Kind
    /// What the rule refuses, in the domain's words.
    public var message: String
    /// What to do instead, when there is something to do.
    public var remedy: String?
    /// A step that helps, for a front end to name.
    public var hint: ParleyError.Hint?
    /// The input line of the event, when there is one.
    public var line: Int?

    public init(_ kind: Kind, _ message: String, remedy: String? = nil, hint: ParleyError.Hint? = nil, line: Int? = nil) {
        self.kind = kind
        self.message = message
        self.remedy = remedy
        self.hint = hint
        self.line = line
    }

    public var description: String {
        let text = remedy.map { "\(message); \($0)" } ?? message
        return line.map { "line \($0): \(text)" } ?? text
    }
}
