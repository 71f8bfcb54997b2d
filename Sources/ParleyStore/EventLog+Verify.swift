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
    /// even when someone dropped the triggers first. A sound log's head is
    /// recorded, for ``verifyQuick(progress:)``.
    ///
    /// - Parameter progress: called every 1,024 events with the count so far.
    public func verify(progress: (Int) -> Void = { _ in }) throws -> VerifyReport {
        let anchor = path.flatMap(HeadAnchor.read(for:))
        let (report, head) = try read { db in
            var report = VerifyReport()
            let head = try walkChain(db, after: 0, previousHash: HashChain.genesis, into: &report, progress: progress)
            try checkSurroundings(db, anchor: anchor, into: &report, integrity: "integrity_check")
            return (report, head)
        }
        try recordVerification(report, head: head)
        return report
    }

    /// The quick form for large logs: SQLite's quick check, and the chain
    /// walked only from the last position a verification found sound, after
    /// checking that the hash recorded there is still the one stored.
    ///
    /// A row changed before that position with its hash left alone is not
    /// seen (the full ``verify(progress:)`` sees it); one changed after it,
    /// a cut tail or dropped triggers are. Without a recorded verification,
    /// the whole chain is walked.
    public func verifyQuick(progress: (Int) -> Void = { _ in }) throws -> VerifyReport {
        let anchor = path.flatMap(HeadAnchor.read(for:))
        let (report, head) = try read { db in
            var report = VerifyReport()
            report.quick = true
            var start: Int64 = 0
            var previousHash = HashChain.genesis
            if let row = try Row.fetchOne(db, sql: "SELECT position, hash, verified_at FROM verifications ORDER BY position DESC LIMIT 1") {
                let position: Int64 = row[0]
                let recorded: [UInt8] = [UInt8](row[1] as Data)
                let stored = try Data.fetchOne(db, sql: "SELECT hash FROM events WHERE position = ?", arguments: [position]).map { [UInt8]($0) }
                report.trustedUpTo = position
                report.trustedSince = Timestamp(rfc3339: row[2])
                if stored == recorded {
                    start = position
                    previousHash = recorded
                } else {
                    report.problems.append(.init(
                        kind: stored == nil ? .missing : .changed, position: position,
                        message: "position \(position), verified sound on \(row[2] as String), "
                            + (stored == nil ? "is gone" : "no longer holds the hash verified then") + ": the log was changed behind its back"))
                }
            }
            var head = previousHash
            if report.isSound {
                report.lastPosition = start
                head = try walkChain(db, after: start, previousHash: previousHash, into: &report, progress: progress)
                if start > 0 { report.headHash = RecordedEvent.hex(head) }
            }
            try checkSurroundings(db, anchor: anchor, into: &report, integrity: "quick_check")
            return (report, head)
        }
        try recordVerification(report, head: head)
        return report
    }

    /// The last verification that found the log sound: its position, when,
    /// and how many events it checked.
    public func lastVerification() throws -> (position: Int64, at: Timestamp?, events: Int)? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT position, verified_at, events FROM verifications ORDER BY position DESC LIMIT 1")
                .map { (position: $0[0], at: Timestamp(rfc3339: $0[1]), events: $0[2]) }
        }
    }

    /// Keeps a sound log's head, for the next quick verification. A log
    /// that cannot be written (read-only, locked) is still verified; only
    /// the shortcut is lost.
    private func recordVerification(_ report: VerifyReport, head: [UInt8]) throws {
        guard report.isSound, report.lastPosition > 0 else { return }
        if let path { HeadAnchor(position: report.lastPosition, hash: head).advance(for: path) }
        try? writer.write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO verifications (position, hash, events, verified_at) VALUES (?, ?, ?, ?)",
                           arguments: [report.lastPosition, Data(head), report.eventsChecked, Timestamp.now().rfc3339])
        }
    }

    /// Recomputes each row's hash after `after`, from `previousHash`.
    private func walkChain(_ db: Database, after: Int64, previousHash start: [UInt8], into report: inout VerifyReport,
                           progress: (Int) -> Void) throws -> [UInt8] {
        var previousHash = start
        var expectedPosition = after + 1
        var changedCount = 0
        var scratch: [UInt8] = []
        var firstChanged: Int64?
        let rows = try RawStatement(db, cached: "SELECT \(Self.columns) FROM events WHERE position > ? ORDER BY position")
        defer { rows.reset() }
        rows.bind(1, after)
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
        return previousHash
    }

    /// What surrounds the chain: a cut tail, the triggers, SQLite's own check.
    ///
    /// - Parameter anchor: read before the read transaction began (see `HeadAnchor`).
    private func checkSurroundings(_ db: Database, anchor: HeadAnchor?, into report: inout VerifyReport, integrity: String) throws {
        if let path, let anchor, let problem = try anchor.problem(db, path: path) {
            report.problems.append(problem)
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
        let checked = try String.fetchAll(db, sql: "PRAGMA \(integrity)")
        if checked != ["ok"] {
            report.problems.append(.init(
                kind: .damaged, position: nil,
                message: "SQLite's \(integrity == "quick_check" ? "quick" : "integrity") check failed: \(checked.prefix(3).joined(separator: "; "))"))
        }
        report.problems.sort { ($0.position ?? .max) < ($1.position ?? .max) }
    }
}
