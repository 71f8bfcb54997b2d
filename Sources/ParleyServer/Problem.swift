import Foundation
public import HTTPTypes
public import Hummingbird
import Logging
import NIOCore
import ParleyApp
public import ParleyCore

/// An error as the API answers it: `application/problem+json` (RFC 9457),
/// with the message, and the field and line at fault where there is one.
///
/// ```json
/// {"type": "urn:parley:problem:rule-violation", "title": "Not allowed", "status": 403,
///  "code": "rule-violation", "detail": "only sales members may reject leads; mia@marketing is in marketing"}
/// ```
public struct Problem: HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    /// A stable name for scripts: `invalid-event`, `version-conflict`, …
    public var code: String
    public var detail: String
    public var remedy: String?
    public var field: String?
    public var line: Int?
    /// Extra headers (`Retry-After`, `WWW-Authenticate`).
    public var headers: HTTPFields = [:]

    public init(_ status: HTTPResponse.Status, code: String, _ detail: String, remedy: String? = nil,
                field: String? = nil, line: Int? = nil) {
        self.status = status
        self.code = code
        self.detail = detail
        self.remedy = remedy
        self.field = field
        self.line = line
    }

    /// The facade's error, with the status its kind stands for.
    public init(_ error: ParleyError) {
        let status: HTTPResponse.Status = switch error.kind {
        case .invalid: error.code == "unreadable-body" ? .badRequest : .unprocessableContent
        case .conflict: .conflict
        case .notFound: .notFound
        case .notAllowed: .forbidden
        case .unauthenticated: .unauthorized
        case .integrity, .database, .failure: .internalServerError
        }
        self.init(status, code: error.code, error.message, remedy: error.remedy, field: error.field, line: error.line)
        if status == .unauthorized { headers[.wwwAuthenticate] = "Bearer" }
    }

    /// Any error as the API shows it: a problem as it is, the facade's by its kind.
    public init(mapping error: any Error) {
        switch error {
        case let problem as Problem: self = problem
        case let error as ParleyError: self.init(error)
        default: self.init(ParleyError(mapping: error))
        }
    }

    /// The problem document.
    public var document: JSONValue {
        var members: [String: JSONValue] = [
            "type": .string("urn:parley:problem:\(code)"),
            "title": .string(status.reasonPhrase),
            "status": .integer(Int64(status.code)),
            "code": .string(code),
            "detail": .string(detail),
        ]
        if let remedy { members["remedy"] = .string(remedy) }
        if let field { members["field"] = .string(field) }
        if let line { members["line"] = .integer(Int64(line)) }
        return .object(members)
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = headers
        headers[.contentType] = "application/problem+json"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: document.canonicalText)))
    }
}

/// Turns every error a handler throws into a ``Problem``: the facade's
/// errors by their kind, Hummingbird's by their status. Nothing leaves
/// the server as a bare 500 with a stack of internals.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let problem as Problem {
            throw problem
        } catch let error as ParleyError {
            throw Problem(error)
        } catch let error as any HTTPResponseError {
            let status = error.status
            // A path the API has, asked with a method it does not take.
            let allowed = status == .notFound ? OpenAPIDocument.methods(at: request.uri.path) : []
            if !allowed.isEmpty {
                var problem = Problem(.methodNotAllowed, code: "method-not-allowed",
                                      "\(request.method) is not allowed on \(request.uri.path); it takes \(allowed.joined(separator: ", "))")
                problem.headers[.allow] = allowed.joined(separator: ", ")
                throw problem
            }
            let detail: String = switch status {
            case .notFound: "there is nothing at \(request.uri.path)"
            case .contentTooLarge: "the body is larger than the server takes"
            case .methodNotAllowed: "\(request.method) is not allowed on \(request.uri.path)"
            default: status.reasonPhrase
            }
            let code = status == .notFound ? "no-route" : status.reasonPhrase.lowercased().replacingOccurrences(of: " ", with: "-")
            throw Problem(status, code: code, detail)
        } catch {
            context.logger.error("request failed", metadata: ["error": "\(error)"])
            throw Problem(.internalServerError, code: "failure", "the server failed to answer; see its log")
        }
    }
}
