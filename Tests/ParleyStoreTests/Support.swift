import Foundation
import GRDB
import ParleyCore
import Testing
@testable import ParleyStore

/// The three ways a log can be opened, as GRDB tests its own code: in
/// memory, a queue on disk, a pool (WAL) on disk.
enum LogKind: String, CaseIterable, CustomTestStringConvertible {
    case inMemory, diskQueue, diskPool
    var testDescription: String { rawValue }
}

/// A fresh folder under the temporary directory, removed by nobody: the
/// tests' files stay for inspection when something fails.
func temporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appending(path: "parley-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

func makeLog(_ kind: LogKind) throws -> EventLog {
    switch kind {
    case .inMemory:
        return try EventLog.inMemory()
    case .diskQueue:
        let path = try temporaryFolder().appending(path: "queue.db").path
        return try EventLog(migrating: DatabaseQueue(path: path, configuration: EventLog.configuration))
    case .diskPool:
        return try EventLog.create(at: try temporaryFolder().appending(path: "pool.db").path).0
    }
}

func lead(_ id: String, _ type: String = "lead.sent", actor: String = "mia@marketing", eventID: EventID? = nil,
          expected: Int64? = nil, data: [String: JSONValue] = [:], line: Int? = nil) throws -> ProposedEvent {
    var payload: [String: JSONValue] = ["lead": .string(id)]
    switch type {
    case "lead.sent": payload["source"] = .string("webinar")
    case "lead.rejected": payload["reason"] = .string("not-a-fit")
    case "lead.feedback": payload["rating"] = .integer(3)
    default: break
    }
    for (key, value) in data { payload[key] = value }
    return try ProposedEvent(id: eventID, stream: "lead/\(id)", type: type, actor: actor,
                             occurredAt: Timestamp(rfc3339: "2026-01-05T09:30:00Z"), data: .object(payload),
                             expectedVersion: expected, line: line)
}

extension EventLog {
    /// Appends checking payloads only: these tests are about the log, not the practice's rules.
    @discardableResult
    func add(_ events: [ProposedEvent]) throws -> [AppendOutcome] {
        try append(events, policy: .payloadOnly)
    }

    func all() throws -> [RecordedEvent] {
        var events: [RecordedEvent] = []
        try self.events { events.append($0); return true }
        return events
    }

    /// Runs raw SQL behind the log's back, as someone with sqlite3 would.
    func tamper(_ sql: String) throws {
        try writer.writeWithoutTransaction { try $0.execute(sql: sql) }
    }
}
