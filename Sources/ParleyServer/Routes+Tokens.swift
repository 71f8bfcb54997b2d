import Foundation
import HTTPTypes
import Hummingbird
import Logging
import ParleyApp
import ParleyCore

extension ParleyServer {
    /// Tokens over HTTP: a member issues and revokes their own; management anyone's.
    func addTokenRoutes(to api: RouterGroup<ParleyRequestContext>) {
        struct Issue: Decodable, Sendable { var member: String?, label: String?, expiresAt: String? }

        api.post("/tokens") { request, context in
            let member = try context.member()
            let body = try CommandRoute.decode(Issue.self, from: try await Self.jsonBody(request, limit: ServerLimits.eventBytes))
            let expiresAt = try body.expiresAt.map { text in
                guard let time = Timestamp(timeOrDate: text) else {
                    throw Problem(.unprocessableContent, code: "invalid-input", "expires_at must be an RFC 3339 time or a date, got \"\(text)\"",
                                  field: "expires_at")
                }
                return time
            }
            let owner = body.member ?? member.handle
            let issued = try await app.perform { try $0.issueToken(for: owner, label: body.label, expiresAt: expiresAt, as: member.handle) }
            if let last = issued.recorded.map(\.event.position).max() { growth.grew(to: last) }
            return try Self.json(encoding: issued, status: .created)
        }

        api.get("/tokens") { _, context in
            let member = try context.member()
            let tokens = try await app.perform { try $0.tokens(visibleTo: member.handle) }
            return try Self.json(encoding: tokens)
        }

        api.delete("/tokens/:token") { _, context in
            let member = try context.member()
            let id = context.parameters.decoded("token") ?? ""
            let recorded = try await append { try $0.revokeToken(id, as: member.handle) }
            return try Self.recordedResponse(recorded)
        }
    }
}
