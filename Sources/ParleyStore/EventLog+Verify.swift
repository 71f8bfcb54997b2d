import Foundation
import GRDB
public import ParleyCore

extension EventLog {
    /// What ``verify(progress:)`` found.
    public typealias VerifyReport = ParleyCore.VerifyReport

    /// Walks the hash chain from position 1 and runs SQLite's integrity check.
    ///
    /// Each row's hash is recomputed from the previous row's stored hash and
    /// the row's canonical bytes, so a changed row, a deleted row (a gap in
    /// positions), reordered rows and a cut tail (positions that
    /// AUTOINCREMENT handed out but are gone) are each named by position,
    /// even when someone dropped the triggers first.
    ///
    /// - Parameter progress: called every 1,024 events with the count so far.
    public func verify(progress: (Int) -> Void = { _ in }) throws -> VerifyReport {
        try read { db in
            var report = VerifyReport()
            var previousHash = HashChain.genesis
            var expectedPosition: Int64 = 1
            var changedCount = 0
            var scratch: [UInt8] = []
            var firstChanged: Int64?
            let rows = try RawStatement(db, cached: "SELECT \(Self.columns) FROM events ORDER BY position")
            defer { rows.reset() }
            while try rows.step() {
                let position = rows.int64(0)
                if position != expectedPosition {
                    let gap = position - expectedPosition
                    report.problems.append(.init(
                        kind: .missing, position: expectedPosition,
                        message: gap == 1 ? "position \(expectedPosition) is missing: the event was deleted"
                                          : "positions \(expectedPosition)–\(position - 1) are missing: \(gap) events were deleted"))
                }
                let stored = rows.bytes(11)
                let event: RecordedEvent
                do {
                    event = try rows.event()
                } catch {
                    report.problems.append(.init(kind: .changed, position: position, message: "position \(position) was altered: its id is malformed"))
                    previousHash = stored
                    expectedPosition = position + 1
                    continue
                }
                if HashChain.hash(previous: previousHash, event: event, scratch: &scratch) != stored {
                    changedCount += 1
                    if firstChanged == nil { firstChanged = position }
                }
                previousHash = stored
                expectedPosition = position + 1
                report.eventsChecked += 1
                report.lastPosition = position
                if report.eventsChecked % 1024 == 0 { progress(report.eventsChecked) }
            }
            report.headHash = report.eventsChecked > 0 ? RecordedEvent.hex(previousHash) : ""
            if let firstChanged {
                report.problems.append(.init(
                    kind: .changed, position: firstChanged,
                    message: changedCount == 1
                        ? "position \(firstChanged) was altered, deleted or moved: its hash does not match its content and the chain before it"
                        : "position \(firstChanged) was altered, deleted or moved: its hash does not match (\(changedCount) positions in all)"))
            }
            let sequence = try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'events'") ?? 0
            if sequence > report.lastPosition {
                report.problems.append(.init(
                    kind: .truncated, position: report.lastPosition + 1,
                    message: "positions \(report.lastPosition + 1)–\(sequence) were written and are gone: the end of the log was deleted"))
            }
            let triggers = try String.fetchSet(db, sql: "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'events'")
            let missing = ["events_refuse_update", "events_refuse_delete"].filter { !triggers.contains($0) }
            if !missing.isEmpty {
                report.problems.append(.init(
                    kind: .unguarded, position: nil,
                    message: "the triggers that keep events immutable were dropped (\(missing.joined(separator: ", "))): someone edited the schema behind the log's back"))
            }
            let integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check")
            if integrity != ["ok"] {
                report.problems.append(.init(
                    kind: .damaged, position: nil,
                    message: "SQLite's integrity check failed: \(integrity.prefix(3).joined(separator: "; "))"))
            }
            report.problems.sort { ($0.position ?? .max) < ($1.position ?? .max) }
            return report
        }
    }
}
