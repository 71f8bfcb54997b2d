import Foundation
import HTTPTypes
import Hummingbird
import ParleyApp

/// Who a browser is: its session cookie, whose token must still be in
/// force (revoking the token ends its sessions). A page asked for without
/// one goes to the sign-in page; a form posted without the session's CSRF
/// token, or from another site, is refused.
struct DashboardAuthenticator: RouterMiddleware {
    typealias Context = ParleyRequestContext
    let app: App

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let id = request.cookies[DashboardSessions.cookie]?.value, let session = try await app.perform({ try $0.session(id) }) else {
            if request.method == .get {
                let next = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
                return Response.redirect(to: "/signin?next=" + (next.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/"))
            }
            throw Problem(.unauthorized, code: "unauthenticated", "sign in first", remedy: "open /signin and paste your token")
        }
        var request = request
        if request.method == .post {
            try Self.checkSameOrigin(request)
            let form = try await DashboardForm(&request)
            guard form["_csrf"] == session.csrf else {
                throw Problem(.forbidden, code: "csrf", "this form is out of date or was not sent from Parley's pages",
                              remedy: "reload the page and send it again")
            }
            var context = context
            context.identity = AuthenticatedMember(handle: session.member, tokenID: session.tokenID)
            context.session = session
            return try await next(request, context)
        }
        var context = context
        context.identity = AuthenticatedMember(handle: session.member, tokenID: session.tokenID)
        context.session = session
        return try await next(request, context)
    }

    /// A post from another site is refused: `Sec-Fetch-Site` when the
    /// browser sends it, else `Origin` against `Host`.
    static func checkSameOrigin(_ request: Request) throws {
        let refused = Problem(.forbidden, code: "cross-site", "a form from another site may not write to Parley")
        if let site = request.headers[HTTPField.Name("Sec-Fetch-Site")!], site != "same-origin" && site != "none" { throw refused }
        if let origin = request.headers[.origin], origin != "null" {
            let host = request.head.authority ?? ""
            guard let url = URL(string: origin), let originHost = url.host else { throw refused }
            let originAuthority = originHost + (url.port.map { ":\($0)" } ?? "")
            if originAuthority != host { throw refused }
        }
    }
}

/// A form's fields (`application/x-www-form-urlencoded`), read once.
struct DashboardForm: Sendable {
    let fields: [String: String]

    init(_ request: inout Request) async throws {
        let buffer = try await request.collectBody(upTo: ServerLimits.eventBytes)
        let text = String(buffer: buffer)
        do {
            fields = text.isEmpty ? [:] : try URLEncodedFormDecoder().decode([String: String].self, from: text)
        } catch {
            throw Problem(.badRequest, code: "unreadable-body", "the form could not be read")
        }
    }

    subscript(_ name: String) -> String? {
        fields[name].flatMap { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : $0 }
    }
}

extension Response {
    static func redirect(to location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }
}
