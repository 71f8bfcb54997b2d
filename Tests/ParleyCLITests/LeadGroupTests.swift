import Foundation
import ParleyApp
import ParleyCore
import Testing

/// The leads behind one line of `quality`: every lead of the group counted,
/// the newest listed first, from the persisted view and from a replay alike.
@Suite struct LeadGroupTests {
    @Test func aLineOpensItsLeadsNewestFirstAndCountsThemAll() throws {
        let app = try App.inMemory()
        func day(_ day: Int) -> Timestamp { Timestamp(rfc3339: String(format: "2026-02-%02dT09:00:00Z", day))! }
        try app.run(.addMember(MemberJoined(handle: "mia@marketing", name: "Mia", team: "marketing")), as: "mia@marketing", at: day(1),
                    bootstrap: true)
        try app.run(.addMember(MemberJoined(handle: "sam@sales", name: "Sam", team: "sales")), as: "mia@marketing", at: day(1))
        for (lead, source, sent) in [("L-1", "webinar", 2), ("L-2", "referral", 3), ("L-3", "webinar", 4), ("L-4", "webinar", 6), ("L-5", "webinar", 8)] {
            try app.run(.sendLead(LeadSent(lead: lead, source: source, assignedTo: "sam@sales")), as: "mia@marketing", at: day(sent))
        }
        try app.run(.rejectLead(LeadRejected(lead: "L-4", reason: "no-budget")), as: "sam@sales", at: day(9))

        let group = try app.leads(by: .source, key: "webinar", limit: 2)
        #expect(group.total == 4)
        #expect(group.leads.map(\.lead.lead) == ["L-5", "L-4"])
        #expect(group.leads.last?.lead.verdict == "lead.rejected")
        #expect(try app.leads(by: .source, key: "referral").leads.map(\.lead.lead) == ["L-2"])
        #expect(try app.leads(by: .source, key: "nobody").total == 0)

        // As of the 5th (a replay, not the persisted view): two webinar leads had been sent.
        let then = try app.leads(by: .source, key: "webinar", limit: 10, ReplayWindow(asOf: day(5)))
        #expect(then.total == 2 && then.leads.map(\.lead.lead) == ["L-3", "L-1"])
    }
}
