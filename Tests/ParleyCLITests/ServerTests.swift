import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import ParleyCore
@testable import ParleyServer
import Testing

/// `parley serve`, tested through a real process on a loopback port.
@Suite(.serialized) struct ServerTests {
    @Test func commandsAreRecordedAsTheTokensMemberAndViewsMatchTheCLI() async throws {
        let workspace = try Workspace()
        let tokens = try workspace.teamWithTokens()
        let server = try LiveServer(workspace)
        defer { _ = server.stop() }

        let sent = try await server.send(.POST, "/api/v1/leads", token: tokens.mia,
                                         body: #"{"lead":"L-1","source":"webinar","assigned_to":"sam@sales"}"#)
        #expect(sent.status == 201, "\(sent.body)")
        #expect(sent.json?["events"].flatMap { if case let .array(items) = $0 { items.first } else { nil } }?["type"] == .string("lead.sent"))
        let rejected = try await server.send(.POST, "/api/v1/leads/L-1/reject", token: tokens.sam, body: #"{"reason":"no-budget"}"#)
        #expect(rejected.status == 201, "\(rejected.body)")
        let tension = try await server.send(.POST, "/api/v1/tensions", token: tokens.sam,
                                            body: #"{"title":"Webinar leads are students","severity":"high","category":"lead-quality"}"#)
        #expect(tension.status == 201, "\(tension.body)")

        // Who recorded each event is the token's member, and Parley numbered the tension.
        let log = try workspace.events().suffix(3)
        #expect(log.map { $0["actor"]?.stringValue } == ["mia@marketing", "sam@sales", "sam@sales"])
        #expect(log.last?["stream"] == .string("tension/T-1"))

        // The same rules as the CLI: marketing may not accept a lead.
        let refused = try await server.send(.POST, "/api/v1/leads/L-1/accept", token: tokens.mia)
        #expect(refused.status == 403)
        #expect(refused.headers["Content-Type"].first == "application/problem+json")
        #expect(refused.json?["code"] == .string("rule-violation"))
        #expect(refused.json?["detail"]?.stringValue?.contains("only sales members may accept leads") == true)

        // Agreements signed over HTTP, each by the token's member for their team.
        for (path, token, body) in [("/api/v1/sla", tokens.lee, #"{"follow_up_hours":24}"#), ("/api/v1/sla/1/agree", tokens.sam, "{}"),
                                    ("/api/v1/agreements", tokens.mia, #"{"agreement":"personas","text":"IT leads at firms of 50+"}"#),
                                    ("/api/v1/agreements/personas/1/agree", tokens.sam, "{}")] {
            let signed = try await server.send(.POST, path, token: token, body: body)
            #expect(signed.status == 201, "\(path): \(signed.body)")
        }
        let twice = try await server.send(.POST, "/api/v1/agreements/personas/1/agree", token: tokens.sam)
        #expect(twice.status == 403 && twice.json?["detail"]?.stringValue?.contains("sales already agreed") == true, "\(twice.body)")
        #expect(try workspace.events().suffix(5).map { $0["type"]?.stringValue } == ["sla.set", "sla.agreed", "agreement.proposed", "agreement.agreed", "agreement.agreed"])

        // A view over HTTP is the CLI's --json, byte for byte.
        for (route, command) in [("quality?by=source", ["quality", "--by", "source", "--json"]), ("issues", ["issues", "--json"]),
                                 ("sla", ["sla", "--json"]), ("agreements", ["agreements", "--json"]),
                                 ("agreement?name=personas&version=1", ["agreement", "show", "personas", "--version", "1", "--json"]),
                                 ("members", ["members", "--json"]), ("criteria", ["criteria", "history", "--json"]),
                                 ("routing?rep=sam%40sales", ["routing", "--rep", "sam@sales", "--json"]),
                                 ("content?as_of=2030-01-01", ["content", "--as-of", "2030-01-01", "--json"]),
                                 ("lead?lead=L-1", ["lead", "show", "L-1", "--json"]), ("tensions?state=open", ["tension", "list", "--state", "open", "--json"]),
                                 ("tension?tension=T-1", ["tension", "show", "T-1", "--json"])] {
            let answer = try await server.send(.GET, "/api/v1/views/\(route)", token: tokens.lee)
            #expect(answer.status == 200, "\(route): \(answer.body)")
            #expect(answer.body == (try workspace.ok(command).stdout.trimmingCharacters(in: .newlines)), "\(route)")
        }
    }

    @Test func badInputGetsAProblemNamingTheFieldAndWritesNothing() async throws {
        let workspace = try Workspace()
        let tokens = try workspace.teamWithTokens()
        let server = try LiveServer(workspace)
        defer { _ = server.stop() }
        let before = try workspace.events().count

        let rating = try await server.send(.POST, "/api/v1/leads/L-9/feedback", token: tokens.sam, body: #"{"rating":9}"#)
        #expect(rating.status == 422)
        #expect(rating.json?["field"] == .string("rating"), "\(rating.body)")
        let notJSON = try await server.send(.POST, "/api/v1/leads", token: tokens.mia, body: "{lead: L-1")
        #expect(notJSON.status == 400, "\(notJSON.body)")
        let missing = try await server.send(.POST, "/api/v1/leads/L-404/accept", token: tokens.sam)
        #expect(missing.status == 404 || missing.status == 403, "\(missing.body)")
        let asOf = try await server.send(.GET, "/api/v1/views/quality?as_of=yesterday", token: tokens.mia)
        #expect(asOf.status == 422 && asOf.json?["field"] == .string("as_of"), "\(asOf.body)")
        let big = try await server.send(.POST, "/api/v1/tensions", token: tokens.sam,
                                        body: #"{"title":"x","severity":"low","category":"other","description":""# + String(repeating: "a", count: 70_000) + #""}"#)
        #expect(big.status == 413, "\(big.status)")
        let nowhere = try await server.send(.GET, "/api/v1/nowhere", token: tokens.sam)
        #expect(nowhere.status == 404)
        #expect(try workspace.events().count == before)
    }

    @Test func aBatchIsAllOrNothingIdempotentAndNeverSpoofed() async throws {
        let workspace = try Workspace()
        let tokens = try workspace.teamWithTokens()
        let server = try LiveServer(workspace)
        defer { _ = server.stop() }
        let before = try workspace.events().count
        let good = #"{"id":"0190f5d4-0000-7000-8000-000000000001","stream":"lead/L-1","type":"lead.sent","occurred_at":"2026-01-05T09:30:00Z","data":{"lead":"L-1","source":"webinar"}}"#
        let bad = #"{"stream":"lead/L-2","type":"lead.sent","data":{"lead":"L-2"}}"#

        let half = try await server.send(.POST, "/api/v1/events", token: tokens.mia, body: "[\(good),\(bad)]")
        #expect(half.status == 422, "\(half.body)")
        #expect(half.json?["line"] == .integer(2))
        #expect(try workspace.events().count == before)

        let spoofed = try await server.send(.POST, "/api/v1/events", token: tokens.mia,
                                            body: #"[{"stream":"lead/L-3","type":"lead.sent","actor":"sam@sales","data":{"lead":"L-3","source":"x"}}]"#)
        #expect(spoofed.status == 403 && spoofed.json?["code"] == .string("actor-mismatch"), "\(spoofed.body)")

        // An event dated next year is refused like any other broken rule, and names its time.
        let ahead = try await server.send(.POST, "/api/v1/events", token: tokens.mia,
                                          body: #"[{"stream":"lead/L-4","type":"lead.sent","occurred_at":"2099-01-05T09:30:00Z","data":{"lead":"L-4","source":"webinar"}}]"#)
        #expect(ahead.status == 403 && ahead.json?["detail"]?.stringValue?.contains("lead.sent at 2099-01-05T09:30:00Z is in the future") == true,
                "\(ahead.body)")
        #expect(try workspace.events().count == before)

        let first = try await server.send(.POST, "/api/v1/events", token: tokens.mia, body: "[\(good)]")
        #expect(first.status == 201, "\(first.body)")
        let again = try await server.send(.POST, "/api/v1/events", token: tokens.mia, body: "[\(good)]")
        #expect(again.status == 200 && again.json?["already_recorded"] == .integer(1), "\(again.body)")
        #expect(try workspace.events().count == before + 1)
        #expect(try workspace.events().last?["actor"] == .string("mia@marketing"))

        let typo = try await server.send(.GET, "/api/v1/events?type=lead.snt", token: tokens.sam)
        #expect(typo.status == 422 && typo.json?["field"] == .string("type")
                && typo.json?["detail"]?.stringValue?.contains("did you mean lead.sent?") == true, "\(typo.body)")

        let page = try await server.send(.GET, "/api/v1/events?after=\(before)&limit=5", token: tokens.sam)
        #expect(page.status == 200)
        #expect(page.json?["next_after"] == .null)
        let one = try await server.send(.GET, "/api/v1/events/0190f5d4-0000-7000-8000-000000000001", token: tokens.sam)
        #expect(one.json?["position"] == .integer(Int64(before + 1)), "\(one.body)")
    }

    @Test func revokedExpiredAndFormerMembersTokensAreRefused() async throws {
        let workspace = try Workspace()
        let tokens = try workspace.teamWithTokens()
        let server = try LiveServer(workspace)
        defer { _ = server.stop() }
        #expect(try await server.send(.GET, "/api/v1/views/members", token: tokens.sam).status == 200)

        // The secret is nowhere in the database: only its SHA-256.
        let bytes = try Data(contentsOf: URL(fileURLWithPath: workspace.db))
        #expect(bytes.range(of: Data(tokens.sam.utf8)) == nil)

        let list = try workspace.ok("token", "list", "--member", "sam@sales", "--json").stdout
        let id = try #require(try JSONValue.parse(list.trimmingCharacters(in: .newlines)).arrayItems.first?["id"]?.stringValue)
        try workspace.ok("token", "revoke", id, "--as", "lee@mgmt")
        let revoked = try await server.send(.GET, "/api/v1/views/members", token: tokens.sam)
        #expect(revoked.status == 401 && revoked.headers["WWW-Authenticate"].first == "Bearer")

        // A member's standing is kept between requests, and leaving ends it at once,
        // written by another process; so does a retraction of the leaving.
        #expect(try await server.send(.GET, "/api/v1/views/members", token: tokens.mia).status == 200)
        try workspace.ok("member", "leave", "mia@marketing", "--as", "lee@mgmt")
        #expect(try await server.send(.GET, "/api/v1/views/members", token: tokens.mia).status == 401)
        let left = try workspace.ok("log", "--stream", "member/mia@marketing", "--type", "member.left", "--json").stdout
        let leftID = try #require(try JSONValue.parse(left.trimmingCharacters(in: .newlines))["id"]?.stringValue)
        try workspace.ok("retract", leftID, "--reason", "she stays", "--as", "lee@mgmt")
        #expect(try await server.send(.GET, "/api/v1/views/members", token: tokens.mia).status == 200)
        try workspace.ok("member", "leave", "mia@marketing", "--as", "lee@mgmt")
        #expect(try await server.send(.GET, "/api/v1/views/members", token: tokens.mia).status == 401)

        let soon = try workspace.ok("token", "issue", "lee@mgmt", "--expires", Timestamp(microseconds: Timestamp.now().microseconds + 1_500_000).rfc3339,
                                    "--as", "lee@mgmt").stdout.trimmingCharacters(in: .newlines)
        #expect(try await server.send(.GET, "/api/v1/views/members", token: soon).status == 200)
        try await Task.sleep(for: .seconds(2))
        #expect(try await server.send(.GET, "/api/v1/views/members", token: soon).status == 401)

        // Only management gives others access; the log says who had access when.
        let forSam = try await server.send(.POST, "/api/v1/tokens", token: tokens.lee, body: #"{"member":"sam@sales","label":"crm"}"#)
        #expect(forSam.status == 201, "\(forSam.body)")
        #expect(try workspace.run("token", "issue", "lee@mgmt", "--as", "sam@sales").status == 7)
        // A token works from when it is issued: backdating it is refused, not ignored.
        let backdated = try workspace.run("token", "issue", "sam@sales", "--at", "2026-01-01", "--as", "lee@mgmt")
        #expect(backdated.status == 64 && backdated.stderr.contains("issuing a token takes effect now, so --at does not apply"), "\(backdated.stderr)")
        #expect(try workspace.run("webhook", "add", "http://127.0.0.1:9/x", "--at", "2026-01-01", "--as", "lee@mgmt").status == 64)
        let types = try workspace.events().compactMap { $0["type"]?.stringValue }
        #expect(types.filter { $0 == "token.issued" }.count == 5 && types.contains("token.revoked"))

        // A token in the address is refused (it would land in logs).
        #expect(try await server.send(.GET, "/api/v1/views/members?token=\(tokens.lee)").status == 400)
    }

    @Test func repeatedFailedAuthenticationIsSlowedDown() async throws {
        let workspace = try Workspace()
        _ = try workspace.teamWithTokens()
        let server = try LiveServer(workspace)
        defer { _ = server.stop() }
        for attempt in 1...FailedAuthentications.defaultLimit {
            let answer = try await server.send(.GET, "/api/v1/views/members", token: "parley.tok-000000000000.\(attempt)")
            #expect(answer.status == 401)
        }
        let slowed = try await server.send(.GET, "/api/v1/views/members", token: "parley.tok-000000000000.x")
        #expect(slowed.status == 429)
        #expect(Int(slowed.headers["Retry-After"].first ?? "") ?? 0 > 0)
        #expect(try await server.send(.GET, "/healthz").status == 200)
    }

    /// A subscriber that drops and resumes at random while eight clients
    /// write sees every event exactly once, in position order.
    @Test func theFeedDeliversEveryEventExactlyOnceAcrossReconnects() async throws {
        let workspace = try Workspace()
        let tokens = try workspace.teamWithTokens()
        let server = try LiveServer(workspace)
        defer { _ = server.stop() }
        let writers = 8, eachWrites = 25
        let start = Int64(try workspace.events().count)

        async let written: Void = withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<writers {
                group.addTask {
                    for index in 0..<eachWrites {
                        let answer = try await server.send(.POST, "/api/v1/leads", token: tokens.mia,
                                                           body: #"{"lead":"L-\#(writer)-\#(index)","source":"webinar"}"#)
                        if answer.status != 201 { throw ServerTestError("write failed: \(answer.body)") }
                    }
                }
            }
            try await group.waitForAll()
        }

        var seen: [Int64] = []
        var generator = SeededGenerator(seed: 7)
        let total = start + Int64(writers * eachWrites)
        var rounds = 0
        while (seen.last ?? 0) < total && rounds < 500 {
            rounds += 1
            var request = HTTPClientRequest(url: server.base + "/api/v1/feed")
            request.headers.add(name: "Authorization", value: "Bearer \(tokens.sam)")
            if let last = seen.last { request.headers.add(name: "Last-Event-ID", value: String(last)) }
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            #expect(response.status == .ok)
            #expect(response.headers["X-Accel-Buffering"].first == "no")
            let dropAfter = Int.random(in: 1...40, using: &generator)
            var buffered = ""
            var taken = 0
            read: for try await chunk in response.body {
                buffered += String(buffer: chunk)
                while let end = buffered.range(of: "\n\n") {
                    let message = buffered[..<end.lowerBound]
                    buffered = String(buffered[end.upperBound...])
                    if let idLine = message.split(separator: "\n").first(where: { $0.hasPrefix("id: ") }) {
                        seen.append(Int64(idLine.dropFirst(4))!)
                        taken += 1
                        if taken >= dropAfter || seen.last! >= total { break read }
                    }
                }
            }
        }
        try await written
        #expect(seen == Array(1...total), "saw \(seen.count) events of \(total)")
    }

    @Test func sigtermEndsOpenFeedsAndStopsTheServer() async throws {
        let workspace = try Workspace()
        let tokens = try workspace.teamWithTokens()
        let server = try LiveServer(workspace)
        var request = HTTPClientRequest(url: server.base + "/api/v1/feed")
        request.headers.add(name: "Authorization", value: "Bearer \(tokens.sam)")
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        var iterator = response.body.makeAsyncIterator()
        _ = try await iterator.next()
        let clock = ContinuousClock.now
        #expect(server.stop() == 0)
        #expect(ContinuousClock.now - clock < .seconds(10))
        while try await iterator.next() != nil {}
    }

    @Test func theAPIDocumentIsValidAndMatchesTheRoutesBothWays() async throws {
        let workspace = try Workspace()
        let tokens = try workspace.teamWithTokens()
        let server = try LiveServer(workspace)
        defer { _ = server.stop() }
        let answer = try await server.send(.GET, "/api/v1/openapi.json")
        #expect(answer.status == 200)
        let file = try workspace.file("openapi.json", answer.body)
        let validator = Process()
        validator.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        validator.arguments = ["python3", "-c", "import json,sys; from openapi_spec_validator import validate; validate(json.load(open(sys.argv[1])))", file]
        try validator.run()
        validator.waitUntilExit()
        #expect(validator.terminationStatus == 0, "openapi-spec-validator refused the document (scripts/setup installs it)")

        let document = try #require(answer.json)
        guard case let .object(paths) = document["paths"] ?? .null else { Issue.record("no paths"); return }
        var documented: Set<String> = []
        for (path, item) in paths {
            guard case let .object(operations) = item else { continue }
            for (method, _) in operations { documented.insert("\(method.uppercased()) \(path)") }
        }
        var routed: Set<String> = ["GET /healthz", "GET /metrics", "GET /api/v1/openapi.json", "POST /api/v1/events", "GET /api/v1/events",
                                   "GET /api/v1/events/{event}", "GET /api/v1/feed", "GET /api/v1/tokens", "POST /api/v1/tokens",
                                   "DELETE /api/v1/tokens/{token}"]
        routed.formUnion(CommandRoute.all.map { "POST \($0.path)" })
        routed.formUnion(ViewRoute.all.map { "GET /api/v1/views/\($0.name)" })
        #expect(documented == routed, "documented only: \(documented.subtracting(routed)); routed only: \(routed.subtracting(documented))")

        // Every documented route answers, and not with the router's "no route".
        for entry in documented.sorted() {
            let parts = entry.split(separator: " ")
            let path = parts[1].replacingOccurrences(of: "{", with: "x").replacingOccurrences(of: "}", with: "")
            let method = HTTPMethod(rawValue: String(parts[0]))
            let reply = try await server.send(method, path + (path.hasSuffix("feed") ? "?limit=1" : ""), token: tokens.lee,
                                              body: method == .GET || method == .DELETE ? nil : "{}")
            #expect(reply.json?["code"] != .string("no-route"), "\(entry): \(reply.status) \(reply.body)")
            #expect(reply.status < 500, "\(entry): \(reply.status) \(reply.body)")
        }
    }

    @Test func healthAndMetricsNeedNoToken() async throws {
        let workspace = try Workspace()
        let tokens = try workspace.teamWithTokens()
        let server = try LiveServer(workspace)
        defer { _ = server.stop() }
        _ = try await server.send(.POST, "/api/v1/leads", token: tokens.mia, body: #"{"lead":"L-1","source":"webinar"}"#)
        let health = try await server.send(.GET, "/healthz")
        #expect(health.status == 200 && health.json?["status"] == .string("ok"))
        let metrics = try await server.send(.GET, "/metrics")
        #expect(metrics.body.contains("parley_events_appended_total 1"), "\(metrics.body)")
    }
}

extension JSONValue {
    var arrayItems: [JSONValue] { if case let .array(items) = self { items } else { [] } }
}
