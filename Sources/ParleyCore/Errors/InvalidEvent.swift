/// An event that was refused before anything was written: which event,
/// which field, and why.
///
/// `description` is the one-line message a user sees, e.g.
/// `line 4711: field "occurred_at": not an RFC 3339 time with a zone (got "2026-01-05 09:30")`.
public struct InvalidEvent: Error, Sendable, Equatable, CustomStringConvertible {
    /// 1-based line of the input where the event starts, when read from text.
    public var line: Int?
    /// The field at fault, as a path (`data.score`), or nil for the event as a whole.
    public var field: String?
    /// Why, in words a user can act on.
    public var reason: String
    /// A step that helps, for a front end to name.
    public var hint: ParleyError.Hint?

    public init(line: Int? = nil, field: String? = nil, reason: String, hint: ParleyError.Hint? = nil) {
        self.line = line
        self.field = field
        self.reason = reason
        self.hint = hint
    }

    public var description: String {
        var parts: [String] = []
        if let line { parts.append("line \(line)") }
        if let field { parts.append("field \"\(field)\"") }
        parts.append(reason)
        return parts.joined(separator: ": ")
    }
}
