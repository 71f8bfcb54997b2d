import Foundation
public import ParleyCore
import ParleyStore

extension App {
    /// Reads the events `filter` selects in position order, handing each
    /// to `body` (which returns false to stop). Flat memory on any log.
    public func events(_ filter: EventFilter = EventFilter(), _ body: (RecordedEvent) throws -> Bool) throws(ParleyError) {
        try mapped { try log.events(filter, body) }
    }

    /// Refuses event types that name no type of the catalogue (`field`
    /// names where they were given): a filter or a webhook whose types
    /// match nothing would stay silent for good.
    public static func checkTypes(_ patterns: [String], field: String) throws(ParleyError) {
        for pattern in patterns {
            if let problem = EventCatalogue.problem(withTypePattern: pattern) {
                throw ParleyError(.invalid, code: "invalid-input", problem, field: field)
            }
        }
    }

    /// The event at `position`.
    public func event(at position: Int64) throws(ParleyError) -> RecordedEvent {
        try mapped { try log.event(at: position) }
    }

    /// The event with `id`.
    public func event(id: EventID) throws(ParleyError) -> RecordedEvent {
        try mapped { try log.event(id: id) }
    }

    /// How many events the log holds, and the last position.
    public func head() throws(ParleyError) -> (count: Int, lastPosition: Int64) {
        try mapped { try log.head() }
    }

    /// Walks the hash chain and runs SQLite's integrity check.
    ///
    /// - Returns: the report; a log that fails is a report with problems,
    ///   not an error (see ``VerifyResult/failure``).
    ///
    /// - Parameter quick: SQLite's quick check, and the chain walked only
    ///   from the last position a verification found sound (see
    ///   `EventLog.verifyQuick`).
    public func verify(quick: Bool = false, progress: ProgressReporter = .none) throws(ParleyError) -> VerifyResult {
        try mapped {
            let total = try log.head().count - (quick ? Int(try log.lastVerification()?.events ?? 0) : 0)
            progress.begin("verifying…", max(total, 0))
            defer { progress.end() }
            let report = quick ? try log.verifyQuick { progress.update($0) } : try log.verify { progress.update($0) }
            return VerifyResult(report: report)
        }
    }

    /// The last verification that found the log sound: the position it
    /// reached, when, and how many events it checked; nil if none has.
    public func lastVerification() throws(ParleyError) -> (position: Int64, at: Timestamp?, events: Int)? {
        try mapped { try log.lastVerification() }
    }

    /// Copies the database to `path` with SQLite's online backup, safe
    /// while others write, then opens the copy and verifies it in full: a
    /// backup that returned is a sound Parley database whose head is the
    /// source's head when the backup began.
    ///
    /// - Throws: ``ParleyError`` when `path` exists, the copy cannot be
    ///   written, or the copy fails verification (it is then removed).
    public func backup(to path: String, progress: ProgressReporter = .none) throws(ParleyError) -> BackupResult {
        try mapped {
            progress.begin("backing up…", nil)
            let head = try log.backup(to: path) { done, total in progress.update(total > 0 ? done * 100 / total : 0) }
            progress.end()
            progress.begin("verifying the copy…", head.events)
            defer { progress.end() }
            let copy = try EventLog.open(at: path)
            let report = try copy.verify { progress.update($0) }
            guard report.isSound, report.lastPosition == head.lastPosition, report.headHash == head.headHash else {
                try? FileManager.default.removeItem(atPath: path)
                let why = report.problems.first?.message ?? "its head is position \(report.lastPosition), the source's was \(head.lastPosition)"
                throw ParleyError(.failure, code: "backup-unsound", "the backup to \(path) did not verify (\(why)); it was removed",
                                  remedy: "run the backup again, and verify the source")
            }
            return BackupResult(path: path, events: head.events, lastPosition: head.lastPosition, headHash: head.headHash, bytes: head.bytes)
        }
    }
}

/// What `backup` wrote: the copy's path and the head it holds, verified.
public struct BackupResult: Sendable, Equatable, Encodable {
    public var path: String
    public var events: Int
    public var lastPosition: Int64
    public var headHash: String
    public var bytes: Int64

    public func encode(to encoder: any Encoder) throws {
        var out = encoder.container(keyedBy: JSONKey.self)
        try out.put(path, "path")
        try out.put(events, "events")
        try out.put(lastPosition, "last_position")
        try out.put(headHash, "head_hash")
        try out.put(bytes, "bytes")
        try out.put(true, "verified")
    }
}

/// What `verify` found.
public struct VerifyResult: Sendable, Equatable, Encodable {
    public var report: VerifyReport

    /// The error a failed verification is, for front ends that fail on it.
    public var failure: ParleyError? {
        guard !report.isSound else { return nil }
        let first = report.firstBadPosition.map { "first bad position: \($0)" } ?? report.problems[0].message
        return ParleyError(.integrity, code: "verify-failed", "the log failed verification; \(first)",
                           remedy: "restore the database from a backup or an export")
    }

    public func encode(to encoder: any Encoder) throws {
        var out = encoder.container(keyedBy: JSONKey.self)
        try out.put(report.isSound, "ok")
        try out.put(report.eventsChecked, "events")
        try out.put(report.lastPosition, "last_position")
        try out.put(report.headHash, "head_hash")
        try out.put(report.firstBadPosition, "first_bad_position")
        try out.put(report.quick, "quick")
        try out.put(report.trustedUpTo, "trusted_up_to")
        try out.put(report.trustedSince?.rfc3339, "trusted_since")
        try out.put(report.problems.map { Problem(kind: $0.kind.rawValue, position: $0.position, message: $0.message) }, "problems")
    }

    private struct Problem: Encodable {
        var kind: String, position: Int64?, message: String
        func encode(to encoder: any Encoder) throws {
            var out = encoder.container(keyedBy: JSONKey.self)
            try out.put(kind, "kind")
            try out.put(position, "position")
            try out.put(message, "message")
        }
    }
}
