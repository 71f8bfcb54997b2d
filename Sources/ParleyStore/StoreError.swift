public import ParleyCore

/// Why the store refused or failed an operation, in words a user can act on.
///
/// `message` is one line that says what went wrong and how to remedy it;
/// nothing above the store sees SQLite's own errors.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// No database at the path.
        case databaseMissing = "database-missing"
        /// The file is not a Parley database (another SQLite file, or not SQLite).
        case notParleyDatabase = "not-a-parley-database"
        /// Written by a newer Parley with migrations this one does not know.
        case createdByNewerParley = "newer-database"
        /// Made by an older Parley: `parley init` migrates it.
        case needsMigration = "needs-migration"
        /// SQLite found the file damaged.
        case corrupt = "corrupt-database"
        /// The log no longer reaches the head committed before: its
        /// write-ahead log was lost or damaged, or an older copy replaced it.
        case eventsLost = "events-lost"
        /// A stale `expected_version`.
        case versionConflict = "version-conflict"
        /// An id reused for different content.
        case idConflict = "id-conflict"
        /// A membership, team or state rule of the practice refused the event.
        case ruleViolation = "rule-violation"
        /// No event at that position or with that id.
        case notFound = "not-found"
        /// Anything else SQLite or the file system reported.
        case failure = "failure"
    }

    public var code: Code
    /// What went wrong, about the domain.
    public var message: String
    /// What to do about it, in the domain's words.
    public var remedy: String?
    /// A step that helps, for a front end to name.
    public var hint: ParleyError.Hint?
    /// The input line of the event at fault, when there is one.
    public var line: Int?

    public init(_ code: Code, _ message: String, remedy: String? = nil, hint: ParleyError.Hint? = nil, line: Int? = nil) {
        self.code = code
        self.message = message
        self.remedy = remedy
        self.hint = hint
        self.line = line
    }

    /// The message and its remedy, without the line.
    public var explanation: String {
        remedy.map { "\(message); \($0)" } ?? message
    }

    public var description: String {
        let text = explanation
        if let line { return "line \(line): \(text)" }
        return text
    }
}

extension StoreError {
    /// A refusal by the practice's rules, with its remedy.
    public init(_ violation: RuleViolation) {
        self.init(.ruleViolation, violation.message, remedy: violation.remedy, hint: violation.hint, line: violation.line)
    }
}
