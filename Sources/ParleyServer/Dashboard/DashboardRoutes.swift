import Foundation
import HTTPTypes
import Hummingbird
import Mustache
import NIOCore
import ParleyApp
import ParleyCore

extension ParleyServer {
    /// The dashboard: pages for people who never open a terminal, with
    /// the same rules as the CLI. Forms post to the same commands the API
    /// runs (``CommandRoute``); a refusal shows inline, in the rule's words.
    func addDashboardRoutes(to router: Router<ParleyRequestContext>, heartbeatSeconds: Double) {
        router.get("/assets/:file") { _, context in
            let name = context.parameters.get("file") ?? ""
            guard let bytes = DashboardFiles.asset(name) else { throw Problem(.notFound, code: "not-found", "there is no \(name)") }
            let type = name.hasSuffix(".css") ? "text/css; charset=utf-8" : name.hasSuffix(".svg") ? "image/svg+xml" : "text/javascript; charset=utf-8"
            return Response(status: .ok, headers: [.contentType: type, .cacheControl: "no-cache"],
                            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
        }
        router.get("/signin") { request, _ in
            Self.html(Self.signinPage(next: request.uri.queryParameters.get("next"), error: nil))
        }
        router.post("/signin") { request, context in
            try DashboardAuthenticator.checkSameOrigin(request)
            var request = request
            let form = try await DashboardForm(&request)
            let next = Self.safeNext(form["next"])
            let token = form["token"] ?? ""
            if let wait = failures.waitBeforeTrying(from: context.clientAddress) {
                return Self.html(Self.signinPage(next: next, error: "Too many failed attempts; wait \(wait) seconds."), status: .tooManyRequests)
            }
            let member: AuthenticatedMember
            do {
                member = try await app.perform { try $0.authenticate(bearer: token) }
            } catch {
                failures.record(from: context.clientAddress)
                return Self.html(Self.signinPage(next: next, error: "That token is unknown, expired or revoked, or its member left."),
                                 status: .unauthorized)
            }
            let session = try await app.perform { try $0.openSession(for: member) }
            var response = Response.redirect(to: next)
            let secure = request.headers[HTTPField.Name("X-Forwarded-Proto")!] == "https"
            response.setCookie(Cookie(name: DashboardSessions.cookie, value: session.id, maxAge: DashboardSessions.lifetime, path: "/",
                                      secure: secure, httpOnly: true, sameSite: .strict))
            return response
        }

        let pages = router.group().add(middleware: DashboardAuthenticator(app: app))
        pages.post("/signout") { request, context in
            if let id = request.cookies[DashboardSessions.cookie]?.value { try await app.perform { try $0.closeSession(id) } }
            var response = Response.redirect(to: "/signin")
            response.setCookie(Cookie(name: DashboardSessions.cookie, value: "", maxAge: 0, path: "/", httpOnly: true, sameSite: .strict))
            return response
        }
        pages.get("/live") { _, context in
            let member = try context.member()
            let start = try await app.perform { try $0.head().lastPosition }
            return feed(for: member, after: start, limit: nil, heartbeatSeconds: heartbeatSeconds)
        }

        page(pages, "/") { app, _, _, page in try Pages.today(app, page) }
        page(pages, "/tensions") { app, _, _, page in try Pages.tensions(app, page) }
        page(pages, "/tensions/:id") { app, _, id, page in try Pages.tension(app, id, page) }
        page(pages, "/quality") { app, query, _, page in
            let by = query.get("by").flatMap(LeadQualityProjection.Dimension.init(rawValue:)) ?? .source
            return try Pages.quality(app, by: by, page)
        }
        page(pages, "/quality/leads") { app, query, _, page in
            let by = query.get("by").flatMap(LeadQualityProjection.Dimension.init(rawValue:)) ?? .source
            guard let key = query.get("key"), !key.isEmpty else {
                throw ParleyError(.invalid, code: "invalid-input", "say which line of lead quality to open", field: "key")
            }
            return try Pages.leadGroup(app, by: by, key: key, page)
        }
        pages.get("/leads") { request, _ in
            let id = request.uri.queryParameters.get("id")?.trimmingCharacters(in: .whitespaces) ?? ""
            return Response.redirect(to: id.isEmpty ? "/quality" : "/leads/" + (id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? id))
        }
        page(pages, "/leads/:id") { app, _, id, page in try Pages.lead(app, id, page) }
        pages.get("/criteria") { request, context in
            let page = try Self.pageContext(request, context)
            // A form's GET encodes spaces as `+`: read the query as a form.
            let form = (try? URLEncodedFormDecoder().decode([String: String].self, from: request.uri.query ?? "")) ?? [:]
            let ask = Pages.WhatIfAsk(rules: form["rules"], version: form["version"].flatMap { Int64($0) },
                                      since: form["since"].flatMap(Timestamp.init(timeOrDate:)),
                                      until: form["until"].flatMap(Timestamp.init(timeOrDate:)))
            let rendered = try await app.perform { app in try Pages.criteria(app, page, whatIf: ask) }
            return Self.html(rendered.html)
        }
        page(pages, "/sla") { app, _, _, page in try Pages.sla(app, page) }
        page(pages, "/meetings") { app, _, _, page in try Pages.meetings(app, page) }
        page(pages, "/log") { app, query, _, page in
            try Pages.log(app, filter: EventFilter(stream: query.get("stream").flatMap { $0.isEmpty ? nil : $0 },
                                                   type: query.get("type").flatMap { $0.isEmpty ? nil : $0 },
                                                   actor: query.get("actor").flatMap { $0.isEmpty ? nil : $0 }), verify: nil, page)
        }
        page(pages, "/log/:id") { app, _, id, page in
            guard let position = Int64(id), position > 0 else { throw ParleyError(.notFound, code: "not-found", "there is no event \(id)") }
            return try Pages.event(app, position: position, page)
        }
        pages.post("/log/verify") { request, context in
            let page = try Self.pageContext(request, context)
            let rendered = try await app.perform { app in
                try Pages.log(app, filter: EventFilter(), verify: try app.verify(), page)
            }
            return Self.html(rendered.html)
        }
        page(pages, "/retro") { _, _, _, page in
            let now = Timestamp.now()
            let from = Timestamp(microseconds: now.microseconds - 90 * 86_400_000_000)
            return Page.render("retro", title: "Retrospective", nav: "retro", ["from": Shown.day(from), "to": Shown.day(now)], page)
        }
        pages.get("/retro/report") { request, _ in
            let query = QueryParameters(request)
            guard let from = try query.time("from"), let to = try query.time("to"), from < to else {
                throw Problem(.unprocessableContent, code: "invalid-input", "give a period: from before to", field: "from")
            }
            let report = try await app.perform { try $0.retro(RetroQuery(from: from, to: to)).html() }
            // The report is one self-contained page with its own inline styles, and no script.
            return Response(status: .ok, headers: [
                .contentType: "text/html; charset=utf-8",
                .contentSecurityPolicy: "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'",
            ], body: ResponseBody(byteBuffer: ByteBuffer(string: report)))
        }

        // Forms: each is a command route's body, from the form's fields.
        form(pages, "/tensions", command: "/api/v1/tensions", then: { _, _ in "/tensions" },
             body: { form, _ in [("title", form["title"]), ("severity", form["severity"]), ("category", form["category"]),
                                 ("description", form["description"])] },
             page: { app, _, page in try Pages.tensions(app, page) })
        for action in ["comment", "escalate", "resolve", "reopen"] {
            form(pages, "/tensions/:id/\(action)", command: "/api/v1/tensions/{tension}/\(action)", then: { id, _ in "/tensions/\(id)" },
                 body: { form, _ in [("comment", form["comment"]), ("to", form["to"]), ("reason", form["reason"]), ("resolution", form["resolution"])] },
                 page: { app, id, page in try Pages.tension(app, id, page) })
        }
        for action in ["accept", "reject", "feedback"] {
            form(pages, "/leads/:id/\(action)", command: "/api/v1/leads/{lead}/\(action)", then: { id, _ in "/leads/\(id)" },
                 body: { form, _ in
                    var fields: [(String, String?)] = [("reason", form["reason"]), ("comment", form["comment"])]
                    if action == "feedback" { fields.append(("rating", form["rating"])); fields.append(("objections", form["objection"])) }
                    return fields
                 },
                 page: { app, id, page in try Pages.lead(app, id, page) })
        }
        form(pages, "/criteria", command: "/api/v1/criteria", then: { _, _ in "/criteria" },
             body: { form, _ in [("rules", form["rules"]), ("rationale", form["rationale"])] },
             page: { app, _, page in try Pages.criteria(app, page) })
        form(pages, "/criteria/:id/agree", command: "/api/v1/criteria/{version}/agree", then: { _, _ in "/criteria" },
             body: { form, _ in [("team", form["team"])] }, page: { app, _, page in try Pages.criteria(app, page) })
        form(pages, "/sla/:id/agree", command: "/api/v1/sla/{version}/agree", then: { _, _ in "/sla" },
             body: { form, _ in [("team", form["team"])] }, page: { app, _, page in try Pages.sla(app, page) })
        form(pages, "/agreements", command: "/api/v1/agreements", then: { _, _ in "/criteria#agreements" },
             body: { form, _ in [("agreement", form["agreement"]), ("text", form["text"]), ("rationale", form["rationale"])] },
             page: { app, _, page in try Pages.criteria(app, page) })
        form(pages, "/agreements/:id/:version/agree", command: "/api/v1/agreements/{agreement}/{version}/agree",
             then: { _, _ in "/criteria#agreements" },
             body: { form, _ in [("team", form["team"])] }, page: { app, _, page in try Pages.criteria(app, page) })
        form(pages, "/meetings", command: "/api/v1/meetings", then: { _, _ in "/meetings" },
             body: { form, _ in
                [("title", form["title"]), ("attendees", form["attendees"]), ("decisions", form["decisions"]),
                 ("action_text", form["action_text"]), ("action_owner", form["action_owner"]), ("action_due", form["action_due"])]
             },
             page: { app, _, page in try Pages.meetings(app, page) })
        form(pages, "/actions/:id/complete", command: "/api/v1/actions/{action}/complete", then: { _, _ in "/meetings" },
             body: { _, _ in [] }, page: { app, _, page in try Pages.meetings(app, page) })
        form(pages, "/signals/:id/acknowledge", command: "/api/v1/signals/{signal}/acknowledge", then: { _, _ in "/" },
             body: { _, _ in [] }, page: { app, _, page in try Pages.today(app, page) })
    }

    /// A page: read through the facade off the event loop, rendered with
    /// the session's parts; `?as_of=` replays it.
    private func page(_ group: RouterGroup<ParleyRequestContext>, _ path: String,
                      _ build: @escaping @Sendable (App, Parameters, String, PageContext) throws -> RenderedPage) {
        group.get(RouterPath(path)) { request, context in
            let page = try Self.pageContext(request, context)
            let query = request.uri.queryParameters
            let id = context.parameters.decoded("id") ?? ""
            do {
                let rendered = try await app.perform { app in try build(app, query, id, page) }
                return Self.html(rendered.html)
            } catch {
                let problem = Problem(mapping: error)
                var failed = page
                failed.error = problem.detail
                let heading = problem.status == .notFound ? "Not found" : "This page could not be shown"
                let rendered = Page.render("error", title: heading, nav: "", ["heading": heading], failed)
                return Self.html(rendered.html, status: problem.status)
            }
        }
    }

    /// A form: its fields become the body of the command route at `command`
    /// (numbers as numbers, lists split); success redirects to `then`, a
    /// refusal renders `page` again with the rule's words.
    private func form(_ group: RouterGroup<ParleyRequestContext>, _ path: String, command: String,
                      then: @escaping @Sendable (String, DashboardForm) -> String,
                      body: @escaping @Sendable (DashboardForm, String) -> [(String, String?)],
                      page render: @escaping @Sendable (App, String, PageContext) throws -> RenderedPage) {
        guard let route = CommandRoute.all.first(where: { $0.path == command }) else { return }
        group.post(RouterPath(path)) { request, context in
            let member = try context.member()
            var request = request
            let form = try await DashboardForm(&request)
            let id = context.parameters.decoded("id") ?? ""
            // The first parameter is the page's `:id`; any others keep their names (`:version`).
            var parameters: [String: String] = [:]
            for (index, name) in route.parameterNames.enumerated() {
                parameters[name] = index == 0 ? id : context.parameters.decoded(name)
            }
            do {
                let json = Self.body(from: body(form, id), command: command)
                let made = try route.make(parameters, json)
                _ = route.answersSignal
                    ? try await append { app in try app.answerSignal(made, as: member.handle) }
                    : try await append(.command(made, actor: member.handle))
                return Response.redirect(to: then(id, form))
            } catch {
                let problem = Problem(mapping: error).bodyField()
                var page = try Self.pageContext(request, context)
                page.error = problem.field.map { "\($0): \(problem.detail)" } ?? problem.detail
                if let remedy = problem.remedy { page.error! += "; \(remedy)" }
                let failed = page
                let rendered = try await app.perform { app in try render(app, id, failed) }
                return Self.html(rendered.html, status: problem.status)
            }
        }
    }

    /// A form's fields as a command's JSON body.
    static func body(from fields: [(String, String?)], command: String) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = []
        var item: [(key: String, value: JSONValue)] = []
        for (name, value) in fields {
            guard let value, !value.isEmpty else { continue }
            switch name {
            case "rating": members.append((name, Int64(value).map(JSONValue.integer) ?? .string(value)))
            case "objections": members.append((name, .array([.string(value)])))
            case "attendees":
                members.append((name, .array(value.split(separator: ",").map { .string($0.trimmingCharacters(in: .whitespaces)) }.filter { $0 != .string("") })))
            case "decisions":
                members.append((name, .array(value.split(whereSeparator: \.isNewline).map { .string($0.trimmingCharacters(in: .whitespaces)) }
                    .filter { $0 != .string("") })))
            case "action_text": item.append(("text", .string(value)))
            case "action_owner": item.append(("owner", .string(value)))
            case "action_due": item.append(("due", .string(value)))
            default: members.append((name, .string(value)))
            }
        }
        if !item.isEmpty { members.append(("action_items", .array([.object(item)]))) }
        return .object(members)
    }

    static func pageContext(_ request: Request, _ context: ParleyRequestContext) throws -> PageContext {
        guard let session = context.session else { throw Problem(.unauthorized, code: "unauthenticated", "sign in first") }
        let query = QueryParameters(request)
        let asOf = query.string("as_of")
        let known = try query.time("known_at")
        guard asOf == nil || Timestamp(timeOrDate: asOf!) != nil else {
            throw Problem(.unprocessableContent, code: "invalid-input", "as_of must be a date YYYY-MM-DD or an RFC 3339 time", field: "as_of")
        }
        // A date replays to the end of that day: what had happened by then.
        let moment = asOf.flatMap(Timestamp.init(timeOrDate:)).map { asOf!.utf8.count == 10 ? Timestamp(microseconds: $0.microseconds + 86_399_999_999) : $0 }
        return PageContext(member: session.member, csrf: session.csrf, path: request.uri.path, asOf: asOf,
                           window: ReplayWindow(asOf: moment, knownAt: known))
    }

    static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [
            .contentType: "text/html; charset=utf-8",
            .contentSecurityPolicy: "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
            HTTPField.Name("X-Content-Type-Options")!: "nosniff",
            HTTPField.Name("Referrer-Policy")!: "same-origin",
        ], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    static func signinPage(next: String?, error: String?) -> String {
        var model: [String: Any] = ["next": safeNext(next)]
        if let error { model["error"] = error }
        return DashboardFiles.library.render(Page.blanked(model), withTemplate: "signin") ?? "sign in"
    }

    /// Where to go after signing in: a path on this site only.
    static func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.contains("\\") else { return "/" }
        return next
    }
}
