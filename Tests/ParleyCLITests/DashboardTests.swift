import AsyncHTTPClient
import Crypto
import Foundation
import GRDB
import ParleyApp
import NIOCore
import NIOHTTP1
import ParleyCore
@testable import ParleyServer
import Testing

/// The dashboard, through a real server: its guards over HTTP, and the
/// pages in a real headless browser (scripts/dashboard-check).
@Suite(.serialized) struct DashboardTests {
    /// A session cookie for `token`, by signing in as a browser would.
    private func signIn(_ server: LiveServer, _ token: String) async throws -> String {
        let form = "token=" + token.addingPercentEncoding(withAllowedCharacters: .alphanumerics)! + "&next=%2F"
        let answer = try await server.send(.POST, "/signin", body: form,
                                           headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Origin", server.base)])
        #expect(answer.status == 303)
        let cookie = try #require(answer.headers["Set-Cookie"].first)
        #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"))
        return String(cookie.split(separator: ";")[0])
    }

    @Test func pagesNeedASessionAndPostsNeedTheirFormTokenFromThisSite() async throws {
        let workspace = try Workspace()
        let tokens = try workspace.teamWithTokens()
        let server = try LiveServer(workspace)
        defer { _ = server.stop() }

        let anonymous = try await server.send(.GET, "/tensions")
        #expect(anonymous.status == 303 && anonymous.headers["Location"].first?.hasPrefix("/signin") == true)
        let wrong = try await server.send(.POST, "/signin", body: "token=parley.tok-000000000000.00",
                                          headers: [("Content-Type", "application/x-www-form-urlencoded")])
        #expect(wrong.status == 401 && wrong.body.contains("unknown, expired or revoked"))

        let cookie = try await signIn(server, tokens.sam)
        let page = try await server.send(.GET, "/", headers: [("Cookie", cookie)])
        #expect(page.status == 200)
        let policy = page.headers["Content-Security-Policy"].first ?? ""
        #expect(policy.contains("script-src 'self'") && !policy.contains("unsafe-inline"))
        let csrf = try #require(page.body.range(of: #"name="_csrf" value=""#).map { page.body[$0.upperBound...].prefix(64) })

        let form = "title=Leads+are+students&severity=high&category=lead-quality"
        let missing = try await server.send(.POST, "/tensions", body: form,
                                            headers: [("Cookie", cookie), ("Content-Type", "application/x-www-form-urlencoded")])
        #expect(missing.status == 403)
        let crossSite = try await server.send(.POST, "/tensions", body: form + "&_csrf=\(csrf)",
                                              headers: [("Cookie", cookie), ("Content-Type", "application/x-www-form-urlencoded"),
                                                        ("Origin", "http://evil.example")])
        #expect(crossSite.status == 403)
        #expect(try workspace.events().allSatisfy { $0["type"]?.stringValue != "tension.flagged" })
        let good = try await server.send(.POST, "/tensions", body: form + "&_csrf=\(csrf)",
                                         headers: [("Cookie", cookie), ("Content-Type", "application/x-www-form-urlencoded"),
                                                   ("Origin", server.base)])
        #expect(good.status == 303, "\(good.body)")
        #expect(try workspace.events().last?["actor"] == .string("sam@sales"))

        // A line of lead quality opens the leads behind it, each opening its page.
        try workspace.ok("lead", "send", "L-7", "--source", "web&inar", "--to", "sam@sales", "--as", "mia@marketing")
        try workspace.ok("lead", "send", "L-8", "--source", "referral", "--to", "sam@sales", "--as", "mia@marketing")
        try workspace.ok("lead", "reject", "L-7", "--reason", "no-budget", "--as", "sam@sales")
        let quality = try await server.send(.GET, "/quality", headers: [("Cookie", cookie)])
        #expect(quality.body.contains(#"href="/quality/leads?by=source&amp;key=web%26inar""#), "\(quality.body.prefix(3000))")
        let line = try await server.send(.GET, "/quality/leads?by=source&key=web%26inar", headers: [("Cookie", cookie)])
        #expect(line.status == 200 && line.body.contains(#"<a href="/leads/L-7">L-7</a>"#) && line.body.contains("rejected (no-budget)"))
        #expect(!line.body.contains("L-8"))
        let noKey = try await server.send(.GET, "/quality/leads?by=source", headers: [("Cookie", cookie)])
        #expect(noKey.status == 422)

        // A lead that does not exist: a page that says so, with a 404.
        let missing404 = try await server.send(.GET, "/leads/L-404", headers: [("Cookie", cookie)])
        #expect(missing404.status == 404 && missing404.body.contains("Not found") && missing404.body.contains("nothing in the log for lead L-404"))

        // The past is read-only, and shows what had happened by then.
        let past = try await server.send(.GET, "/tensions?as_of=2020-01-01", headers: [("Cookie", cookie)])
        #expect(past.body.contains("Replaying the past") && !past.body.contains("Leads are students") && !past.body.contains("Flag a tension"))

        // Verify from the log page; the page then remembers the last sound verification.
        let before = try await server.send(.GET, "/log", headers: [("Cookie", cookie)])
        #expect(before.status == 200 && !before.body.contains("Last found sound"))
        let verified = try await server.send(.POST, "/log/verify", body: "_csrf=\(csrf)",
                                             headers: [("Cookie", cookie), ("Content-Type", "application/x-www-form-urlencoded"),
                                                       ("Origin", server.base)])
        #expect(verified.status == 200 && verified.body.contains("the chain holds"), "\(verified.body.prefix(300))")
        let head = try workspace.events().count
        let remembered = try await server.send(.GET, "/log", headers: [("Cookie", cookie)])
        #expect(remembered.body.contains("Last found sound up to #\(head)"))

        // Revoking the token ends its sessions.
        let id = try #require(try JSONValue.parse(try workspace.ok("token", "list", "--member", "sam@sales", "--json").stdout
            .trimmingCharacters(in: .newlines)).arrayItems.first?["id"]?.stringValue)
        try workspace.ok("token", "revoke", id, "--as", "lee@mgmt")
        let after = try await server.send(.GET, "/", headers: [("Cookie", cookie)])
        #expect(after.status == 303)
    }

    /// A session is kept in the database, only as its cookie's SHA-256: a
    /// restarted server still knows the browser, and signing out ends it
    /// for every server on that database.
    @Test func aSessionOutlivesARestartAndSigningOutEndsIt() async throws {
        let workspace = try Workspace()
        let tokens = try workspace.teamWithTokens()
        let first = try LiveServer(workspace)
        let cookie = try await signIn(first, tokens.sam)
        #expect(try await first.send(.GET, "/", headers: [("Cookie", cookie)]).status == 200)
        _ = first.stop()

        let value = String(cookie.split(separator: "=", maxSplits: 1)[1])
        let kept = try DatabaseQueue(path: workspace.db).read { db in
            try Row.fetchAll(db, sql: "SELECT id_sha256, member, token_id, csrf FROM dashboard_sessions")
        }
        #expect(kept.count == 1)
        #expect(kept.first.map { Array($0["id_sha256"] as Data) } == Array(SHA256.hash(data: Data(value.utf8))))
        #expect(kept.first?["member"] == "sam@sales")
        #expect(kept.allSatisfy { row in row.columnNames.allSatisfy { (row[$0] as DatabaseValue) != value.databaseValue } })

        let second = try LiveServer(workspace)
        defer { _ = second.stop() }
        let page = try await second.send(.GET, "/", headers: [("Cookie", cookie)])
        #expect(page.status == 200, "\(page.headers)")
        let csrf = try #require(page.body.range(of: #"name="_csrf" value=""#).map { page.body[$0.upperBound...].prefix(64) })
        let signedOut = try await second.send(.POST, "/signout", body: "_csrf=\(csrf)",
                                              headers: [("Cookie", cookie), ("Content-Type", "application/x-www-form-urlencoded"),
                                                        ("Origin", second.base)])
        #expect(signedOut.status == 303)
        let after = try await second.send(.GET, "/", headers: [("Cookie", cookie)])
        #expect(after.status == 303 && after.headers["Location"].first?.hasPrefix("/signin") == true)
        #expect(try await DatabaseQueue(path: workspace.db).read { try Int.fetchOne($0, sql: "SELECT count(*) FROM dashboard_sessions") } == 0)
    }

    /// A session lasts its lifetime and no longer; opening one forgets the
    /// expired ones, and a revoked token ends its sessions.
    @Test func aSessionEndsWithItsLifetimeOrItsToken() throws {
        let workspace = try Workspace()
        let tokens = try workspace.teamWithTokens()
        let app = try App.open(at: workspace.db)
        let sam = try app.authenticate(bearer: tokens.sam)
        let start = Timestamp.now()
        func later(_ seconds: Int64) -> Timestamp { Timestamp(microseconds: start.microseconds + seconds * 1_000_000) }
        let first = try app.openSession(for: sam, at: start)
        let lifetime = App.sessionLifetimeSeconds
        #expect(try app.session(first.id, at: later(lifetime - 1)) == first)
        #expect(try app.session(first.id, at: later(lifetime)) == nil)
        #expect(try app.session(String(repeating: "0", count: 64), at: start) == nil)

        let mia = try app.authenticate(bearer: tokens.mia)
        let second = try app.openSession(for: mia, at: later(lifetime + 1))
        let count = try DatabaseQueue(path: workspace.db).read { try Int.fetchOne($0, sql: "SELECT count(*) FROM dashboard_sessions") }
        #expect(count == 1)
        #expect(try app.session(second.id, at: later(lifetime + 2))?.member == "mia@marketing")
        try workspace.ok("token", "revoke", mia.tokenID, "--as", "lee@mgmt")
        #expect(try app.session(second.id, at: later(lifetime + 3)) == nil)
    }

    /// Sign in, flag a tension through the form, see it on Today, resolve it
    /// as management, give a verdict and feedback as sales, sign a criteria
    /// version; no console errors; markup in a title stays text; a form
    /// without its CSRF token is refused. Screenshots of every page at
    /// 1280×800 and 390×844 land in the workspace.
    @Test func theDashboardWorksInARealBrowser() async throws {
        let workspace = try Workspace()
        let tokens = try workspace.teamWithTokens()
        try workspace.ok("criteria", "change", "--rules", "employees >= 50", "--rationale", "teams that can buy", "--as", "mia@marketing")
        try workspace.ok("sla", "set", "--follow-up-hours", "24", "--as", "mia@marketing")
        try workspace.ok("lead", "send", "L-1", "--source", "webinar", "--to", "sam@sales", "--as", "mia@marketing")
        try workspace.ok("lead", "send", "L-2", "--source", "referral", "--to", "sam@sales", "--as", "mia@marketing")
        try workspace.ok("lead", "accept", "L-2", "--as", "sam@sales")
        let server = try LiveServer(workspace)
        defer { _ = server.stop() }

        let shots = workspace.folder.appending(path: "shots")
        let check = Process()
        check.executableURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appending(path: "scripts/dashboard-check")
        check.arguments = [server.base, shots.path, tokens.lee, tokens.sam, tokens.mia, "L-1"]
        let output = workspace.folder.appending(path: "dashboard-check.json")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        check.standardOutput = try FileHandle(forWritingTo: output)
        try check.run()
        check.waitUntilExit()
        #expect(check.terminationStatus == 0, "scripts/dashboard-check failed: are chromium, chromium-driver and selenium installed? (scripts/setup)")
        let result = try JSONValue.parse(try String(contentsOf: output, encoding: .utf8))
        #expect(result["failed"] == nil, "\(result["failed"]?.stringValue ?? "")")
        for step in ["signed_in", "flag_redirected", "title_shown_as_text", "no_alert", "tension_on_today", "refusal_inline", "resolved",
                     "verdict_and_feedback", "signed_criteria", "proposed_agreement", "signed_sla", "signed_agreement",
                     "csrf_refused", "csrf_wrote_nothing", "signed_out"] {
            #expect(result["steps"]?[step] == .bool(true), "step \(step)")
        }
        for (name, page) in result["pages"]?.members ?? [] {
            #expect(page["errors"]?.items.isEmpty == true, "\(name): \(page["errors"]?.canonicalText ?? "")")
            for width in ["1280", "390"] {
                let size = (try? FileManager.default.attributesOfItem(atPath: page["shot_\(width)"]?.stringValue ?? "")[.size] as? Int) ?? 0
                #expect(size > 10_000, "\(name) at \(width): a screenshot of \(size) bytes")
            }
        }
        #expect(result["pages"]?["quality"]?["svg"]?.integerValue ?? 0 >= 1, "the quality page draws its chart")
        // Sales signed criteria, SLA and agreement version 1 for its team, in the log.
        let signed = try workspace.events().filter { $0["actor"] == .string("sam@sales") }.compactMap { $0["type"]?.stringValue }
        #expect(signed.contains("criteria.agreed") && signed.contains("sla.agreed") && signed.contains("agreement.agreed"), "\(signed)")
    }
}
