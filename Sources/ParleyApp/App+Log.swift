public import ParleyCore
import ParleyStore

extension App {
    /// Reads the events `filter` selects in position order, handing each
    /// to `body` (which returns false to stop). Flat memory on any log.
    public func events(_ filter: EventFilter = EventFilter(), _ body: (RecordedEvent) throws -> Bool) throws(ParleyError) {
        try mapped { try log.events(filter, body) }
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
    public func verify(progress: ProgressReporter = .none) throws(ParleyError) -> VerifyResult {
        try mapped {
            progress.begin("verifying…", try log.head().count)
            defer { progress.end() }
            return VerifyResult(report: try log.verify { progress.update($0) })
        }
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
