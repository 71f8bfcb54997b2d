public import ParleyCore
import ParleyStore

/// A webhook and how its deliveries are going. Its secret, if any, is used
/// to sign deliveries and never shown.
public struct Webhook: Sendable, Equatable, Encodable {
    public var id: String
    public var url: String
    /// Type patterns (`tension.*`); empty: every event.
    public var types: [String]
    /// `json` or `slack`.
    public var format: String
    public var secret: String?
    /// The last position delivered (or passed over as not wanted).
    public var deliveredUpTo: Int64
    /// Failed attempts in a row.
    public var failures: Int
    public var lastFailure: String?
    public var lastFailureAt: Timestamp?
    public var removedAt: Timestamp?

    /// Whether an event of `type` goes to this webhook.
    public func wants(_ type: String) -> Bool {
        EventFilter.type(type, matches: types)
    }

    init(_ stored: StoredWebhook) {
        id = stored.id; url = stored.url; types = stored.types; format = stored.format; secret = stored.secret
        deliveredUpTo = stored.deliveredUpTo; failures = stored.failures; lastFailure = stored.lastFailure
        lastFailureAt = stored.lastFailureAt; removedAt = stored.removedAt
    }

    public func encode(to encoder: any Encoder) throws {
        var out = encoder.container(keyedBy: JSONKey.self)
        try out.put(id, "id")
        try out.put(url, "url")
        try out.put(types, "types")
        try out.put(format, "format")
        try out.put(secret != nil, "signed")
        try out.put(deliveredUpTo, "delivered_up_to")
        try out.put(failures, "failures")
        try out.put(lastFailure, "last_failure")
        try out.put(lastFailureAt, "last_failure_at")
        try out.put(removedAt == nil ? (failures > 0 ? "failing" : "delivering") : "removed", "state")
    }
}

extension App {
    /// The formats a webhook posts in.
    public static let webhookFormats = ["json", "slack"]

    /// Has the server post events of `types` to `url` (management only),
    /// recorded as `webhook.added`; delivery starts with the next event.
    @discardableResult
    public func addWebhook(url: String, types: [String] = [], format: String = "json", secret: String? = nil,
                           as actor: String) throws(ParleyError) -> [Recorded] {
        guard Self.webhookFormats.contains(format) else {
            throw ParleyError(.invalid, code: "invalid-input", "the format is json or slack, not \(format)", field: "format")
        }
        if let secret, secret.utf8.count < 16 {
            throw ParleyError(.invalid, code: "invalid-input", "a signing secret needs at least 16 characters", field: "secret")
        }
        try Self.checkTypes(types, field: "types")
        return try mapped { try log.addWebhook(url: url, types: types, format: format, secret: secret, actor: actor).map(Recorded.init) }
    }

    /// Stops a webhook (management only), recorded as `webhook.removed`.
    @discardableResult
    public func removeWebhook(_ id: String, as actor: String) throws(ParleyError) -> [Recorded] {
        try mapped { try log.removeWebhook(id, actor: actor).map(Recorded.init) }
    }

    /// The webhooks in use (and the removed ones too, when asked).
    public func webhooks(removed: Bool = false) throws(ParleyError) -> [Webhook] {
        try mapped { try log.webhooks(removed: removed).map(Webhook.init) }
    }

    /// Notes that `webhook` has every event up to `position`.
    public func webhookDelivered(_ webhook: String, upTo position: Int64) throws(ParleyError) {
        try mapped { try log.webhookDelivered(webhook, upTo: position) }
    }

    /// Notes a failed delivery to `webhook`; the event is tried again.
    public func webhookFailed(_ webhook: String, _ reason: String) throws(ParleyError) {
        try mapped { try log.webhookFailed(webhook, reason) }
    }
}
