import Foundation
import ParleyCore
import Testing
@testable import ParleyStore

/// The signals view's own rules, beyond what every view must hold (ProjectionTests).
@Suite struct SignalsViewTests {
    /// The signals' SLA detector reads the SLA in force (both teams signed),
    /// else the latest proposed, as the follow-up view measures compliance:
    /// a proposal one side has not signed changes nothing.
    @Test func theSignalsReadTheSLAInForceNotTheLatestProposed() throws {
        let log = try makeLog(.inMemory)
        func at(_ day: Int) -> Timestamp { Timestamp(microseconds: Timestamp(rfc3339: "2026-01-01T09:00:00Z")!.microseconds + Int64(day) * 86_400_000_000) }
        func set(_ hours: Int64, version: Int64, day: Int) throws -> ProposedEvent {
            try ProposedEvent(stream: "sla/main", type: "sla.set", actor: "lee@mgmt", occurredAt: at(day),
                              data: .object(["follow_up_hours": .integer(hours), "version": .integer(version)]))
        }
        func agree(_ version: Int64, _ team: String, day: Int) throws -> ProposedEvent {
            try ProposedEvent(stream: "sla/main", type: "sla.agreed", actor: team == "sales" ? "sam@sales" : "mia@marketing", occurredAt: at(day),
                              data: .object(["version": .integer(version), "team": .string(team)]))
        }
        func hours() throws -> Int64? {
            guard case let .terms(terms)? = try log.replay(SignalsProjection.self, window: ReplayWindow())["sla/current"] else { return nil }
            return terms.followUpHours
        }
        try log.add([try set(24, version: 1, day: 0)])
        #expect(try hours() == 24)  // none in force: the latest proposed
        try log.add([try agree(1, "sales", day: 1), try agree(1, "marketing", day: 1)])
        try log.add([try set(1, version: 2, day: 2), try agree(2, "marketing", day: 2)])
        #expect(try hours() == 24)  // v2 waits for sales: v1 stays in force
        try log.add([try agree(2, "sales", day: 3)])
        #expect(try hours() == 1)
        // The persisted view, caught up, agrees with the replay.
        try log.catchUp(SignalsProjection.self)
        guard case let .terms(persisted)? = try log.rows(SignalsProjection.self, prefix: "sla/current")["sla/current"] else {
            Issue.record("no sla/current row")
            return
        }
        #expect(persisted.followUpHours == 1)
    }
}
