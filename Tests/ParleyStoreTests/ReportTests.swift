import Foundation
import ParleyCore
import Testing
@testable import ParleyStore

/// The views' reports on a small history whose answers are known.
@Suite struct ReportTests {
    let start = Timestamp(rfc3339: "2026-03-02T09:00:00Z")!

    func at(hours: Int64) -> Timestamp { Timestamp(microseconds: start.microseconds + hours * 3_600_000_000) }

    func history() throws -> EventLog {
        let log = try EventLog.inMemory()
        func add(_ payload: some EventPayload, _ actor: String, hours: Int64, stream: String? = nil) throws {
            try log.append([try payload.event(actor: actor, stream: stream, occurredAt: at(hours: hours))])
        }
        try add(MemberJoined(handle: "mia@marketing", name: "Mia", team: "marketing"), "mia@marketing", hours: 0)
        try add(MemberJoined(handle: "sam@sales", name: "Sam", team: "sales"), "mia@marketing", hours: 0)
        try add(MemberJoined(handle: "zoe@sales", name: "Zoe", team: "sales"), "mia@marketing", hours: 0)
        try add(MemberJoined(handle: "lee@mgmt", name: "Lee", team: "management"), "mia@marketing", hours: 0)
        try add(SLASet(followUpHours: 24, feedbackWithinDays: 7), "lee@mgmt", hours: 0)
        try add(CriteriaChanged(version: 1, rules: "employees >= 50"), "mia@marketing", hours: 0)
        try add(CriteriaAgreed(version: 1, team: "sales"), "sam@sales", hours: 1)
        // L-1: verdict and feedback in time. L-2: late verdict, no feedback. L-3: no verdict.
        try add(LeadSent(lead: "L-1", source: "webinar", criteriaVersion: 1, assignedTo: "sam@sales"), "mia@marketing", hours: 1)
        try add(LeadAccepted(lead: "L-1"), "sam@sales", hours: 2)
        try add(LeadFeedback(lead: "L-1", rating: 4), "sam@sales", hours: 20)
        try add(LeadConverted(lead: "L-1", amount: 5000, currency: "EUR"), "sam@sales", hours: 100)
        try add(LeadSent(lead: "L-2", source: "webinar", criteriaVersion: 1, assignedTo: "sam@sales"), "mia@marketing", hours: 1)
        try add(LeadRejected(lead: "L-2", reason: "no-budget"), "sam@sales", hours: 30)
        try add(LeadSent(lead: "L-3", source: "referral", criteriaVersion: 1, assignedTo: "zoe@sales"), "mia@marketing", hours: 1)
        // L-4: reassigned after 20 h, so its clock restarts; judged 10 h later: in time.
        try add(LeadSent(lead: "L-4", source: "referral", assignedTo: "zoe@sales"), "mia@marketing", hours: 1)
        try add(LeadReassigned(lead: "L-4", to: "sam@sales"), "lee@mgmt", hours: 21)
        try add(LeadAccepted(lead: "L-4"), "sam@sales", hours: 31)
        try add(TensionFlagged(tension: "T-1", title: "Slow follow-up", severity: "high", category: "sla"), "mia@marketing", hours: 40)
        try add(TensionFlagged(tension: "T-2", title: "Old news", severity: "low", category: "other"), "sam@sales", hours: 41)
        try add(TensionResolved(tension: "T-2", resolution: "talked"), "lee@mgmt", hours: 42)
        try add(MeetingHeld(meeting: "M-1", title: "Sync", attendees: ["mia@marketing", "sam@sales"], decisions: ["call back"],
                            actionItems: [.init(action: "A-1", owner: "sam@sales", text: "call back L-3", due: "2026-03-05"),
                                          .init(action: "A-2", owner: "mia@marketing", text: "fix the form")]), "lee@mgmt", hours: 48)
        try add(ActionCompleted(action: "A-2"), "mia@marketing", hours: 50, stream: "meeting/M-1")
        try add(ContentRequested(request: "C-1", topic: "ROI sheet", neededBy: "2026-03-04"), "sam@sales", hours: 2)
        try add(ContentRequested(request: "C-2", topic: "Case study", neededBy: "2026-03-04"), "sam@sales", hours: 2)
        try add(ContentDelivered(request: "C-2", title: "Done"), "mia@marketing", hours: 30)
        try add(CriteriaChanged(version: 2, rules: "employees >= 50 AND company email", rationale: "students"), "mia@marketing", hours: 60)
        return log
    }

    @Test func openIssuesListWhatIsOpenAndWhy() throws {
        let log = try history()
        try log.catchUp(IssuesProjection.self)
        try log.catchUp(FollowUpProjection.self)
        let now = at(hours: 24 * 10)
        let open = OpenIssue.list(issues: try log.rows(IssuesProjection.self).values,
                                  followUp: try log.rows(FollowUpProjection.self, prefix: "lead/").values, now: now)
        let found = Set(open.map { "\($0.kind) \($0.ref)" })
        // L-2 was rejected with a reason: that is its feedback.
        #expect(found == [
            "tension T-1", "sla-breach L-3", "missing-feedback L-3", "missing-feedback L-4",
            "overdue-action A-1", "unanswered-content C-1", "unagreed-criteria criteria v2", "unagreed-sla sla v1",
        ])
        #expect(open.first?.severity == "high")
        // A resolved tension is kept apart from the open ones, so reads of what is open skip it.
        let rows = try log.rows(IssuesProjection.self)
        #expect(rows["resolved/T-2"] != nil && rows["tension/T-2"] == nil && rows["tension/T-1"] != nil)
        #expect(open.first { $0.ref == "L-3" && $0.kind == "sla-breach" }?.since == at(hours: 25))
        #expect(open.first { $0.kind == "unagreed-criteria" }?.reason.contains("sales has not agreed to version 2") == true)
        // Two days in, less is overdue: the action's and the feedback's dates are still ahead.
        let early = OpenIssue.list(issues: try log.rows(IssuesProjection.self).values,
                                   followUp: try log.rows(FollowUpProjection.self, prefix: "lead/").values, now: at(hours: 48))
        #expect(!early.contains { $0.kind == "overdue-action" || $0.kind == "missing-feedback" })
        #expect(early.contains { $0.kind == "sla-breach" && $0.ref == "L-3" })
    }

    @Test func slaCountsWhatIsMissingFromTheDeadlineRows() throws {
        let log = try history()
        try log.catchUp(FollowUpProjection.self)
        typealias Kind = FollowUpProjection.DeadlineKind
        let rows = try log.rows(FollowUpProjection.self)
        func report(_ now: Timestamp) throws -> (reps: [String: FollowUpProjection.Compliance], persisted: Bool) {
            let verdicts = try log.tally(FollowUpProjection.self, prefix: Kind.verdict.prefix, split: Kind.verdict.split(now), total: Kind.total)
            let feedback = try log.tally(FollowUpProjection.self, prefix: Kind.feedback.prefix, split: Kind.feedback.split(now), total: Kind.total)
            // SQLite's tallies equal those counted in memory from the same rows.
            let inMemory = (RowTally.of(rows, prefix: Kind.verdict.prefix, split: Kind.verdict.split(now)),
                            RowTally.of(rows, prefix: Kind.feedback.prefix, split: Kind.feedback.split(now)))
            let same = Set(verdicts.map { "\($0)" }) == Set(inMemory.0.map { "\($0)" }) && Set(feedback.map { "\($0)" }) == Set(inMemory.1.map { "\($0)" })
            let reps = FollowUpProjection.compliance(rows, verdicts: verdicts, feedback: feedback).byRep
            return (Dictionary(uniqueKeysWithValues: reps.map { ($0.key, $0) }), same)
        }
        // One row by its key, exactly (not every key it begins).
        #expect(try log.row(FollowUpProjection.self, key: "lead/L-3") == rows["lead/L-3"] && rows["lead/L-3"] != nil)
        #expect(try log.row(FollowUpProjection.self, key: "lead/L-") == nil)
        let late = try report(at(hours: 24 * 10))
        #expect(late.persisted, "SQLite's tallies equal the in-memory ones")
        #expect(late.reps["zoe@sales"]?.verdictsMissing == 1, "L-3")
        #expect(late.reps["zoe@sales"]?.feedbackMissing == 1, "L-3")
        #expect(late.reps["sam@sales"]?.verdictsMissing == 0)
        #expect(late.reps["sam@sales"]?.feedbackMissing == 1, "L-4 (L-2's rejection gave its reason)")
        #expect(late.reps["sam@sales"]?.counts.verdictsInTime == 2)
        let early = try report(at(hours: 20))
        #expect(early.persisted)
        #expect(early.reps["zoe@sales"]?.verdictsMissing == 0)
        #expect(early.reps["zoe@sales"]?.verdictsPending == 1, "L-3 is due at 25 h")
        #expect(early.reps["sam@sales"]?.feedbackMissing == 0)

        // The issues table: one row per rep and kind, since the oldest lead.
        let now = at(hours: 24 * 10)
        let perRep = try OpenIssue.perRep(
            verdicts: try log.tally(FollowUpProjection.self, prefix: Kind.verdict.prefix, split: Kind.verdict.split(now)),
            feedback: try log.tally(FollowUpProjection.self, prefix: Kind.feedback.prefix, split: Kind.feedback.split(now)),
            pending: { lead in
                if case let .pending(pending)? = rows["lead/\(lead)"] { return pending }
                return nil
            }, now: now)
        #expect(Set(perRep.map { "\($0.kind) \($0.ref)" }) == ["sla-breach zoe@sales", "missing-feedback zoe@sales", "missing-feedback sam@sales"])
        let sam = try #require(perRep.first { $0.kind == "missing-feedback" && $0.ref == "sam@sales" })
        #expect(sam.reason.hasPrefix("1 lead without feedback past the agreed days; the oldest: L-4"), "\(sam.reason)")
        #expect(sam.since == at(hours: 1 + 7 * 24))
        #expect(sam.count == 1, "the row stands for L-4 alone")
        #expect(perRep.first { $0.kind == "sla-breach" }?.since == at(hours: 25))
    }

    @Test func slaCountsVerdictsAndFeedbackInTimeAndLate() throws {
        let log = try history()
        try log.catchUp(FollowUpProjection.self)
        let rows = try log.rows(FollowUpProjection.self)
        guard case let .counts(sam)? = rows["rep/sam@sales"] else { Issue.record("no counts for sam"); return }
        #expect(sam.verdictsInTime == 2, "L-1, and L-4 after its clock restarted")
        #expect(sam.verdictsLate == 1, "L-2")
        #expect(sam.feedbackInTime == 1)
        guard case let .counts(webinar)? = rows["source/webinar"] else { Issue.record("no counts for webinar"); return }
        #expect(webinar.verdictsInTime == 1 && webinar.verdictsLate == 1)
        #expect(rows["lead/L-1"] == nil, "a lead with a verdict and feedback is no longer pending")
    }

    @Test func criteriaHistoryAndQualityAgree() throws {
        let log = try history()
        try log.catchUp(CriteriaProjection.self)
        try log.catchUp(LeadQualityProjection.self)
        let versions = try log.rows(CriteriaProjection.self).values.sorted { $0.version < $1.version }
        #expect(versions.map(\.version) == [1, 2])
        #expect(versions[0].agreedBy.map(\.team) == ["sales"])
        #expect(versions[1].rationale == "students")
        #expect(WordDiff.diff(versions[0].rules, versions[1].rules) == "employees >= 50 {+AND company email+}")
        #expect(WordDiff.diff("a b c", "a x c") == "a [-b-] {+x+} c")
        let v1 = LeadQualityProjection.report(try log.rows(LeadQualityProjection.self, prefix: LeadQualityProjection.Dimension.criteria.allTimeKeys), by: .criteria).first { $0.key == "v1" }
        // L-4 names no version: it is sent under v1, in force when it was sent.
        #expect(v1?.group.sent == 4)
        #expect(v1?.acceptanceRate == 2.0 / 3)
        #expect(v1?.conversionRate == 1.0 / 4)
        let source = LeadQualityProjection.report(try log.rows(LeadQualityProjection.self, prefix: LeadQualityProjection.Dimension.source.allTimeKeys), by: .source)
        #expect(source.map(\.key) == ["referral", "webinar"])
        #expect(source[1].medianHoursToVerdict == 15, "1 h and 29 h")
        #expect(source[1].group.revenue == 5000)
        #expect(source[1].group.rejectedByReason == ["no-budget": 1])
    }

    /// Revenue is summed in cents: amounts that binary doubles cannot hold
    /// add up to the cent, whatever the order and the chunks they came in.
    @Test func revenueAddsUpToTheCent() throws {
        let log = try EventLog.inMemory()
        try log.append([try MemberJoined(handle: "mia@marketing", name: "Mia", team: "marketing").event(actor: "mia@marketing", occurredAt: start),
                        try MemberJoined(handle: "sam@sales", name: "Sam", team: "sales").event(actor: "mia@marketing", occurredAt: start)])
        let amounts = [0.1, 0.2, 19.99, 1234.56, 0.07, 5.25]
        for (n, amount) in amounts.enumerated() {
            let lead = "M-\(n)"
            try log.append([try LeadSent(lead: lead, source: "web").event(actor: "mia@marketing", occurredAt: at(hours: Int64(n))),
                            try LeadConverted(lead: lead, amount: amount).event(actor: "sam@sales", occurredAt: at(hours: 40 + Int64(n)))])
        }
        // Caught up two events at a time, so that the sums are made over several chunks.
        try log.catchUp([LeadQualityProjection.self], chunk: 2)
        let line = try #require(LeadQualityProjection.report(try log.rows(LeadQualityProjection.self, prefix: LeadQualityProjection.Dimension.source.allTimeKeys), by: .source).first)
        #expect(line.group.revenueCents == 10 + 20 + 1999 + 123_456 + 7 + 525)
        #expect(line.group.revenue == 1260.17, "a sum of the doubles is \(amounts.reduce(0, +))")
        #expect(line.group.cycleSeconds == 6 * 40 * 3600)
        #expect(try log.replay(LeadQualityProjection.self, window: ReplayWindow()) == (try log.rows(LeadQualityProjection.self)))
    }

    @Test func meetingsAndActions() throws {
        let log = try history()
        try log.catchUp(MeetingsProjection.self)
        try log.catchUp(IssuesProjection.self)
        let meeting = try #require(try log.rows(MeetingsProjection.self)["meeting/M-1"])
        #expect(meeting.attendees == ["mia@marketing", "sam@sales"])
        #expect(meeting.actions == ["A-1", "A-2"])
        guard case let .action(done)? = try log.rows(IssuesProjection.self)["action/A-2"] else { Issue.record("no A-2"); return }
        #expect(done.completedAt == at(hours: 50))
    }
}
