import Foundation
import GRDB
import ParleyCore
import Testing
@testable import ParleyStore

/// Tampering as someone with the sqlite3 shell would do it: drop the
/// triggers, then change the rows. `verify` must name the first bad position.
@Suite struct VerifyTests {
    private func logWithTenEvents(_ kind: LogKind = .diskPool) throws -> EventLog {
        let log = try makeLog(kind)
        try log.add((1...10).map { try lead("L-\($0 % 4)", data: ["score": .integer(Int64($0))]) })
        #expect(try log.verify().isSound)
        return log
    }

    private let dropTriggers = "DROP TRIGGER events_refuse_update; DROP TRIGGER events_refuse_delete;"

    @Test(arguments: LogKind.allCases)
    func aSoundLogVerifies(kind: LogKind) throws {
        let log = try logWithTenEvents(kind)
        let report = try log.verify()
        #expect(report.eventsChecked == 10)
        #expect(report.lastPosition == 10)
        #expect(report.headHash == (try log.event(at: 10)).hashHex)
        #expect(report.problems.isEmpty)
    }

    @Test func anEmptyLogVerifies() throws {
        let report = try makeLog(.inMemory).verify()
        #expect(report.isSound)
        #expect(report.eventsChecked == 0)
    }

    @Test func namesARowWhoseDataWasChanged() throws {
        let log = try logWithTenEvents()
        try log.tamper(dropTriggers + "UPDATE events SET data = '{\"lead\":\"L-2\",\"score\":99,\"source\":\"webinar\"}' WHERE position = 6")
        let report = try log.verify()
        #expect(report.firstBadPosition == 6)
        #expect(report.problems.contains { $0.kind == .changed && $0.position == 6 })
        #expect(report.problems.contains { $0.kind == .unguarded })
    }

    @Test func namesARowChangedTogetherWithItsHash() throws {
        // Recomputing the row's own hash does not help: the next row chains to the old one.
        let log = try logWithTenEvents()
        var event = try log.event(at: 4)
        event.actor = "eve@marketing"
        let forged = HashChain.hash(previous: try log.event(at: 3).hash, event: event)
        try log.tamper(dropTriggers + "UPDATE events SET actor = 'eve@marketing', hash = x'\(RecordedEvent.hex(forged))' WHERE position = 4")
        #expect(try log.verify().firstBadPosition == 5)
    }

    @Test func namesADeletedRow() throws {
        let log = try logWithTenEvents()
        try log.tamper(dropTriggers + "DELETE FROM events WHERE position = 7")
        let report = try log.verify()
        #expect(report.firstBadPosition == 7)
        #expect(report.problems.contains { $0.kind == .missing && $0.message.contains("position 7 is missing") })
    }

    @Test func namesSwappedRows() throws {
        let log = try logWithTenEvents()
        let columns = "id, stream, version, type, actor, occurred_at, recorded_at, schema, data, meta, hash"
        try log.tamper(dropTriggers + """
            CREATE TEMP TABLE swap AS SELECT * FROM events WHERE position IN (3, 8);
            UPDATE events SET id = randomblob(16), stream = 'lead/tmp', version = position WHERE position IN (3, 8);
            UPDATE events SET (\(columns)) = (SELECT \(columns) FROM swap WHERE swap.position = 8) WHERE position = 3;
            UPDATE events SET (\(columns)) = (SELECT \(columns) FROM swap WHERE swap.position = 3) WHERE position = 8;
            """)
        #expect(try log.event(at: 3).data.contains("\"score\":8"))
        #expect(try log.verify().firstBadPosition == 3)
    }

    @Test func namesACutTail() throws {
        let log = try logWithTenEvents()
        try log.tamper(dropTriggers + "DELETE FROM events WHERE position >= 9")
        let report = try log.verify()
        #expect(report.firstBadPosition == 9)
        #expect(report.problems.contains { $0.kind == .truncated })
        // Positions are never reused, even after such a cut.
        try log.tamper("CREATE TRIGGER events_refuse_update BEFORE UPDATE ON events BEGIN SELECT RAISE(ABORT, 'x'); END; CREATE TRIGGER events_refuse_delete BEFORE DELETE ON events BEGIN SELECT RAISE(ABORT, 'x'); END;")
        #expect(try log.add([try lead("L-9")])[0].event.position == 11)
    }

    @Test func namesDroppedTriggersEvenWhenNoRowChanged() throws {
        let log = try logWithTenEvents()
        try log.tamper(dropTriggers)
        let report = try log.verify()
        #expect(!report.isSound)
        #expect(report.firstBadPosition == nil)
        #expect(report.problems.map(\.kind) == [.unguarded])
    }
}
