import Foundation
import Testing

/// `parley lead show`, `parley tension list` and `parley tension show`:
/// a lead's and a tension's events in words, as they stood at a moment.
@Suite struct StoryTests {
    private func workspace() throws -> Workspace {
        let w = try Workspace()
        try w.ok("init")
        try w.ok("member", "add", "mia@marketing", "--name", "Mia", "--team", "marketing", "--as", "mia@marketing", "--at", "2026-03-01T08:00:00Z")
        try w.ok("member", "add", "sam@sales", "--name", "Sam", "--team", "sales", "--as", "mia@marketing", "--at", "2026-03-01T08:00:00Z")
        try w.ok("member", "add", "lee@mgmt", "--name", "Lee", "--team", "management", "--as", "mia@marketing", "--at", "2026-03-01T08:00:00Z")
        try w.ok("member", "add", "zoe@sales", "--name", "Zoe", "--team", "sales", "--as", "mia@marketing", "--at", "2026-03-01T08:00:00Z")
        return w
    }

    @Test func aLeadsStoryStandsAsItDidAtEachMoment() throws {
        let w = try workspace()
        try w.ok("lead", "send", "L-1", "--source", "webinar", "--to", "zoe@sales", "--as", "mia@marketing", "--at", "2026-03-02T09:00:00Z")
        try w.ok("lead", "reassign", "L-1", "--to", "sam@sales", "--reason", "Zoe is away", "--as", "lee@mgmt", "--at", "2026-03-02T10:00:00Z")
        try w.ok("lead", "reject", "L-1", "--reason", "not-a-fit", "--comment", "student,\nno budget", "--as", "sam@sales",
                 "--at", "2026-03-02T15:30:00Z")
        let rating = try w.ok("lead", "feedback", "L-1", "--rating", "1", "--as", "sam@sales", "--at", "2026-03-03T10:00:00Z", "--json")
        let id = try #require(try JSONSerialization.jsonObject(with: Data(rating.stdout.utf8)) as? [String: Any])["id"] as! String
        try w.ok("retract", id, "--reason", "rated the wrong lead", "--as", "sam@sales", "--at", "2026-03-03T11:00:00Z")

        let text = try w.ok("lead", "show", "L-1").stdout
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.first == "L-1: Rejected by sales.")
        #expect(lines.contains { $0.contains("2026-03-02 09:00") && $0.contains("mia@marketing sent lead L-1 from webinar to zoe@sales") })
        #expect(lines.contains { $0.contains("lee@mgmt reassigned lead L-1 to sam@sales — “Zoe is away”") })
        // What sales wrote comes with the verdict, on one line.
        #expect(lines.contains { $0.contains("sam@sales rejected lead L-1: not-a-fit — “student, no budget”") })
        #expect(lines.contains { $0.contains("sam@sales rated lead L-1 1/5 (retracted: does not count)") })

        let json = try #require(try JSONSerialization.jsonObject(with: Data(try w.ok("lead", "show", "L-1", "--json").stdout.utf8)) as? [String: Any])
        #expect(json["stream"] as? String == "lead/L-1")
        #expect(json["status"] as? String == "Rejected by sales.")
        let events = try #require(json["events"] as? [[String: Any]])
        #expect(events.map { $0["type"] as! String } == ["lead.sent", "lead.reassigned", "lead.rejected", "lead.feedback", "event.retracted"])
        #expect(events.map { $0["retracted"] as! Bool } == [false, false, false, true, false])
        #expect(events.map { ($0["position"] as! NSNumber).intValue } == events.map { ($0["position"] as! NSNumber).intValue }.sorted())

        // Before the verdict, the lead was waiting; before it was sent, there was nothing.
        #expect(try w.ok("lead", "show", "L-1", "--as-of", "2026-03-02T12:00:00Z").stdout.hasPrefix("L-1: Waiting for a verdict from sales.\n"))
        let early = try w.run("lead", "show", "L-1", "--as-of", "2026-03-01")
        #expect(early.status == 6 && early.stderr.contains("there is nothing in the log for lead L-1 by 2026-03-01"), "\(early.stderr)")
        let missing = try w.run("lead", "show", "L-404")
        #expect(missing.status == 6 && missing.stderr.contains("there is nothing in the log for lead L-404"), "\(missing.stderr)")
    }

    @Test func tensionsAreListedByStateAndTellTheirStory() throws {
        let w = try workspace()
        try w.ok("tension", "flag", "--title", "Webinar leads are students", "--severity", "high", "--category", "lead-quality",
                 "--teams", "marketing,sales", "--as", "sam@sales", "--at", "2026-03-02T09:00:00Z")
        try w.ok("tension", "comment", "T-1", "60% had no company email", "--as", "mia@marketing", "--at", "2026-03-03T09:00:00Z")
        try w.ok("tension", "resolve", "T-1", "--resolution", "a company email is required", "--as", "lee@mgmt", "--at", "2026-03-05T09:00:00Z")
        try w.ok("tension", "flag", "--title", "Targets pull apart", "--severity", "medium", "--category", "unclear-goals",
                 "--teams", "marketing,sales", "--as", "mia@marketing", "--at", "2026-03-04T09:00:00Z")

        let all = try w.ok("tension", "list").stdout.split(separator: "\n").map(String.init)
        #expect(all.count == 3)
        #expect(all[0].hasPrefix("ID") && all[1].hasPrefix("T-2 ") && all[2].hasPrefix("T-1 "))
        #expect(all[2].contains("resolved") && all[2].contains("2026-03-05") && all[2].hasSuffix("Webinar leads are students"))
        let open = try w.ok("tension", "list", "--state", "open").stdout
        #expect(open.contains("T-2") && !open.contains("T-1 "))
        #expect(try w.ok("tension", "list", "--state", "escalated").stdout == "no escalated tensions\n")
        // As it stood before it was resolved.
        let then = try #require(try JSONSerialization.jsonObject(with: Data(try w.ok("tension", "list", "--as-of", "2026-03-03T12:00:00Z", "--json").stdout.utf8)) as? [[String: Any]])
        #expect(then.map { $0["id"] as! String } == ["T-1"])
        #expect(then.first?["state"] as? String == "open" && (then.first?["comments"] as? NSNumber)?.intValue == 1)
        let wrong = try w.run("tension", "list", "--state", "closed")
        #expect(wrong.status == 64 && wrong.stderr.contains("--state takes open, escalated, resolved; got 'closed'"))

        let story = try w.ok("tension", "show", "T-1").stdout.split(separator: "\n").map(String.init)
        #expect(story[0] == "T-1 Webinar leads are students")
        #expect(story[1] == "resolved, high, lead-quality; flagged by sam@sales on 2026-03-02; resolved: a company email is required")
        #expect(story.contains { $0.contains("mia@marketing commented on T-1 — “60% had no company email”") })
        let json = try #require(try JSONSerialization.jsonObject(with: Data(try w.ok("tension", "show", "T-1", "--json").stdout.utf8)) as? [String: Any])
        #expect((json["tension"] as? [String: Any])?["state"] as? String == "resolved")
        #expect((json["events"] as? [[String: Any]])?.map { $0["type"] as! String } == ["tension.flagged", "tension.commented", "tension.resolved"])
        let missing = try w.run("tension", "show", "T-9")
        #expect(missing.status == 6 && missing.stderr.contains("there is no tension T-9"), "\(missing.stderr)")
    }
}
