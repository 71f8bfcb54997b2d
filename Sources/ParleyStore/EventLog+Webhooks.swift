import Foundation
import GRDB
public import ParleyCore

/// A webhook as the `webhooks` table keeps it, with its delivery state.
public struct StoredWebhook: Sendable, Equatable {
    public var id: String
    public var url: String
    /// Type patterns (`tension.*`); empty: every event.
    public var types: [String]
    /// `json` or `slack`.
    public var format: String
    /// The HMAC-SHA256 key that signs deliveries, if any.
    public var secret: String?
    public var deliveredUpTo: Int64
    public var failures: Int
    public var lastFailure: String?
    public var lastFailureAt: Timestamp?
    public var removedAt: Timestamp?
}

extension EventLog {
    /// Records `webhook.added` by `actor` and keeps the webhook's row, in one
    /// transaction. Delivery starts after the log's last position.
    public func addWebhook(url: String, types: [String], format: String, secret: String?, actor: String) throws -> [AppendOutcome] {
        let command = Command.addWebhook(url: url, types: types.isEmpty ? nil : types, format: format, signed: secret != nil)
        return try inWriteTransaction { db in
            let session = try AppendSession(db, policy: .everything)
            let state = try LogReader(db: db).state(for: command.needs(actor: actor))
            let last = try Int64.fetchOne(db, sql: "SELECT MAX(position) FROM events") ?? 0
            let outcomes = try command.decide(state, actor: actor).map { try session.append($0) }
            guard let id = outcomes.first?.event.stream.split(separator: "/").last.map(String.init) else { return outcomes }
            try db.execute(sql: """
                INSERT INTO webhooks (id, url, types, format, secret, delivered_up_to) VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [id, url, types.isEmpty ? nil : types.joined(separator: ","), format, secret, last + Int64(outcomes.count)])
            return outcomes
        }
    }

    /// Records `webhook.removed` by `actor` and stops deliveries, in one transaction.
    public func removeWebhook(_ id: String, actor: String) throws -> [AppendOutcome] {
        try inWriteTransaction { db in
            let command = Command.removeWebhook(WebhookRemoved(webhook: id))
            let session = try AppendSession(db, policy: .everything)
            let state = try LogReader(db: db).state(for: command.needs(actor: actor))
            let outcomes = try command.decide(state, actor: actor).map { try session.append($0) }
            try db.execute(sql: "UPDATE webhooks SET removed_at = ? WHERE id = ?", arguments: [Timestamp.now().rfc3339, id])
            return outcomes
        }
    }

    /// Every webhook, in the order they were added; only those in use unless `removed`.
    public func webhooks(removed: Bool = false) throws -> [StoredWebhook] {
        try mappingErrors {
            try writer.read { db in
                try Row.fetchAll(db, sql: "SELECT * FROM webhooks" + (removed ? "" : " WHERE removed_at IS NULL"))
                    .map(Self.webhook(row:))
                    .sorted { $0.id.count != $1.id.count ? $0.id.count < $1.id.count : $0.id < $1.id }
            }
        }
    }

    /// Notes a delivery: the webhook's cursor moves to `position`, its failures clear.
    public func webhookDelivered(_ id: String, upTo position: Int64) throws {
        try webhookWrite("UPDATE webhooks SET delivered_up_to = MAX(delivered_up_to, ?), failures = 0 WHERE id = ?", [position, id])
    }

    /// Notes a failed attempt; the cursor stays, so the event is tried again.
    public func webhookFailed(_ id: String, _ reason: String) throws {
        try webhookWrite("UPDATE webhooks SET failures = failures + 1, last_failure = ?, last_failure_at = ? WHERE id = ?",
                         [String(reason.prefix(500)), Timestamp.now().rfc3339, id])
    }

    private func webhookWrite(_ sql: String, _ arguments: StatementArguments) throws {
        try mappingErrors { try writer.write { try $0.execute(sql: sql, arguments: arguments) } }
    }

    private static func webhook(row: Row) -> StoredWebhook {
        let time: (String?) -> Timestamp? = { $0.flatMap(Timestamp.init(rfc3339:)) }
        return StoredWebhook(id: row["id"], url: row["url"],
                             types: ((row["types"] as String?) ?? "").split(separator: ",").map(String.init),
                             format: row["format"], secret: row["secret"], deliveredUpTo: row["delivered_up_to"],
                             failures: row["failures"], lastFailure: row["last_failure"], lastFailureAt: time(row["last_failure_at"]),
                             removedAt: time(row["removed_at"]))
    }
}
