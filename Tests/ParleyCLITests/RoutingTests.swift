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
}
