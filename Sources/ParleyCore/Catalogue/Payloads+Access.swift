// The payloads of the catalogue: who may reach the log through the server.
// A token's secret is never in an event (only in its own table, as a
// SHA-256); the events say who had access, and when.

public struct TokenIssued: EventPayload {
    public static let type = "token.issued"
    public static let token = PayloadKey<String>.required("token", .identifier, "the token's public id (never its secret)")
    public static let member = PayloadKey<String>.required("member", .handle, "whose token it is: every event sent with it is theirs")
    public static let label = PayloadKey<String>.optional("label", .line, "what it is for, e.g. \"laptop\" or \"CRM sync\"")
    public static let expiresAt = PayloadKey<String>.optional("expires_at", .time, "after this, the token is refused")
    public static let spec = EventTypeSpec(type, stream: "token", idField: token, "a member is given a token to reach the log over HTTP",
                                           [token, member, label, expiresAt])
    public var token: String, member: String, label: String?, expiresAt: String?
    public init(token: String, member: String, label: String? = nil, expiresAt: String? = nil) {
        self.token = token; self.member = member; self.label = label; self.expiresAt = expiresAt
    }
}

public struct TokenRevoked: EventPayload {
    public static let type = "token.revoked"
    public static let token = PayloadKey<String>.required("token", .identifier)
    public static let member = PayloadKey<String>.required("member", .handle)
    public static let reason = PayloadKey<String>.optional("reason", .note)
    public static let spec = EventTypeSpec(type, stream: "token", idField: token, "a token stops working", [token, member, reason])
    public var token: String, member: String, reason: String?
    public init(token: String, member: String, reason: String? = nil) { self.token = token; self.member = member; self.reason = reason }
}

public struct WebhookAdded: EventPayload {
    public static let type = "webhook.added"
    public static let webhook = PayloadKey<String>.required("webhook", .identifier, "W-1, W-2, … (Parley numbers them)")
    public static let url = PayloadKey<String>.required("url", .link)
    public static let types = PayloadKey<[String]>.optional("types", .list(.text(maxLength: 100), maxCount: 50),
                                                            "which event types, e.g. tension.* (all when left out)")
    public static let format = PayloadKey<String>.optional("format", .choice(["json", "slack"]),
                                                           "json: the event; slack: an incoming-webhook message")
    public static let signed = PayloadKey<String>.optional("signed", .choice(["yes", "no"]),
                                                           "whether deliveries carry an HMAC-SHA256 signature (the secret is never in the log)")
    public static let spec = EventTypeSpec(type, stream: "webhook", idField: webhook, "management has the server post events to an address",
                                           [webhook, url, types, format, signed])
    public var webhook: String, url: String, types: [String]?, format: String?, signed: String?
    public init(webhook: String, url: String, types: [String]? = nil, format: String? = nil, signed: String? = nil) {
        self.webhook = webhook; self.url = url; self.types = types; self.format = format; self.signed = signed
    }
}

public struct WebhookRemoved: EventPayload {
    public static let type = "webhook.removed"
    public static let webhook = PayloadKey<String>.required("webhook", .identifier)
    public static let spec = EventTypeSpec(type, stream: "webhook", idField: webhook, "the server stops posting to an address", [webhook])
    public var webhook: String
    public init(webhook: String) { self.webhook = webhook }
}
