/// Why Parley refused or failed something, in words any front end can show.
///
/// Every error that leaves the application facade is one of these. It
/// speaks of the domain, never of a front end: `message` says what went
/// wrong, `remedy` what to do about it, and `hint` names the step that
/// helps (create the log, add the member, …) so that the CLI can print
/// the command and a server the route. The CLI maps ``Kind`` to exit
/// codes, a server to HTTP statuses.
///
/// ```swift
/// ParleyError(.notAllowed, code: "rule-violation",
///             "sam@sales is not a member",
///             remedy: "add them as a member first, or record as a member",
///             hint: .addMember("sam@sales"))
/// ```
public struct ParleyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure: the part a front end maps to its own codes.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// The input is not a valid event or command (a field, a line).
        case invalid
        /// Someone else wrote first (a stale expected version, a reused id).
        case conflict
        /// The log failed verification: a row was changed behind its back.
        case integrity
        /// The database is missing, damaged, not Parley's, or from a newer Parley.
        case database
        /// No such event, lead, action item, …
        case notFound = "not-found"
        /// The practice's rules refuse it: membership, team, state.
        case notAllowed = "not-allowed"
        /// The caller did not prove who they are (a server's token missing,
        /// unknown, expired or revoked, or its member gone).
        case unauthenticated
        /// Anything else: the disk, the file system, a lock held too long.
        case failure
    }

    /// A step that would help, named in the domain; front ends render it
    /// as a command line or a link.
    public enum Hint: Sendable, Equatable {
        /// Create the log (or choose another file).
        case createLog
        /// Migrate a log made by an older Parley.
        case migrateLog
        /// Point at another database file.
        case chooseLog
        /// Add this handle as a member.
        case addMember(String)
        /// Record as a current member instead.
        case actAsMember
        /// Change a member's team instead of adding them again.
        case moveMember(String)
        /// Send this lead first.
        case sendLead(String)
        /// Flag the tension first.
        case flagTension
        /// Share the resource first.
        case shareResource
        /// Rebuild the views from the events.
        case rebuildViews
        /// Verify the log's hash chain.
        case verifyLog
        /// List the events (their positions and ids).
        case listEvents
        /// List the meetings and their action items.
        case listMeetings
        /// List the signals open now.
        case listSignals
        /// List the agreements, or propose a first version of this one.
        case proposeAgreement(String)
    }

    public var kind: Kind
    /// A stable name for scripts: `invalid-event`, `version-conflict`, …
    public var code: String
    /// What went wrong, in a sentence about the domain.
    public var message: String
    /// What to do about it, in the domain's words.
    public var remedy: String?
    /// The step that helps, for a front end to name.
    public var hint: Hint?
    /// The field at fault, as a path (`data.score`).
    public var field: String?
    /// The input line of the event at fault (1-based).
    public var line: Int?

    public init(_ kind: Kind, code: String, _ message: String, remedy: String? = nil, hint: Hint? = nil,
                field: String? = nil, line: Int? = nil) {
        self.kind = kind
        self.code = code
        self.message = message
        self.remedy = remedy
        self.hint = hint
        self.field = field
        self.line = line
    }

    /// The message and its remedy, without the line or field.
    public var explanation: String {
        remedy.map { "\(message); \($0)" } ?? message
    }

    /// `line 4: field "data.score": must be …; remedy`.
    public var description: String {
        var parts: [String] = []
        if let line { parts.append("line \(line)") }
        if let field { parts.append("field \"\(field)\"") }
        parts.append(explanation)
        return parts.joined(separator: ": ")
    }
}

extension ParleyError {
    /// An event refused before anything was written.
    public init(_ error: InvalidEvent) {
        self.init(.invalid, code: "invalid-event", error.reason, hint: error.hint, field: error.field, line: error.line)
    }

    /// An event the practice's rules refuse.
    public init(_ violation: RuleViolation) {
        self.init(.notAllowed, code: "rule-violation", violation.message, remedy: violation.remedy, hint: violation.hint,
                  line: violation.line)
    }

    /// Something the command names does not exist.
    public static func notFound(_ message: String, remedy: String? = nil, hint: Hint? = nil) -> ParleyError {
        ParleyError(.notFound, code: "not-found", message, remedy: remedy, hint: hint)
    }
}
