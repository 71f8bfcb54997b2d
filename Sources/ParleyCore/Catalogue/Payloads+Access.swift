// The payloads of the catalogue: who may reach the log through the server.
// A token's secret is never in an event (only in its own table, as a
// SHA-256); the events say who had access, and when.

public struct TokenIssued: EventPayload {
    public static let spec = EventTypeSpec("token.issued", stream: "token", idField: "token", "a member is given a token to reach the log over HTTP", [
        .required("token", .identifier, "the token's public id (never its secret)"),
        .required("member", .handle, "whose token it is: every event sent with it is theirs"),
        .optional("label", .line, "what it is for, e.g. \"laptop\" or \"CRM sync\""),
        .optional("expires_at", .time, "after this, the token is refused"),
    ])
    public var token: String, member: String, label: String?, expiresAt: String?
    public init(token: String, member: String, label: String? = nil, expiresAt: String? = nil) {
        self.token = token; self.member = member; self.label = label; self.expiresAt = expiresAt
    }
}

public struct TokenRevoked: EventPayload {
    public static let spec = EventTypeSpec("token.revoked", stream: "token", idField: "token", "a token stops working", [
        .required("token", .identifier),
        .required("member", .handle),
        .optional("reason", .note),
    ])
    public var token: String, member: String, reason: String?
    public init(token: String, member: String, reason: String? = nil) { self.token = token; self.member = member; self.reason = reason }
}
