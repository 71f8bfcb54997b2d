import GRDB
public import ParleyCore

extension EventLog {
    /// The persisted rows of `projection` whose keys start with `prefix`,
    /// as they stand (call ``catchUp(_:progress:)`` first).
    public func rows<P: Projection>(_ projection: P.Type, prefix: String = "") throws -> [String: P.Row] {
        try rows(P.self, from: prefix, to: prefix + "\u{10FFFF}")
    }

    /// Each persisted row of `projection` with a key in `from ..< to`
    /// (compared as SQLite does: by UTF-8 bytes), in key order, one at a
    /// time, as a reader at its first byte: a pass over many rows that need
    /// not all be held at once, nor decoded whole (``RowReadable``), nor at
    /// all (a report adds them up from their bytes).
    public func forEachRow<P: Projection>(_ projection: P.Type, from: String, to: String,
                                          _ body: (String, inout RowReader) throws -> Void) throws {
        try read { db in
            let statement = try RawStatement(db, cached: "SELECT key, value FROM \(P.table) WHERE key >= ? AND key < ? ORDER BY key")
            defer { statement.reset() }
            statement.bind(1, from)
            statement.bind(2, to)
            while try statement.step() {
                var reader = RowReader(statement.bytes(1))
                try body(statement.string(0), &reader)
            }
        }
    }

    /// The persisted row of `projection` at `key`, if any.
    public func row<P: Projection>(_ projection: P.Type, key: String) throws -> P.Row? {
        try read { db in
            let statement = try RawStatement(db, cached: "SELECT value FROM \(P.table) WHERE key = ?")
            defer { statement.reset() }
            statement.bind(1, key)
            guard try statement.step() else { return nil }
            return try RowCoder.decode(P.Row.self, from: statement.bytes(0))
        }
    }

    /// Each persisted row of `projection` at one of `keys` (each once; keys
    /// with no row are passed over), in key order, as a reader at its first
    /// byte: read in one transaction through one statement (thousands of
    /// rows by key cost a read transaction each through ``row(_:key:)``).
    public func forEachRow<P: Projection>(_ projection: P.Type, keys: some Collection<String>,
                                          _ body: (String, inout RowReader) throws -> Void) throws {
        try read { db in
            let statement = try RawStatement(db, cached: "SELECT value FROM \(P.table) WHERE key = ?")
            defer { statement.reset() }
            // Sorted, the lookups walk the index from one page to the next.
            for key in Set(keys).sorted() {
                statement.bind(1, key)
                if try statement.step() {
                    var reader = RowReader(statement.bytes(0))
                    try body(key, &reader)
                }
                statement.reset()
            }
        }
    }

    /// The persisted rows of `projection` with keys in `from ..< to` (compared as SQLite does: by UTF-8 bytes).
    public func rows<P: Projection>(_ projection: P.Type, from: String, to: String) throws -> [String: P.Row] {
        try read { db in
            var rows: [String: P.Row] = [:]
            let statement = try RawStatement(db, cached: "SELECT key, value FROM \(P.table) WHERE key >= ? AND key < ?")
            defer { statement.reset() }
            statement.bind(1, from)
            statement.bind(2, to)
            while try statement.step() {
                rows[statement.string(0)] = try RowCoder.decode(P.Row.self, from: statement.bytes(1))
            }
            return rows
        }
    }

    /// The persisted rows of `projection` under `prefix`, tallied per
    /// group on either side of `split` (see ``RowTally``). SQLite finds each
    /// group with one seek and counts its rows in its index. A group may have
    /// a count row, keyed `<prefix><group>` (no slash), from which `total`
    /// reads how many rows the group has: then only the rows at or above the
    /// split are counted, and the rest is the difference (for deadlines
    /// counted at the present moment, those not yet due are the few).
    public func tally<P: Projection>(_ projection: P.Type, prefix: String, split: String,
                                     total: (P.Row) -> Int? = { _ in nil }) throws -> [RowTally<P.Row>] {
        try read { db in
            let first = try RawStatement(db, cached: "SELECT key, value FROM \(P.table) WHERE key >= ? AND key < ? ORDER BY key LIMIT 1")
            let range = try RawStatement(db, cached: "SELECT count(*), min(key) FROM \(P.table) WHERE key >= ? AND key < ?")
            let end = prefix + "\u{10FFFF}"
            func firstRow(_ from: String, _ to: String) throws -> (key: String, value: P.Row)? {
                defer { first.reset() }
                first.bind(1, from)
                first.bind(2, to)
                guard try first.step() else { return nil }
                return (first.string(0), try RowCoder.decode(P.Row.self, from: first.bytes(1)))
            }
            func count(_ from: String, _ to: String) throws -> (Int, String?) {
                defer { range.reset() }
                range.bind(1, from)
                range.bind(2, to)
                guard try range.step() else { return (0, nil) }
                return (Int(range.int64(0)), range.isNull(1) ? nil : range.string(1))
            }
            var tallies: [RowTally<P.Row>] = []
            var start = prefix
            while let found = try firstRow(start, end) {
                // The group: what follows the prefix, up to the next slash; a key without one is the group's count row.
                let rest = found.key.utf8.dropFirst(prefix.utf8.count)
                let group: String
                var groupTotal: Int?
                var value = found.value
                if let slash = rest.firstIndex(of: UInt8(ascii: "/")) {
                    group = String(found.key.utf8[..<slash])!
                } else {
                    group = found.key
                    groupTotal = total(found.value)
                    guard let row = try firstRow(group + "/", group + "0") else {
                        start = group + "0"
                        continue
                    }
                    value = row.value
                }
                let (atOrAbove, firstAtOrAbove) = try count(group + "/" + split, group + "0")
                var (below, firstBelow): (Int, String?)
                if let groupTotal {
                    below = groupTotal - atOrAbove
                    firstBelow = below > 0 ? try firstRow(group + "/", group + "/" + split)?.key : nil
                } else {
                    (below, firstBelow) = try count(group + "/", group + "/" + split)
                }
                tallies.append(RowTally(value: value, below: below, firstBelow: firstBelow, atOrAbove: atOrAbove, firstAtOrAbove: firstAtOrAbove))
                // Every key of this group sorts below `<group>0` ("0" follows "/"), and no other group's key does.
                start = group + "0"
            }
            return tallies
        }
    }

    /// The last position folded into the persisted view, and its code version (0, 0 when never built).
    public func checkpoint<P: Projection>(of projection: P.Type) throws -> (version: Int, position: Int64) {
        try read { db in try Self.checkpoint(db, P.name) }
    }
}
