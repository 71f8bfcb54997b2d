import Foundation
import ParleyApp
import ParleyCore
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

    @Test func theRoutingReportTellsEachLeadsHandOversAndTheTotals() throws {
        let w = try Workspace()
        try w.ok("init")
        try w.ok("member", "add", "mia@marketing", "--name", "Mia", "--team", "marketing", "--as", "mia@marketing")
        for rep in ["sam", "zoe", "ann"] {
            try w.ok("member", "add", "\(rep)@sales", "--name", rep, "--team", "sales", "--as", "mia@marketing")
        }
        try w.ok("lead", "send", "L-1", "--source", "webinar", "--to", "sam@sales", "--as", "mia@marketing", "--at", "2026-03-01T09:00:00Z")
        try w.ok("lead", "reassign", "L-1", "--to", "zoe@sales", "--reason", "sam is out", "--as", "mia@marketing", "--at", "2026-03-02T09:00:00Z")
        try w.ok("lead", "reassign", "L-1", "--to", "ann@sales", "--as", "mia@marketing", "--at", "2026-03-03T09:00:00Z")
        try w.ok("lead", "reassign", "L-1", "--to", "sam@sales", "--reason", "back", "--as", "mia@marketing", "--at", "2026-03-04T09:00:00Z")
        try w.ok("lead", "send", "L-2", "--source", "referral", "--to", "zoe@sales", "--as", "mia@marketing", "--at", "2026-03-05T09:00:00Z")
        let wrong = try JSONValue.parse(try w.ok("lead", "reassign", "L-2", "--to", "ann@sales", "--as", "mia@marketing",
                                                 "--at", "2026-03-06T09:00:00Z", "--json").stdout.split(separator: "\n").map(String.init)[0])
        try w.ok("retract", try #require(wrong["id"]?.stringValue), "--reason", "wrong lead", "--as", "mia@marketing")

        let report = try JSONValue.parse(try w.ok("routing", "--json").stdout.trimmingCharacters(in: .newlines))
        let leads = try #require(report["leads"]?.arrayItems)
        #expect(leads.map { $0["lead"]?.stringValue } == ["L-1", "L-2"])
        #expect(leads[0]["moves"] == .integer(3))
        #expect(leads[0]["owner"] == .string("sam@sales"))
        #expect(leads[0]["assignments"]?.arrayItems.map { $0["to"]?.stringValue } == ["sam@sales", "zoe@sales", "ann@sales", "sam@sales"])
        #expect(leads[0]["assignments"]?.arrayItems[1]["reason"] == .string("sam is out"))
        // The retracted reassignment does not count: L-2 stays with zoe.
        #expect(leads[1]["moves"] == .integer(0))
        #expect(leads[1]["owner"] == .string("zoe@sales"))
        #expect(report["moved_often"]?.arrayItems == [.string("L-1")])
        let reps = try #require(report["reps"]?.arrayItems)
        let sam = try #require(reps.first { $0["rep"] == .string("sam@sales") })
        #expect(sam["sent"] == .integer(1) && sam["moved_in"] == .integer(1) && sam["moved_out"] == .integer(1) && sam["holding"] == .integer(1))
        let zoe = try #require(reps.first { $0["rep"] == .string("zoe@sales") })
        #expect(zoe["sent"] == .integer(1) && zoe["moved_in"] == .integer(1) && zoe["moved_out"] == .integer(1) && zoe["holding"] == .integer(1))
        let webinar = try #require(report["sources"]?.arrayItems.first { $0["source"] == .string("webinar") })
        #expect(webinar["leads"] == .integer(1) && webinar["reassignments"] == .integer(3) && webinar["moved"] == .integer(1))

        // As it stood on 2 March, and one lead's history in words.
        let then = try JSONValue.parse(try w.ok("routing", "--as-of", "2026-03-02T12:00:00Z", "--json").stdout.trimmingCharacters(in: .newlines))
        #expect(then["leads"]?.arrayItems.first?["owner"] == .string("zoe@sales"))
        let one = try w.ok("routing", "--lead", "L-1").stdout
        #expect(one.contains("L-1 (webinar): 3 reassignments, held by sam@sales"))
        #expect(one.contains("sam is out"))
        #expect(try w.ok("routing", "--rep", "ann@sales", "--json").stdout.contains("\"lead\":\"L-1\""))
        #expect(!(try w.ok("routing", "--rep", "ann@sales", "--json").stdout.contains("\"lead\":\"L-2\"")))
        let unknown = try w.run("routing", "--lead", "L-404")
        #expect(unknown.status == 6)
    }

    /// The totals the view keeps (what `parley routing` reads) equal the
    /// totals of the leads listed one by one (what `--json` and `--rep`
    /// read), and both equal a count made here, over a seeded history of
    /// sends to reps and to nobody, sends again after recycling, and
    /// reassignments.
    @Test func theViewsTotalsEqualTheLeadsCountedOneByOne() throws {
        let w = try Workspace()
        try w.ok("init")
        var generator = SeededGenerator(seed: 7)
        let reps = ["ann@sales", "sam@sales", "zoe@sales"]
        let sources = ["webinar", "referral", "trade-show"]
        var lines: [String] = []
        var owner: [String: String?] = [:]
        var source: [String: String] = [:]
        var moves: [String: Int] = [:]
        var repCounts: [String: [Int]] = [:]  // sent, moved in, moved out, holding
        func count(_ rep: String?, _ index: Int, _ by: Int) { if let rep { repCounts[rep, default: [0, 0, 0, 0]][index] += by } }
        for minute in 0..<400 {
            let at = Timestamp(microseconds: 1_767_225_600_000_000 + Int64(minute) * 60_000_000).rfc3339
            let lead = "L-\(Int.random(in: 1...60, using: &generator))"
            let to: String? = Int.random(in: 0..<8, using: &generator) == 0 ? nil : reps.randomElement(using: &generator)!
            let toJSON = to.map { #","assigned_to":"\#($0)""# } ?? ""
            if owner[lead] == nil || Int.random(in: 0..<10, using: &generator) == 0 {
                let from = source[lead] ?? sources.randomElement(using: &generator)!
                if source[lead] != nil {
                    lines.append(#"{"stream":"lead/\#(lead)","type":"lead.recycled","actor":"mia@marketing","occurred_at":"\#(at)","data":{"lead":"\#(lead)"}}"#)
                }
                lines.append(#"{"stream":"lead/\#(lead)","type":"lead.sent","actor":"mia@marketing","occurred_at":"\#(at)","data":{"lead":"\#(lead)","source":"\#(from)"\#(toJSON)}}"#)
                if let before = owner[lead] { count(before, 3, -1) }
                count(to, 0, 1)
                count(to, 3, 1)
                source[lead] = from
                owner[lead] = .some(to)
                moves[lead, default: 0] += 0
            } else if let rep = to {
                lines.append(#"{"stream":"lead/\#(lead)","type":"lead.reassigned","actor":"mia@marketing","occurred_at":"\#(at)","data":{"lead":"\#(lead)","to":"\#(rep)"}}"#)
                let before = owner[lead]!
                count(before, 3, -1)
                count(before, 2, 1)
                count(rep, 1, 1)
                count(rep, 3, 1)
                owner[lead] = .some(rep)
                moves[lead, default: 0] += 1
            }
        }
        try w.ok("record", try w.file("history.jsonl", lines.joined(separator: "\n") + "\n"), "--import")

        let app = try App.open(at: w.db)
        let totals = try app.routing(RoutingQuery(eachLead: false))
        let each = try app.routing(RoutingQuery())
        #expect(totals.reps == each.reps)
        #expect(totals.sources == each.sources)
        #expect(totals.leadCount == each.leads.count && totals.leadCount == owner.count)
        #expect(totals.reassignments == moves.values.reduce(0, +) && each.reassignments == totals.reassignments)
        #expect(totals.movedOften.map(\.lead) == each.movedOften.map(\.lead))
        #expect(Set(totals.movedOften.map(\.lead)) == Set(moves.filter { $0.value > 2 }.keys))
        #expect(!totals.movedOften.isEmpty, "the history moves some leads often")
        for (rep, counts) in repCounts {
            let row = try #require(totals.reps.first { $0.rep == rep })
            #expect([row.sent, row.movedIn, row.movedOut, row.holding] == counts, "\(rep)")
        }
        for name in sources {
            let row = try #require(totals.sources.first { $0.source == name })
            let leads = source.filter { $0.value == name }.keys
            #expect(row.leads == leads.count)
            #expect(row.reassignments == leads.reduce(0) { $0 + moves[$1]! })
            #expect(row.moved == leads.count { moves[$0]! > 0 })
        }
        // The text report reads the totals.
        #expect(try w.ok("routing").stdout.hasPrefix("\(owner.count) leads, \(totals.reassignments) reassignments"))
    }
}
