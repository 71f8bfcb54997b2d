import ParleyCore
import ParleyStore

/// One view's rows as the facade reads them: from the persisted view
/// (caught up first), or from a replay in memory when a time is given.
struct ViewSource<P: Projection> {
    let log: EventLog
    let replayed: [String: P.Row]?

    /// The rows whose keys start with `prefix`.
    func rows(prefix: String = "") throws -> [String: P.Row] {
        if let replayed { return replayed.filter { $0.key.hasPrefix(prefix) } }
        return try log.rows(P.self, prefix: prefix)
    }

    /// Each row whose key starts with `prefix`, in key order, one at a time,
    /// as `Part`: a persisted row is read only as far as `Part` reads it
    /// (``RowReadable``), a replayed one is made into it by `part`.
    func forEachRow<Part: RowReadable>(prefix: String, as part: (P.Row) -> Part, _ body: (String, Part) throws -> Void) throws {
        try forEachRow(from: prefix, to: prefix + "\u{10FFFF}", reading: { key, reader in try body(key, try Self.read(&reader)) },
                       row: { key, row in try body(key, part(row)) })
    }

    /// Each row with a key in `from ..< to`, in key order: a persisted one
    /// as a reader at its bytes (`reading`), a replayed one as it is (`row`).
    func forEachRow(from: String, to: String, reading: (String, inout RowReader) throws -> Void,
                    row: (String, P.Row) throws -> Void) throws {
        if let replayed {
            let inRange = replayed.filter { !$0.key.utf8.lexicographicallyPrecedes(from.utf8) && $0.key.utf8.lexicographicallyPrecedes(to.utf8) }
            for (key, value) in inRange.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) { try row(key, value) }
            return
        }
        try log.forEachRow(P.self, from: from, to: to, reading)
    }

    /// The rows with keys in `from ..< to` (by UTF-8 bytes, as SQLite compares them).
    func rows(from: String, to: String) throws -> [String: P.Row] {
        if let replayed {
            return replayed.filter { !$0.key.utf8.lexicographicallyPrecedes(from.utf8) && $0.key.utf8.lexicographicallyPrecedes(to.utf8) }
        }
        return try log.rows(P.self, from: from, to: to)
    }

    /// Each row at one of `keys` (each once; keys with no row are passed
    /// over), as `Part`: a persisted row read only as far as `Part` reads
    /// it, a replayed one made into it by `part`.
    func forEachRow<Part: RowReadable>(keys: some Collection<String>, as part: (P.Row) -> Part, _ body: (String, Part) throws -> Void) throws {
        guard let replayed else {
            try log.forEachRow(P.self, keys: keys) { key, reader in try body(key, try Self.read(&reader)) }
            return
        }
        for key in Set(keys).sorted() {
            if let row = replayed[key] { try body(key, part(row)) }
        }
    }

    /// `Part`, read from a persisted row's bytes.
    private static func read<Part: RowReadable>(_ reader: inout RowReader) throws -> Part {
        guard let part = try Part(reading: &reader) else { throw RowReader.corrupt("\(Part.self) does not read this row") }
        return part
    }

    /// The row at `key`, if any.
    func row(_ key: String) throws -> P.Row? {
        if let replayed { return replayed[key] }
        return try log.row(P.self, key: key)
    }

    /// The rows under `prefix` tallied on either side of `split` (see ``RowTally``).
    func tally(prefix: String, split: String, total: (P.Row) -> Int? = { _ in nil }) throws -> [RowTally<P.Row>] {
        if let replayed { return RowTally.of(replayed, prefix: prefix, split: split) }
        return try log.tally(P.self, prefix: prefix, split: split, total: total)
    }
}

extension ViewSource where P == FollowUpProjection {
    /// The open deadlines of `kind` per rep and source: overdue at `now` (below) or not yet due.
    func deadlines(_ kind: FollowUpProjection.DeadlineKind, at now: Timestamp) throws -> [RowTally<P.Row>] {
        try tally(prefix: kind.prefix, split: kind.split(now), total: FollowUpProjection.DeadlineKind.total)
    }
}
