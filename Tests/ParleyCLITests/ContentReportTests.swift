import Foundation
import ParleyCore
import Testing

/// `parley content`: what shared resources did for the leads they were used
/// on, and how fast requests were met, against counts made by hand.
@Suite struct ContentReportTests {
    @Test func resourcesAreMeasuredAgainstLeadsOfTheSameSourcesAndRequestsByTimeToDelivery() throws {
        let w = try Workspace()
        try w.ok("init")
        try w.ok("member", "add", "mia@marketing", "--name", "Mia", "--team", "marketing", "--as", "mia@marketing")
        try w.ok("member", "add", "sam@sales", "--name", "Sam", "--team", "sales", "--as", "mia@marketing")
        try w.ok("member", "add", "zoe@sales", "--name", "Zoe", "--team", "sales", "--as", "mia@marketing")
        let at = { (day: Int) in String(format: "2026-03-%02dT09:00:00Z", day) }
        for (lead, source) in [("L-1", "webinar"), ("L-2", "webinar"), ("L-3", "webinar"), ("L-4", "webinar"), ("L-5", "referral")] {
            try w.ok("lead", "send", lead, "--source", source, "--to", "sam@sales", "--as", "mia@marketing", "--at", at(1))
        }
        try w.ok("resource", "share", "--title", "Battle card vs Acme", "--link", "https://wiki.example.com/acme", "--team", "marketing",
                 "--kind", "battle card", "--as", "mia@marketing", "--at", at(1))
        try w.ok("resource", "share", "--title", "Old deck", "--link", "https://wiki.example.com/old", "--team", "marketing",
                 "--as", "mia@marketing", "--at", at(1))
        try w.ok("resource", "use", "R-1", "--lead", "L-1", "--as", "sam@sales", "--at", at(2))
        try w.ok("resource", "use", "R-1", "--lead", "L-3", "--as", "zoe@sales", "--at", at(3))
        try w.ok("lead", "accept", "L-1", "--as", "sam@sales", "--at", at(4))
        try w.ok("lead", "accept", "L-2", "--as", "sam@sales", "--at", at(4))
        try w.ok("lead", "reject", "L-3", "--reason", "no-budget", "--as", "sam@sales", "--at", at(4))
        try w.ok("lead", "convert", "L-1", "--amount", "5000", "--as", "sam@sales", "--at", at(6))
        try w.ok("content", "request", "--topic", "ROI one-pager", "--as", "sam@sales", "--at", at(10))
        try w.ok("content", "deliver", "C-1", "--title", "ROI", "--link", "https://wiki.example.com/roi", "--as", "mia@marketing",
                 "--at", "2026-03-11T15:00:00Z")
        try w.ok("content", "request", "--topic", "Case study for retail", "--needed-by", "2026-03-15", "--as", "zoe@sales", "--at", at(12))

        let report = try JSONValue.parse(try w.ok("content", "--as-of", "2026-04-20", "--json").stdout.trimmingCharacters(in: .newlines))
        let resources = try #require(report["resources"]?.arrayItems)
        #expect(resources.map { $0["resource"]?.stringValue } == ["R-1", "R-2"])
        let card = resources[0]
        #expect(card["uses"] == .integer(2) && card["users"] == .integer(2))
        #expect(card["idle_days"] == .integer(47))  // last used 3 March 09:00, read at midnight on 20 April
        // With it: L-1 (accepted, converted) and L-3 (rejected).
        let with = card["leads_with_it"]
        #expect(with?["leads"] == .integer(2) && with?["judged"] == .integer(2) && with?["accepted"] == .integer(1) && with?["converted"] == .integer(1))
        #expect(with?["acceptance_rate"] == .double(0.5) && with?["conversion_rate"] == .double(0.5))
        // The other webinar leads: L-2 (accepted) and L-4 (not judged yet); L-5 is another source.
        #expect(card["same_sources_without_it"]?["leads"] == .integer(2))
        #expect(card["same_sources_without_it"]?["judged"] == .integer(1))
        #expect(card["same_sources_without_it"]?["acceptance_rate"] == .integer(1))
        #expect(card["same_sources_without_it"]?["conversion_rate"] == .integer(0))
        #expect(resources[1]["uses"] == .integer(0))
        #expect(report["unused"]?.arrayItems == [.string("R-1"), .string("R-2")])

        let requests = try #require(report["requests"]?.arrayItems)
        #expect(requests.map { $0["state"]?.stringValue } == ["delivered", "overdue"])
        #expect(requests[0]["hours_to_delivery"] == .integer(30))

        // As it stood on 13 March: R-1 just used, the second request not yet due.
        let then = try JSONValue.parse(try w.ok("content", "--as-of", "2026-03-13", "--json").stdout.trimmingCharacters(in: .newlines))
        #expect(then["unused"]?.arrayItems == [])  // R-2 shared 12 days before
        #expect(then["requests"]?.arrayItems.last?["state"] == .string("open"))
        let text = try w.ok("content", "--as-of", "2026-04-20").stdout
        #expect(text.contains("Battle card vs Acme") && text.contains("overdue"))
    }
}
