import Foundation
import ParleyCore
import Testing
@testable import ParleyStore

/// Group commit in the store: writes of one event share a session without a
/// savepoint, writes of several get a savepoint and a session of their own;
/// either way each write stands or falls alone and the chain stays whole.
@Suite struct GroupTests {
    private func write(_ events: [ProposedEvent]) -> EventLog.GroupedWrite {
        EventLog.GroupedWrite(policy: .history) { _ in events }
    }

    @Test(arguments: LogKind.allCases)
    func eachWriteOfAGroupStandsOrFallsAloneWhateverItsNeighboursDid(kind: LogKind) throws {
        let log = try makeLog(kind)
        try log.add([try lead("L-0")])
        let results = try log.executeGroup([
            write([try lead("L-1")]),
            write([try lead("L-9", "lead.accepted")]),                 // refused: there is no lead L-9
            write([try lead("L-2"), try lead("L-3")]),                 // two events: both
            write([try lead("L-4")]),                                  // after them, not over them
            write([try lead("L-5"), try lead("L-1", "lead.accepted", expected: 5)]), // the second conflicts: neither
            write([try lead("L-6", expected: 3)]),                     // conflicts alone
            write([try lead("L-1", "lead.accepted")]),
            write([try lead("L-1", "lead.rejected")]),                 // refused: L-1 was accepted just before, in this group
        ])
        let appended = results.map { result in (try? result.get())?.map { $0.event.stream } }
        #expect(appended == [["lead/L-1"], nil, ["lead/L-2", "lead/L-3"], ["lead/L-4"], nil, nil, ["lead/L-1"], nil])
        for index in [1, 7] {
            #expect(throws: StoreError.self, "write \(index)") { try results[index].get() }
        }
        #expect((try? results[4].get()) == nil && (try? results[5].get()) == nil)

        let events = try log.all()
        #expect(events.map(\.position) == Array(1...6))
        #expect(events.map(\.stream) == ["lead/L-0", "lead/L-1", "lead/L-2", "lead/L-3", "lead/L-4", "lead/L-1"])
        #expect(events.last?.type == "lead.accepted" && events.last?.version == 2)
        #expect(try log.verify().isSound)

        // The next group begins where this one ended.
        let next = try log.executeGroup([write([try lead("L-7")])])
        #expect((try next[0].get()).map(\.event.position) == [7])
        #expect(try log.verify().isSound)
    }
}
