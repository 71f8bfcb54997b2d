import Foundation
import HTTPTypes
import Hummingbird
import Logging
import ParleyApp
import ParleyCore

extension ParleyServer {
    /// The body of `POST /api/v1/tokens`: the token's fields but its id, the member optional (default: yours).
    static let tokenBodyFields: [PayloadField] = TokenIssued.spec.fields.compactMap { field in
        switch field.name {
        case "token": nil
        case "member": PayloadField("member", field.kind, required: false, "whose token (default: yours)")
        default: field
        }
    }

    /// Tokens over HTTP: a member issues and revokes their own; management anyone's.
    func addTokenRoutes(to api: RouterGroup<ParleyRequestContext>) {
        struct Issue: Decodable, Sendable { var member: String?, label: String?, expiresAt: String? }

        api.post("/tokens") { request, context in
            let member = try context.member()
            let json = try await Self.jsonBody(request, limit: ServerLimits.eventBytes)
            let members = try CommandRoute.object(json)
            do {
                _ = try PayloadField.validate(object: .object(members), fields: Self.tokenBodyFields, path: "data")
            } catch let error as InvalidEvent {
                throw Problem(ParleyError(error)).bodyField()
            }
            let body = try CommandRoute.decode(Issue.self, from: json)
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
