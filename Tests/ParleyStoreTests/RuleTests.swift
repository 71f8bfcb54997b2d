import Foundation
import ParleyCore
import Testing
@testable import ParleyStore

/// The practice's rules, through the store, as the commands and `record` meet them.
@Suite struct RuleTests {
    /// A log with three members: mia (marketing), sam (sales), lee (management).
    private func team() throws -> EventLog {
        let log = try EventLog.inMemory()
        try record(log, MemberJoined(handle: "mia@marketing", name: "Mia Chen", team: "marketing"), as: "mia@marketing")
        try record(log, MemberJoined(handle: "sam@sales", name: "Sam Ortiz", team: "sales"), as: "mia@marketing")
        try record(log, MemberJoined(handle: "lee@mgmt", name: "Lee Park", team: "management"), as: "mia@marketing")
        return log
    }

    @discardableResult
    private func record<P: EventPayload>(_ log: EventLog, _ payload: P, as actor: String, stream: String? = nil,
                                         policy: RulePolicy = .everything) throws -> RecordedEvent {
        try log.append([try payload.event(actor: actor, stream: stream)], policy: policy)[0].event
    }

    /// Expects the event to be refused with a message containing `words`.
    private func expectRefused<P: EventPayload>(_ log: EventLog, _ payload: P, as actor: String, stream: String? = nil,
                                                policy: RulePolicy = .everything, _ words: String,
                                                sourceLocation: SourceLocation = #_sourceLocation) throws {
        let before = try log.head().count
        #expect(sourceLocation: sourceLocation) {
            try record(log, payload, as: actor, stream: stream, policy: policy)
        } throws: { error in
            guard let error = error as? StoreError, error.code == .ruleViolation else { return false }
            return error.description.contains(words)
        }
        #expect(try log.head().count == before, "nothing written", sourceLocation: sourceLocation)
    }

    @Test func theActorMustBeACurrentMember() throws {
        let log = try EventLog.inMemory()
        // The first member adds themselves; nobody else may record before joining.
        try expectRefused(log, LeadSent(lead: "L-1", source: "webinar"), as: "mia@marketing", "mia@marketing is not a member")
        try record(log, MemberJoined(handle: "mia@marketing", name: "Mia", team: "marketing"), as: "mia@marketing")
        try expectRefused(log, MemberJoined(handle: "sam@sales", name: "Sam", team: "sales"), as: "sam@sales", "sam@sales is not a member")
        var bootstrap = RulePolicy.everything
        bootstrap.bootstrap = true
        try record(log, MemberJoined(handle: "sam@sales", name: "Sam", team: "sales"), as: "sam@sales", policy: bootstrap)
        try record(log, MemberLeft(handle: "sam@sales"), as: "mia@marketing")
        try expectRefused(log, TensionFlagged(tension: "T-1", title: "t", severity: "low", category: "other"), as: "sam@sales", "sam@sales left on")
        try expectRefused(log, MemberJoined(handle: "mia@marketing", name: "Mia", team: "sales"), as: "mia@marketing", "already a member")
    }

    @Test func teamsDoWhatTheirRoleSays() throws {
        let log = try team()
        try expectRefused(log, LeadSent(lead: "L-1", source: "webinar"), as: "sam@sales", "only marketing members may send leads; sam@sales is in sales")
        try record(log, LeadSent(lead: "L-1", source: "webinar"), as: "mia@marketing")
        try expectRefused(log, LeadAccepted(lead: "L-1"), as: "mia@marketing", "only sales members may accept leads")
        try expectRefused(log, LeadFeedback(lead: "L-1", rating: 5), as: "mia@marketing", "only sales members may give feedback")
        try expectRefused(log, CriteriaChanged(version: 1, rules: "x"), as: "sam@sales", "only marketing members may change the lead criteria")
        try record(log, CriteriaChanged(version: 1, rules: "x"), as: "mia@marketing")
        try expectRefused(log, CriteriaAgreed(version: 1, team: "sales"), as: "mia@marketing", "cannot agree for sales")
        try record(log, CriteriaAgreed(version: 1, team: "sales"), as: "lee@mgmt")
        // Anyone flags; only management resolves what was escalated.
        try record(log, TensionFlagged(tension: "T-1", title: "t", severity: "high", category: "sla"), as: "sam@sales")
        try record(log, TensionEscalated(tension: "T-1"), as: "sam@sales")
        try expectRefused(log, TensionResolved(tension: "T-1", resolution: "r"), as: "mia@marketing", "only management may resolve it")
        try record(log, TensionResolved(tension: "T-1", resolution: "r"), as: "lee@mgmt")
        // A member who moved has the new team's rights.
        try record(log, MemberMoved(handle: "sam@sales", team: "marketing"), as: "lee@mgmt")
        try record(log, LeadSent(lead: "L-2", source: "referral"), as: "sam@sales")
    }

    @Test func aLeadGetsOneVerdictAndOnlyOnceSent() throws {
        let log = try team()
        try expectRefused(log, LeadAccepted(lead: "L-7"), as: "sam@sales", "there is no lead L-7 in the log")
        try expectRefused(log, LeadRejected(lead: "L-7", reason: "no-budget"), as: "sam@sales", "there is no lead L-7")
        try expectRefused(log, LeadFeedback(lead: "L-7", rating: 2), as: "sam@sales", "there is no lead L-7")
        try expectRefused(log, LeadConverted(lead: "L-7"), as: "sam@sales", "there is no lead L-7")
        try record(log, LeadSent(lead: "L-7", source: "webinar"), as: "mia@marketing")
        try expectRefused(log, LeadSent(lead: "L-7", source: "webinar"), as: "mia@marketing", "lead L-7 was already sent by mia@marketing")
        let verdict = try record(log, LeadRejected(lead: "L-7", reason: "no-budget"), as: "sam@sales")
        try expectRefused(log, LeadAccepted(lead: "L-7"), as: "sam@sales",
                          "lead L-7 was already rejected by sam@sales on \(verdict.occurredAt.rfc3339); a lead gets one verdict")
        // Feedback after a verdict is fine; a retracted verdict makes room for a new one.
        try record(log, LeadFeedback(lead: "L-7", rating: 1, comment: "student"), as: "sam@sales")
        try record(log, EventRetracted(target: verdict.id.description, reason: "clicked the wrong button"), as: "sam@sales", stream: "lead/L-7")
        try record(log, LeadAccepted(lead: "L-7"), as: "sam@sales")
        try record(log, LeadConverted(lead: "L-7", amount: 1000, currency: "EUR"), as: "sam@sales")
        try expectRefused(log, LeadLost(lead: "L-7"), as: "sam@sales", "lead L-7 was already converted")
        // Recycled, it may be sent and judged again.
        try record(log, LeadRecycled(lead: "L-7"), as: "sam@sales")
        try record(log, LeadSent(lead: "L-7", source: "nurture"), as: "mia@marketing")
        try record(log, LeadRejected(lead: "L-7", reason: "not-ready"), as: "sam@sales")
    }

    @Test func tensionsMoveFromOpenToResolvedAndBack() throws {
        let log = try team()
        try expectRefused(log, TensionCommented(tension: "T-1", comment: "c"), as: "sam@sales", "there is no tension T-1")
        try record(log, TensionFlagged(tension: "T-1", title: "t", severity: "low", category: "communication"), as: "sam@sales")
        try expectRefused(log, TensionFlagged(tension: "T-1", title: "t", severity: "low", category: "communication"), as: "sam@sales", "already exists")
        try expectRefused(log, TensionReopened(tension: "T-1"), as: "sam@sales", "only a resolved tension can be reopened")
        try record(log, TensionResolved(tension: "T-1", resolution: "talked"), as: "mia@marketing")
        try expectRefused(log, TensionResolved(tension: "T-1", resolution: "again"), as: "lee@mgmt", "was already resolved by mia@marketing")
        try expectRefused(log, TensionEscalated(tension: "T-1"), as: "sam@sales", "only an open tension can be escalated")
        try record(log, TensionReopened(tension: "T-1", reason: "back"), as: "sam@sales")
        try record(log, TensionEscalated(tension: "T-1"), as: "sam@sales")
    }

    @Test func criteriaVersionsGoUpByOneAndEachTeamAgreesOnce() throws {
        let log = try team()
        try expectRefused(log, CriteriaChanged(version: 2, rules: "x"), as: "mia@marketing", "criteria versions go up by one: the latest is 0, so the next is 1, not 2")
        try record(log, CriteriaChanged(version: 1, rules: "x"), as: "mia@marketing")
        try expectRefused(log, CriteriaAgreed(version: 2, team: "sales"), as: "sam@sales", "there is no criteria version 2; the versions are 1")
        try record(log, CriteriaAgreed(version: 1, team: "sales"), as: "sam@sales")
        try expectRefused(log, CriteriaAgreed(version: 1, team: "sales"), as: "sam@sales", "sales already agreed to criteria version 1 by sam@sales")
        try record(log, CriteriaAgreed(version: 1, team: "marketing"), as: "mia@marketing")
        try record(log, CriteriaChanged(version: 2, rules: "y"), as: "mia@marketing")
    }

    @Test func anActionItemCompletesOnceAndARetractionOnce() throws {
        let log = try team()
        try record(log, MeetingHeld(meeting: "M-1", title: "Sync", attendees: ["mia@marketing", "sam@sales"],
                                    actionItems: [.init(action: "A-1", owner: "sam@sales", text: "call back")]), as: "lee@mgmt")
        try expectRefused(log, ActionCompleted(action: "A-2"), as: "sam@sales", stream: "meeting/M-1", "meeting M-1 has no action item A-2")
        try record(log, ActionCompleted(action: "A-1"), as: "sam@sales", stream: "meeting/M-1")
        try expectRefused(log, ActionCompleted(action: "A-1"), as: "sam@sales", stream: "meeting/M-1", "action A-1 was already completed by sam@sales")
        let meeting = try log.event(at: 4)
        let missing = EventID.v7()
        try expectRefused(log, EventRetracted(target: missing.description, reason: "r"), as: "lee@mgmt", stream: "meeting/M-1", "there is no event \(missing) in meeting/M-1")
        let retraction = try record(log, EventRetracted(target: meeting.id.description, reason: "wrong day"), as: "lee@mgmt", stream: "meeting/M-1")
        try expectRefused(log, EventRetracted(target: meeting.id.description, reason: "again"), as: "lee@mgmt", stream: "meeting/M-1", "was already retracted by lee@mgmt")
        try expectRefused(log, EventRetracted(target: retraction.id.description, reason: "undo"), as: "lee@mgmt", stream: "meeting/M-1", "cannot itself be retracted")
    }

    @Test func importsKeepStateRulesButNotMembershipOrTeams() throws {
        let log = try EventLog.inMemory()
        try record(log, LeadSent(lead: "L-1", source: "crm"), as: "import@crm", policy: .history)
        try record(log, LeadAccepted(lead: "L-1"), as: "someone@crm", policy: .history)
        try expectRefused(log, LeadRejected(lead: "L-1", reason: "other"), as: "someone@crm", policy: .history, "was already accepted")
        try expectRefused(log, LeadAccepted(lead: "L-9"), as: "someone@crm", policy: .history, "there is no lead L-9")
    }

    @Test func rulesSeeEventsEarlierInTheSameBatch() throws {
        let log = try team()
        let events = [
            try LeadSent(lead: "L-1", source: "webinar").event(actor: "mia@marketing"),
            try LeadAccepted(lead: "L-1").event(actor: "sam@sales"),
            try LeadRejected(lead: "L-1", reason: "other").event(actor: "sam@sales"),
        ]
        #expect { try log.append(events) } throws: { ($0 as? StoreError)?.message.contains("already accepted") == true }
        #expect(try log.head().count == 3, "the whole batch rolled back")
    }

    @Test func idsAreHandedOutInOrder() throws {
        let log = try team()
        try record(log, TensionFlagged(tension: "T-1", title: "t", severity: "low", category: "other"), as: "sam@sales")
        try record(log, TensionFlagged(tension: "T-9", title: "t", severity: "low", category: "other"), as: "sam@sales")
        try record(log, TensionFlagged(tension: "T-custom", title: "t", severity: "low", category: "other"), as: "sam@sales")
        try record(log, MeetingHeld(meeting: "M-1", title: "s", attendees: ["lee@mgmt"],
                                    actionItems: [.init(action: "A-4", owner: "sam@sales", text: "x")]), as: "lee@mgmt")
        let (tension, action, content, meetingOfA4) = try log.execute { reader in
            (try reader.nextNumber(kind: "tension", prefix: "T"), try reader.nextActionNumber(),
             try reader.nextNumber(kind: "content", prefix: "C"), try reader.meetingStream(ofAction: "A-4"))
        }
        #expect(tension == 10)
        #expect(action == 5)
        #expect(content == 1)
        #expect(meetingOfA4 == "meeting/M-1")
    }
}

extension EventLog {
    /// Runs `read` inside a write transaction and returns what it found, appending nothing.
    func execute<T>(_ read: (LogReader) throws -> T) throws -> T {
        var result: T?
        _ = try execute(policy: .payloadOnly) { reader in
            result = try read(reader)
            return []
        }
        return result!
    }
}
