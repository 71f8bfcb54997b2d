import Foundation
import Testing

/// A lead goes to a current sales member: not to someone who left, never
/// joined, or is on another team. History imported as history keeps what
/// it holds.
@Suite struct RoutingTests {
    private func workspace() throws -> Workspace {
        let w = try Workspace()
        try w.ok("init")
        try w.ok("member", "add", "mia@marketing", "--name", "Mia", "--team", "marketing", "--as", "mia@marketing")
        try w.ok("member", "add", "sam@sales", "--name", "Sam", "--team", "sales", "--as", "mia@marketing")
        try w.ok("member", "add", "zoe@sales", "--name", "Zoe", "--team", "sales", "--as", "mia@marketing")
        try w.ok("member", "leave", "sam@sales", "--as", "mia@marketing", "--at", "2026-03-02T12:00:00Z")
        return w
    }

    @Test func aLeadForSomeoneWhoCannotAnswerIsRefused() throws {
        let w = try workspace()
        let cases: [([String], String)] = [
            (["lead", "send", "L-9", "--source", "webinar", "--to", "nobody@sales", "--as", "mia@marketing"], "nobody@sales is not a member"),
            (["lead", "send", "L-9", "--source", "webinar", "--to", "sam@sales", "--as", "mia@marketing"],
             "sam@sales left on 2026-03-02; send it to a current sales member"),
            (["lead", "send", "L-9", "--source", "webinar", "--to", "mia@marketing", "--as", "mia@marketing"], "mia@marketing is in marketing, not sales"),
        ]
        for (arguments, message) in cases {
            let refused = try w.run(arguments)
            #expect(refused.status == 7, "\(arguments): \(refused.stderr)")
            #expect(refused.stderr.contains(message), "\(refused.stderr)")
        }
        #expect(!(try w.ok("log", "--stream", "lead/L-9").stdout.contains("lead.sent")))
        try w.ok("lead", "send", "L-9", "--source", "webinar", "--to", "zoe@sales", "--as", "mia@marketing")
        let moved = try w.run("lead", "reassign", "L-9", "--to", "sam@sales", "--as", "mia@marketing")
        #expect(moved.status == 7 && moved.stderr.contains("sam@sales left on 2026-03-02"), "\(moved.stderr)")
    }

    @Test func recordChecksItAndImportedHistoryKeepsIt() throws {
        let w = try workspace()
        let line = #"{"stream":"lead/L-7","type":"lead.sent","actor":"mia@marketing","occurred_at":"2026-03-01T09:00:00Z","data":{"lead":"L-7","source":"webinar","assigned_to":"sam@sales"}}"#
        let file = try w.file("send.jsonl", line + "\n")
        let refused = try w.run("record", file)
        #expect(refused.status == 7 && refused.stderr.contains("sam@sales left on 2026-03-02"), "\(refused.stderr)")
        try w.ok("record", file, "--import")
        #expect(try w.ok("log", "--stream", "lead/L-7").stdout.contains("lead.sent"))
    }

    @Test func leadsLeftWithSomeoneWhoLeftAreListedUntilReassigned() throws {
        let w = try Workspace()
        try w.ok("init")
        try w.ok("member", "add", "mia@marketing", "--name", "Mia", "--team", "marketing", "--as", "mia@marketing")
        try w.ok("member", "add", "sam@sales", "--name", "Sam", "--team", "sales", "--as", "mia@marketing")
        try w.ok("member", "add", "zoe@sales", "--name", "Zoe", "--team", "sales", "--as", "mia@marketing")
        try w.ok("member", "add", "lee@mgmt", "--name", "Lee", "--team", "management", "--as", "mia@marketing")
        try w.ok("sla", "set", "--follow-up-hours", "24", "--as", "lee@mgmt")
        for lead in ["L-1", "L-2", "L-3"] {
            try w.ok("lead", "send", lead, "--source", "webinar", "--to", "sam@sales", "--as", "mia@marketing")
        }
        try w.ok("lead", "accept", "L-3", "--as", "sam@sales")
        func orphaned() throws -> [[String: Any]] {
            try #require(try JSONSerialization.jsonObject(with: Data(try w.ok("issues", "--kind", "orphaned-leads", "--json").stdout.utf8)) as? [[String: Any]])
        }
        #expect(try orphaned().isEmpty, "sam is still here")
        try w.ok("member", "leave", "sam@sales", "--as", "lee@mgmt")
        let rows = try orphaned()
        #expect(rows.count == 1 && rows[0]["ref"] as? String == "sam@sales")
        #expect(try w.ok("issues").stdout.contains("orphaned-leads"), "the table lists it too")
        #expect((rows[0]["reason"] as? String)?.hasPrefix("2 leads without a verdict still with sam@sales, who left on ") == true, "\(rows)")
        try w.ok("lead", "reassign", "L-1", "--to", "zoe@sales", "--as", "mia@marketing")
        #expect((try orphaned().first?["reason"] as? String)?.hasPrefix("1 lead without a verdict") == true)
        try w.ok("lead", "reassign", "L-2", "--to", "zoe@sales", "--as", "mia@marketing")
        #expect(try orphaned().isEmpty)
        #expect(!(try w.ok("issues").stdout.contains("orphaned-leads")))
    }
}
