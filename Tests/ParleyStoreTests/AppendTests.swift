import Foundation
import GRDB
import ParleyCore
import Testing
@testable import ParleyStore

@Suite struct AppendTests {
    @Test(arguments: LogKind.allCases)
    func assignsPositionsVersionsAndAChainedHash(kind: LogKind) throws {
        let log = try makeLog(kind)
        let outcomes = try log.add([try lead("L-1"), try lead("L-2"), try lead("L-1", "lead.accepted", actor: "sam@sales")])
        let events = outcomes.map(\.event)
        #expect(events.map(\.position) == [1, 2, 3])
        #expect(events.map(\.version) == [1, 1, 2])
        #expect(events[0].hash == HashChain.hash(previous: HashChain.genesis, event: events[0]))
        #expect(events[2].hash == HashChain.hash(previous: events[1].hash, event: events[2]))
        #expect(try log.all() == events)
        #expect(try log.verify().isSound)
    }

    @Test(arguments: LogKind.allCases)
    func rejectsAppendWhenExpectedVersionIsStale(kind: LogKind) throws {
        let log = try makeLog(kind)
        try log.add([try lead("L-7"), try lead("L-7", "lead.accepted"), try lead("L-7", "lead.feedback")])
        #expect {
            try log.add([try lead("L-8"), try lead("L-7", "lead.converted", expected: 1, line: 2)])
        } throws: { error in
            guard let error = error as? StoreError else { return false }
            return error.code == .versionConflict && error.line == 2
                && error.message.contains("stream lead/L-7 is at version 3, you expected version 1")
        }
        #expect(try log.head().count == 3, "nothing of the failed batch is written, L-8 included")
        try log.add([try lead("L-7", "lead.converted", expected: 3)])
        #expect {
            try log.add([try lead("L-9", expected: 1)])
        } throws: { ($0 as? StoreError)?.message.contains("stream lead/L-9 does not exist yet") == true }
    }

    @Test func expectedVersionCountsEventsEarlierInTheSameBatch() throws {
        let log = try makeLog(.inMemory)
        try log.add([try lead("L-1", expected: 0), try lead("L-1", "lead.accepted", expected: 1)])
        #expect(try log.streamVersions(prefix: "lead/") == ["lead/L-1": 2])
    }

    @Test(arguments: LogKind.allCases)
    func resendingTheSameIdAndContentWritesNothing(kind: LogKind) throws {
        let log = try makeLog(kind)
        let id = EventID.v7()
        let first = try log.add([try lead("L-1", eventID: id, expected: 0)])
        // A retry after a lost answer: same id, same content, even the now-stale expected version.
        let retry = try log.add([try lead("L-1", eventID: id, expected: 0), try lead("L-2")])
        #expect(retry[0] == .alreadyRecorded(first[0].event))
        #expect(retry[1].event.position == 2)
        #expect(try log.head().count == 2)
    }

    @Test(arguments: LogKind.allCases)
    func refusesTheSameIdWithDifferentContent(kind: LogKind) throws {
        let log = try makeLog(kind)
        let id = EventID.v7()
        try log.add([try lead("L-1", eventID: id)])
        #expect {
            try log.add([try lead("L-2"), try lead("L-1", eventID: id, data: ["source": .string("referral")], line: 2)])
        } throws: { error in
            guard let error = error as? StoreError else { return false }
            return error.code == .idConflict && error.line == 2 && error.message.contains("\(id)")
        }
        #expect(try log.head().count == 1)
    }

    @Test(arguments: [LogKind.inMemory, .diskPool])
    func aBatchIsAllOrNothing(kind: LogKind) throws {
        let log = try makeLog(kind)
        try log.add([try lead("L-0")])
        var n = 0
        #expect {
            try log.append(from: {
                n += 1
                guard n <= 10_000 else { return nil }
                if n == 4711 { throw InvalidEvent(line: n, field: "data.score", reason: "must be 0 to 100") }
                return try lead("L-\(n)", line: n)
            }, policy: .payloadOnly)
        } throws: { ($0 as? InvalidEvent)?.line == 4711 }
        #expect(try log.head() == (1, 1))
        // The log is usable afterwards and positions continue from 2.
        #expect(try log.add([try lead("L-1")])[0].event.position == 2)
    }

    @Test(arguments: LogKind.allCases)
    func triggersRefuseUpdateAndDelete(kind: LogKind) throws {
        let log = try makeLog(kind)
        try log.add([try lead("L-1")])
        for sql in ["UPDATE events SET actor = 'eve@sales'", "DELETE FROM events"] {
            #expect {
                try log.tamper(sql)
            } throws: { error in
                (error as? DatabaseError)?.message?.contains("events are immutable") == true
            }
        }
        #expect(try log.all().first?.actor == "mia@marketing")
    }

    @Test func theSchemaHoldsEvenAgainstRawInserts() throws {
        let log = try makeLog(.inMemory)
        try log.add([try lead("L-1")])
        let badRows = [
            "INSERT INTO events VALUES (NULL, x'00', 'lead/L-2', 1, 'lead.sent', 'a@b', 0, 0, 1, '{}', NULL, zeroblob(32))",
            "INSERT INTO events VALUES (NULL, randomblob(16), 'lead/L-1', 1, 'lead.sent', 'a@b', 0, 0, 1, '{}', NULL, zeroblob(32))",
            "INSERT INTO events VALUES (NULL, randomblob(16), 'nostream', 1, 'lead.sent', 'a@b', 0, 0, 1, '{}', NULL, zeroblob(32))",
            "INSERT INTO events VALUES (NULL, randomblob(16), 'lead/L-3', 0, 'lead.sent', 'a@b', 0, 0, 1, '{}', NULL, zeroblob(32))",
            "INSERT INTO events VALUES (NULL, randomblob(16), 'lead/L-3', 1, 'lead.sent', 'a@b', 'soon', 0, 1, '{}', NULL, zeroblob(32))",
            "INSERT INTO events VALUES (NULL, randomblob(16), 'lead/L-3', 1, 'lead.sent', 'a@b', 0, 0, 1, '[]', NULL, zeroblob(32))",
        ]
        for sql in badRows {
            #expect(throws: DatabaseError.self, "\(sql)") { try log.tamper(sql) }
        }
    }

    @Test func thePoolWritesWithWALAndSynchronousFull() throws {
        let log = try EventLog.create(at: try temporaryFolder().appending(path: "p.db").path).0
        let (mode, synchronous) = try log.writer.writeWithoutTransaction { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA synchronous"))
        }
        #expect(mode == "wal")
        #expect(synchronous == 2, "2 is FULL")
    }

    @Test func aBigAppendLeavesTheWALEmptyAndASmallOneDoesNot() throws {
        let path = try temporaryFolder().appending(path: "w.db").path
        let log = try EventLog.create(at: path).0
        func walSize() throws -> Int { try FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int ?? -1 }
        try log.append(try (0..<100).map { try lead("S-\($0)") }, policy: .payloadOnly)
        #expect(try walSize() > 0, "a small append leaves the WAL to SQLite")
        try log.append(try (0..<EventLog.emptyWALAfter).map { try lead("B-\($0)") }, policy: .payloadOnly)
        #expect(try walSize() == 0, "checkpointed and truncated after \(EventLog.emptyWALAfter) events")
        #expect(try log.head().count == EventLog.emptyWALAfter + 100)
        #expect(try log.verify().isSound)
    }

    @Test func readsFilterByStreamTypeActorTimeAndPosition() throws {
        let log = try makeLog(.inMemory)
        try log.add([
            try lead("L-1"), try lead("L-2"), try lead("L-1", "lead.accepted", actor: "sam@sales"),
            try ProposedEvent(stream: "tension/T-1", type: "tension.flagged", actor: "sam@sales",
                              occurredAt: Timestamp(rfc3339: "2026-02-01T00:00:00Z"),
                              data: .object(["tension": .string("T-1"), "title": .string("Slow follow-up"),
                                             "severity": .string("low"), "category": .string("sla")])),
        ])
        func positions(_ filter: EventLog.Filter) throws -> [Int64] {
            var found: [Int64] = []
            try log.events(filter) { found.append($0.position); return true }
            return found
        }
        #expect(try positions(.init(stream: "lead/L-1")) == [1, 3])
        #expect(try positions(.init(stream: "lead/*")) == [1, 2, 3])
        #expect(try positions(.init(type: "tension.*")) == [4])
        #expect(try positions(.init(actor: "sam@sales")) == [3, 4])
        #expect(try positions(.init(since: Timestamp(rfc3339: "2026-01-10T00:00:00Z"))) == [4])
        #expect(try positions(.init(until: Timestamp(rfc3339: "2026-01-10T00:00:00Z"))) == [1, 2, 3])
        #expect(try positions(.init(after: 2, limit: 1)) == [3])
        #expect(try log.event(at: 4).stream == "tension/T-1")
        let third = try log.event(at: 3)
        #expect(try log.event(id: third.id) == third)
        #expect(throws: StoreError.self) { try log.event(at: 99) }
    }
}
