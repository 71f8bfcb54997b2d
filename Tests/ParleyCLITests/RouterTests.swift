import Foundation
import Hummingbird
import HummingbirdTesting
import ParleyApp
import ParleyCore
@testable import ParleyServer
import Testing

/// The server's router in process (HummingbirdTesting), over a real log
/// file: every route's guard, and the answers a client relies on. The live
/// server, over the network, is ServerTests'.
@Suite struct RouterTests {
    /// A log with a manager, a marketer and a sales rep, a token each, and the router over it.
    struct Fixture {
        let folder: URL
        let app: App
        let tokens: [String: String]
        let application: Application<RouterResponder<ParleyRequestContext>>

        init() throws {
            folder = FileManager.default.temporaryDirectory.appending(path: "parley-router-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            app = try App.create(at: folder.appending(path: "parley.db").path).0
            var tokens: [String: String] = [:]
            for (handle, team) in [("lee@mgmt", "management"), ("mia@marketing", "marketing"), ("sam@sales", "sales")] {
                try app.run(.addMember(MemberJoined(handle: handle, name: handle, team: team)), as: "lee@mgmt", bootstrap: true)
                tokens[handle] = try app.issueToken(for: handle, label: nil, expiresAt: nil, as: "lee@mgmt").secret
            }
            self.tokens = tokens
            application = Application(router: ParleyServer(app: app).router())
        }

        func headers(_ member: String? = nil, json: Bool = false) -> HTTPFields {
            var fields = HTTPFields()
            if let member, let token = tokens[member] { fields[.authorization] = "Bearer \(token)" }
            if json { fields[.contentType] = "application/json" }
            return fields
        }
    }

    private func json(_ response: TestResponse) -> JSONValue? { try? JSONValue.parse(String(buffer: response.body)) }

    @Test func everyAPIRouteButHealthMetricsAndTheDocumentNeedsAToken() async throws {
        let fixture = try Fixture()
        defer { try? FileManager.default.removeItem(at: fixture.folder) }
        try await fixture.application.test(.router) { client in
            for view in ViewRoute.all {
                try await client.execute(uri: "/api/v1/views/\(view.name)", method: .get) { response in
                    #expect(response.status == .unauthorized, "\(view.name)")
                    #expect(response.headers[.contentType] == "application/problem+json", "\(view.name)")
                }
            }
            for route in CommandRoute.all {
                let path = route.path.replacingOccurrences(of: #"\{[a-z]+\}"#, with: "1", options: .regularExpression)
                try await client.execute(uri: path, method: .post, headers: fixture.headers(json: true), body: ByteBuffer(string: "{}")) { response in
                    #expect(response.status == .unauthorized, "\(route.path)")
                }
            }
            for path in ["/api/v1/events", "/api/v1/feed?limit=1", "/api/v1/tokens"] {
                try await client.execute(uri: path, method: .get) { #expect($0.status == .unauthorized, "\(path)") }
            }
            for path in ["/healthz", "/metrics", "/api/v1/openapi.json"] {
                try await client.execute(uri: path, method: .get) { #expect($0.status == .ok, "\(path)") }
            }
            // A token in the query string is refused, never read: it would land in logs.
            try await client.execute(uri: "/api/v1/views/members?access_token=\(fixture.tokens["sam@sales"]!)", method: .get) { response in
                #expect(response.status == .badRequest && self.json(response)?["code"] == .string("token-in-query"))
            }
        }
    }

    @Test func theDocumentListsEveryIssueKindAndTheCataloguesBodies() async throws {
        let fixture = try Fixture()
        defer { try? FileManager.default.removeItem(at: fixture.folder) }
        try await fixture.application.test(.router) { client in
            try await client.execute(uri: "/api/v1/openapi.json", method: .get) { response in
                let document = try #require(self.json(response))
                let issues = document["paths"]?["/api/v1/views/issues"]?["get"]?["parameters"]
                var kinds: [String] = []
                if case let .array(parameters)? = issues, let kind = parameters.first(where: { $0["name"] == .string("kind") }),
                   case let .array(names)? = kind["schema"]?["items"]?["enum"] {
                    kinds = names.compactMap(\.stringValue)
                }
                #expect(kinds == IssuesQuery.kinds)
                // A payload's body is the catalogue's: the lead's id comes from the path, its rating is 1 to 5.
                let feedback = document["paths"]?["/api/v1/leads/{lead}/feedback"]?["post"]?["requestBody"]?["content"]?["application/json"]?["schema"]
                #expect(feedback?["properties"]?["lead"] == nil)
                #expect(feedback?["properties"]?["rating"]?["maximum"] == .integer(5))
                #expect(feedback?["additionalProperties"] == .bool(false))
            }
        }
    }

    @Test func everyViewAnswersWithAToken() async throws {
        let fixture = try Fixture()
        defer { try? FileManager.default.removeItem(at: fixture.folder) }
        try fixture.app.run(.proposeAgreement(name: "personas", text: "IT managers", rationale: nil), as: "mia@marketing")
        try fixture.app.run(.sendLead(LeadSent(lead: "L-1", source: "webinar", assignedTo: "sam@sales")), as: "mia@marketing")
        try fixture.app.run(.flagTension(.init(title: "Webinar leads are students", severity: "high", category: "lead-quality")), as: "sam@sales")
        // The views that show one thing are asked for one that is there.
        let one = ["agreement": "?name=personas", "lead": "?lead=L-1", "tension": "?tension=T-1"]
        try await fixture.application.test(.router) { client in
            for view in ViewRoute.all {
                let query = one[view.name] ?? ""
                try await client.execute(uri: "/api/v1/views/\(view.name)\(query)", method: .get, headers: fixture.headers("sam@sales")) { response in
                    #expect(response.status == .ok, "\(view.name): \(String(buffer: response.body))")
                    #expect(response.headers[.contentType]?.hasPrefix("application/json") == true, "\(view.name)")
                }
            }
            try await client.execute(uri: "/api/v1/views/agreement", method: .get, headers: fixture.headers("sam@sales")) { response in
                #expect(response.status == .unprocessableContent)
                #expect(self.json(response)?["field"] == .string("name"))
            }
            for (view, field) in [("lead", "lead"), ("tension", "tension")] {
                try await client.execute(uri: "/api/v1/views/\(view)", method: .get, headers: fixture.headers("sam@sales")) { response in
                    #expect(response.status == .unprocessableContent && self.json(response)?["field"] == .string(field), "\(view)")
                }
            }
            for missing in ["agreement?name=messaging", "lead?lead=L-404", "tension?tension=T-404"] {
                try await client.execute(uri: "/api/v1/views/\(missing)", method: .get, headers: fixture.headers("sam@sales")) {
                    #expect($0.status == .notFound, "\(missing)")
                }
            }
            try await client.execute(uri: "/api/v1/views/tensions?state=closed", method: .get, headers: fixture.headers("sam@sales")) { response in
                #expect(response.status == .unprocessableContent && self.json(response)?["field"] == .string("state"))
            }
            try await client.execute(uri: "/api/v1/views/sla?as_of=soon", method: .get, headers: fixture.headers("sam@sales")) { response in
                #expect(response.status == .unprocessableContent && self.json(response)?["field"] == .string("as_of"))
            }
        }
    }

    @Test func aSignatureIsTheTokensMembersAndTheRulesApply() async throws {
        let fixture = try Fixture()
        defer { try? FileManager.default.removeItem(at: fixture.folder) }
        try await fixture.application.test(.router) { client in
            try await client.execute(uri: "/api/v1/sla", method: .post, headers: fixture.headers("mia@marketing", json: true),
                                     body: ByteBuffer(string: #"{"follow_up_hours":24}"#)) { response in
                #expect(response.status == .created)
                var types: [String] = []
                if case let .array(events)? = self.json(response)?["events"] { types = events.compactMap { $0["type"]?.stringValue } }
                #expect(types == ["sla.set", "sla.agreed"], "marketing's proposal is marketing's signature")
            }
            // Sales may not sign for marketing; it signs for itself.
            try await client.execute(uri: "/api/v1/sla/1/agree", method: .post, headers: fixture.headers("sam@sales", json: true),
                                     body: ByteBuffer(string: #"{"team":"marketing"}"#)) { response in
                #expect(response.status == .forbidden && self.json(response)?["code"] == .string("rule-violation"))
            }
            try await client.execute(uri: "/api/v1/sla/1/agree", method: .post, headers: fixture.headers("sam@sales", json: true)) {
                #expect($0.status == .created)
            }
            try await client.execute(uri: "/api/v1/sla/x/agree", method: .post, headers: fixture.headers("sam@sales", json: true)) { response in
                #expect(response.status == .unprocessableContent && self.json(response)?["field"] == .string("version"))
            }
            // An event naming another actor is refused.
            let spoofed = #"{"stream":"sla/main","type":"sla.agreed","actor":"lee@mgmt","data":{"version":1,"team":"marketing"}}"#
            try await client.execute(uri: "/api/v1/events", method: .post, headers: fixture.headers("sam@sales", json: true),
                                     body: ByteBuffer(string: spoofed)) { response in
                #expect(response.status == .forbidden && self.json(response)?["field"] == .string("actor"))
            }
        }
        let sla = try fixture.app.sla()
        #expect(sla.inForce?.version == 1)
        #expect(sla.versions.inForce?.signatures.map { $0.by } == ["mia@marketing", "sam@sales"])
    }

    @Test func pathParametersArriveDecodedAndUnknownMethodsAreNotAllowed() async throws {
        let fixture = try Fixture()
        defer { try? FileManager.default.removeItem(at: fixture.folder) }
        try await fixture.application.test(.router) { client in
            try await client.execute(uri: "/api/v1/leads", method: .post, headers: fixture.headers("mia@marketing", json: true),
                                     body: ByteBuffer(string: #"{"lead":"L-ü","source":"webinar","assigned_to":"sam@sales"}"#)) {
                #expect($0.status == .created)
            }
            try await client.execute(uri: "/api/v1/leads/L-%C3%BC/accept", method: .post, headers: fixture.headers("sam@sales", json: true)) { response in
                #expect(response.status == .created, "\(String(buffer: response.body))")
            }
            try await client.execute(uri: "/api/v1/leads/L-1/accept", method: .get, headers: fixture.headers("sam@sales")) { response in
                #expect(response.status == .methodNotAllowed && response.headers[.allow] == "POST")
            }
            try await client.execute(uri: "/healthz", method: .delete) { #expect($0.status == .methodNotAllowed) }
            try await client.execute(uri: "/api/v1/nothing-here", method: .get, headers: fixture.headers("sam@sales")) {
                #expect($0.status == .notFound)
            }
        }
        var types: [String] = []
        try fixture.app.events(EventFilter(stream: "lead/L-ü")) { types.append($0.type); return true }
        #expect(types == ["lead.sent", "lead.accepted"])
    }

    @Test func todayListsTheMostPressingIssuesAndCountsTheRest() async throws {
        let fixture = try Fixture()
        defer { try? FileManager.default.removeItem(at: fixture.folder) }
        for number in 1...30 {
            try fixture.app.run(.flagTension(Command.FlagTension(title: "Tension \(number)", severity: number <= 2 ? "high" : "low",
                                                                 category: "other")), as: "sam@sales")
        }
        try await fixture.application.test(.router) { client in
            let cookie = try await client.execute(uri: "/signin", method: .post,
                                                  headers: [.contentType: "application/x-www-form-urlencoded", .origin: "http://localhost"],
                                                  body: ByteBuffer(string: "token=" + fixture.tokens["lee@mgmt"]!.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)) {
                $0.headers[.setCookie].map { String($0.split(separator: ";")[0]) } ?? ""
            }
            try await client.execute(uri: "/", method: .get, headers: [.cookie: cookie]) { response in
                let page = String(buffer: response.body)
                #expect(response.status == .ok)
                #expect(page.components(separatedBy: "<span class=\"badge").count - 1 == Pages.issuesShown)
                #expect(page.contains("5 more: 5 tension"), "the rest counted, by kind")
                #expect(page.contains(">T-1<") && page.contains(">T-2<"), "the high ones first")
                // No month to compare with: no trend, and no empty frame where it would be.
                #expect(!page.contains("<span class=\"\"></span>"), "an empty trend opened its section")
            }
        }
    }

    /// Figures on the pages read at a glance: thousands grouped, nothing for no figure.
    /// swift-mustache opens a section for any string, even an empty one:
    /// the pages' models carry empty texts as blanks, which open none.
    @Test func anEmptyTextOpensNoSection() throws {
        let model = Page.blanked(["a": "", "b": "x", "list": [["c": ""]]] as [String: Any]) as! [String: Any]
        #expect(model["a"] is Page.Blank && model["b"] as? String == "x")
        #expect(((model["list"] as? [Any])?.first as? [String: Any])?["c"] is Page.Blank)
    }

    @Test func countsAreShownWithTheirThousandsGrouped() {
        #expect(Shown.count(93_192) == "93,192")
        #expect(Shown.count(211_048_400) == "211,048,400")
        #expect(Shown.count(999) == "999" && Shown.count(1_000) == "1,000" && Shown.count(0) == "0")
        #expect(Shown.count(-1_234.4) == "-1,234" && Shown.count(12.6) == "13")
        #expect(Shown.count(nil) == "–" && Shown.count(.infinity) == "–")
    }

    @Test func pagesSendStrangersToSignInAndForbidInlineScript() async throws {
        let fixture = try Fixture()
        defer { try? FileManager.default.removeItem(at: fixture.folder) }
        try await fixture.application.test(.router) { client in
            for path in ["/", "/quality", "/quality/leads?by=source&key=webinar", "/criteria", "/sla", "/tensions", "/log", "/retro"] {
                try await client.execute(uri: path, method: .get) { response in
                    #expect(response.status == .seeOther, "\(path)")
                    #expect(response.headers[.location]?.hasPrefix("/signin?next=") == true, "\(path)")
                }
            }
            try await client.execute(uri: "/signin", method: .get) { response in
                #expect(response.status == .ok)
                let policy = response.headers[.contentSecurityPolicy] ?? ""
                #expect(policy.contains("script-src 'self'") && !policy.contains("unsafe-inline"), "\(policy)")
            }
            // A form posted by a stranger goes nowhere.
            try await client.execute(uri: "/agreements/personas/1/agree", method: .post,
                                     headers: [.contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: "team=sales")) {
                #expect($0.status != .ok && $0.status != .seeOther || $0.headers[.location]?.hasPrefix("/signin") == true)
            }
        }
        #expect(try fixture.app.agreements().isEmpty)
    }
}
