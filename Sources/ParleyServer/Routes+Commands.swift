import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ParleyApp
import ParleyCore

extension ParleyServer {
    /// `POST` on every ``CommandRoute``: the token's member runs the command.
    func addCommandRoutes(to api: RouterGroup<ParleyRequestContext>) {
        for route in CommandRoute.all {
            let path = String(route.path.dropFirst("/api/v1".count))
                .split(separator: "/").map { $0.hasPrefix("{") ? ":" + $0.dropFirst().dropLast() : String($0) }.joined(separator: "/")
            api.post(RouterPath("/" + path)) { request, context in
                let member = try context.member()
                let body = try await Self.jsonBody(request, limit: ServerLimits.eventBytes)
                var parameters: [String: String] = [:]
                for name in route.parameterNames { parameters[name] = context.parameters.decoded(name) }
                let command = try route.make(parameters, body)
                do {
                    let recorded = route.answersSignal
                        ? try await append { app in try app.answerSignal(command, as: member.handle) }
                        : try await append(.command(command, actor: member.handle))
                    return try Self.recordedResponse(recorded)
                } catch let error as ParleyError {
                    // The body is the payload: its fields go without `data.`.
                    throw Problem(error).bodyField()
                }
            }
        }
    }

    /// A request's body as JSON (an empty object when there is none).
    ///
    /// - Throws: 413 over `limit` bytes, 400 when it is not JSON.
    static func jsonBody(_ request: Request, limit: Int) async throws -> JSONValue {
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: limit)
        } catch {
            throw Problem(.contentTooLarge, code: "too-large", "the body is larger than \(limit / 1024) KiB")
        }
        let bytes = buffer.readableBytesView
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return .object([]) }
        do {
            return try JSONValue.parse(bytes)
        } catch {
            throw Problem(.badRequest, code: "unreadable-body", "the body is not JSON: \(error)")
        }
    }

    /// `201 Created` with the events recorded (`200` when every one was
    /// already in the log: an idempotent retry).
    static func recordedResponse(_ recorded: [App.Recorded]) throws -> Response {
        let events = try recorded.map { try JSONValue.parse($0.event.jsonLine) }
        let answer = JSONValue.object([
            ("events", .array(events)),
            ("already_recorded", .integer(Int64(recorded.filter(\.alreadyRecorded).count))),
        ])
        let created = recorded.contains { !$0.alreadyRecorded }
        return json(answer, status: created ? .created : .ok)
    }

    /// A JSON answer, in canonical form.
    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"],
                 body: ResponseBody(byteBuffer: ByteBuffer(string: value.canonicalText)))
    }

    /// A result in its documented JSON shape (as `--json` prints it).
    static func json(encoding value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        Response(status: status, headers: [.contentType: "application/json"],
                 body: ResponseBody(byteBuffer: ByteBuffer(string: try CanonicalJSON.text(value))))
    }
}
