import Foundation
import ParleyApp
import ParleyCore
import Testing

/// `parley issues` on the history of a team that keeps its SLA: verdicts
/// within hours, a rating on every accepted lead within days, a reason on
/// every rejection, action items done before they are due, tensions
/// resolved within days. A manager should find next to nothing there.
@Suite struct HealthyTeamTests {
    static let start = Timestamp(rfc3339: "2025-01-06T08:00:00Z")!
    static let day: Int64 = 86_400_000_000
    static let hour: Int64 = 3_600_000_000

    /// Six months of a healthy team's events, in time order. From
    /// `silentFrom` on, `silentRep` stops rating the leads they accept.
    static func history(seed: UInt64, silentRep: String? = nil, silentFrom: Int64 = 60) throws -> [ProposedEvent] {
        var random = SeededGenerator(seed: seed)
        var events: [(at: Int64, event: ProposedEvent)] = []
        func add(_ payload: some EventPayload, _ actor: String, at: Int64, stream: String? = nil) throws {
            events.append((at, try payload.event(actor: actor, stream: stream, occurredAt: Timestamp(microseconds: at))))
        }
        let reps = ["sam@sales", "zoe@sales", "ethan@sales"]
        let marketers = ["mia@marketing", "noah@marketing"]
        var at = start.microseconds
        for (handle, team) in [("mia@marketing", "marketing"), ("noah@marketing", "marketing"), ("sam@sales", "sales"),
                               ("zoe@sales", "sales"), ("ethan@sales", "sales"), ("lee@mgmt", "management")] {
            try add(MemberJoined(handle: handle, name: handle, team: team), "mia@marketing", at: at)
            at += 60_000_000
        }
        try add(CriteriaChanged(version: 1, rules: "employees >= 50", rationale: nil), "mia@marketing", at: at)
        try add(CriteriaAgreed(version: 1, team: "sales"), "sam@sales", at: at + hour)
        try add(SLASet(followUpHours: 24, feedbackWithinDays: 7), "lee@mgmt", at: at + hour)
        try add(SLAAgreed(version: 1, team: "marketing"), "mia@marketing", at: at + hour)
        try add(SLAAgreed(version: 1, team: "sales"), "sam@sales", at: at + hour)
        let end = start.microseconds + 182 * day
        var lead = 0
        var time = at + 2 * hour
        while time < end {
            lead += 1
            let id = "L-\(lead)"
            let rep = reps[Int.random(in: 0..<reps.count, using: &random)]
            try add(LeadSent(lead: id, source: ["webinar", "referral", "paid-search"][lead % 3], assignedTo: rep),
                     marketers[lead % 2], at: time)
            let verdict = time + Int64.random(in: 1...12, using: &random) * hour
            if Bool.random(using: &random) {
                try add(LeadAccepted(lead: id), rep, at: verdict)
                let silent = rep == silentRep && time >= start.microseconds + silentFrom * day
                if !silent {
                    try add(LeadFeedback(lead: id, rating: Int64.random(in: 2...5, using: &random)), rep,
                            at: verdict + Int64.random(in: 1...5, using: &random) * day)
                }
            } else {
                try add(LeadRejected(lead: id, reason: "not-a-fit", comment: "too small"), rep, at: verdict)
            }
            time += Int64.random(in: 2...8, using: &random) * hour
        }
        // A joint meeting every week, its action item done within days, before it is due.
        var meeting = 0
        for week in stride(from: start.microseconds + 3 * day, to: end, by: Int64.Stride(7 * day)) {
            meeting += 1
            let due = Timestamp(microseconds: week + 4 * day).rfc3339
            try add(MeetingHeld(meeting: "M-\(meeting)", title: "Weekly sync", attendees: ["mia@marketing", "sam@sales"],
                                actionItems: [.init(action: "A-\(meeting)", owner: "sam@sales", text: "call back", due: due)]),
                    "lee@mgmt", at: week)
            try add(ActionCompleted(action: "A-\(meeting)", note: nil), "sam@sales",
                    at: week + Int64.random(in: 1...3, using: &random) * day, stream: "meeting/M-\(meeting)")
        }
        // A tension now and then, resolved within days.
        var tension = 0
        for flagged in stride(from: start.microseconds + 10 * day, to: end, by: Int64.Stride(25 * day)) {
            tension += 1
            try add(TensionFlagged(tension: "T-\(tension)", title: "Slow follow-up", severity: "medium", category: "sla"),
                    "mia@marketing", at: flagged)
            try add(TensionResolved(tension: "T-\(tension)", resolution: "agreed at the sync"), "lee@mgmt",
                    at: flagged + Int64.random(in: 1...3, using: &random) * day)
        }
        return events.sorted { $0.at < $1.at }.map(\.event)
    }

    static func issues(_ app: App, asOfDay day: Int64) throws -> [OpenIssue] {
        try app.issues(IssuesQuery(window: ReplayWindow(asOf: Timestamp(microseconds: start.microseconds + day * Self.day))))
    }

    @Test(arguments: [1, 7, 42] as [UInt64])
    func aHealthyTeamHasNextToNothingOpen(seed: UInt64) throws {
        let app = try App.inMemory()
        try app.record(try Self.history(seed: seed), policy: .history)
        for day in stride(from: 14 as Int64, through: 182, by: 7) {
            let open = try Self.issues(app, asOfDay: day)
            #expect(open.count <= 2, "day \(day): \(open.map { "\($0.kind) \($0.ref)" })")
            #expect(!open.contains { $0.kind == "missing-feedback" }, "day \(day): \(open.map { "\($0.kind) \($0.ref)" })")
        }
        // The persisted views, caught up, agree: nothing is open once the history is over, but
        // the signal that the joint meetings stopped with it (the history ended in 2025).
        let now = try app.issues(IssuesQuery())
        #expect(now.count <= 1 && now.allSatisfy { $0.kind == "signal" && $0.ref.hasPrefix("meeting-cadence-joint-") },
                "\(now.map { "\($0.kind) \($0.ref)" })")
    }

    @Test func aRepWhoStopsRatingAcceptedLeadsShowsUp() throws {
        let app = try App.inMemory()
        try app.record(try Self.history(seed: 7, silentRep: "zoe@sales"), policy: .history)
        let open = try Self.issues(app, asOfDay: 120)
        let missing = open.filter { $0.kind == "missing-feedback" }
        #expect(missing.map(\.ref) == ["zoe@sales"], "\(open.map { "\($0.kind) \($0.ref)" })")
        #expect(missing.first.map { $0.count > 10 } == true, "one row stands for each of zoe's unrated leads")
    }

    @Test func anSLAThatAsksForRatingsOnEveryLeadCountsRejectionsWithoutOne() throws {
        let app = try App.inMemory()
        var events = try Self.history(seed: 1)
        let at = Timestamp(microseconds: Self.start.microseconds + 5 * Self.hour)
        let terms = [
            try SLASet(followUpHours: 24, feedbackWithinDays: 7, feedbackOn: "all").event(actor: "lee@mgmt", occurredAt: at),
            try SLAAgreed(version: 2, team: "marketing").event(actor: "mia@marketing", occurredAt: at),
            try SLAAgreed(version: 2, team: "sales").event(actor: "sam@sales", occurredAt: at),
        ]
        events.insert(contentsOf: terms, at: events.firstIndex { $0.type == "lead.sent" }!)
        try app.record(events, policy: .history)
        let open = try Self.issues(app, asOfDay: 60)
        #expect(open.contains { $0.kind == "missing-feedback" }, "rejected leads without a rating are missing feedback under that SLA")
        #expect(try app.sla().inForce?.feedbackOn == "all")
    }
}
