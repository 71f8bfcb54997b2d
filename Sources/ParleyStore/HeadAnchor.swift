import Foundation
import GRDB
import ParleyCore

/// The last head of the log this machine saw committed, kept in a small
/// file beside the database (`parley.db.head`), as EventStoreDB keeps its
/// writer checkpoint outside its chunks.
///
/// The hash chain proves that no stored event was changed, but not that
/// committed transactions are still there: remove the write-ahead log
/// before SQLite checkpoints it, or damage one of its frames, and SQLite
/// quietly opens the database as it stood before those commits: a shorter
/// log whose chain is intact. The anchor is the witness: it names a
/// position and its hash, so a log that no longer reaches that position,
/// or holds another event there, is refused on open.
///
/// It is written after each commit that appended events (never before, so
/// after a crash it is at most as new as the log; no fsync of its own),
/// through a temporary file and a rename, and only forward: two processes
/// writing at once may leave the older of their heads, which is still true.
/// A reader reads the anchor *before* its read transaction begins: the
/// snapshot then includes every commit the anchor can name (read after, it
/// could name a commit made since the snapshot, and raise a false alarm).
struct HeadAnchor: Equatable {
    var position: Int64
    var hash: [UInt8]

    /// The anchor's file for the database at `path`.
    static func file(for path: String) -> String { path + ".head" }

    /// The anchor beside `path`, if there is a readable one.
    static func read(for path: String) -> HeadAnchor? {
        // A position and a hash take under a hundred bytes: one read(2), no Foundation file machinery.
        let descriptor = open(file(for: path), O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var buffer = [UInt8](repeating: 0, count: 256)
        let count = buffer.withUnsafeMutableBytes { Foundation.read(descriptor, $0.baseAddress, $0.count) }
        guard count > 0 else { return nil }
        let text = String(decoding: buffer[..<count], as: UTF8.self)
        let fields = text.split(whereSeparator: { $0 == " " || $0 == "\n" })
        guard fields.count >= 2, let position = Int64(fields[0]), position > 0,
              let hash = Self.bytes(hex: fields[1]), hash.count == 32 else { return nil }
        return HeadAnchor(position: position, hash: hash)
    }

    /// Moves the anchor beside `path` forward to `self`; an anchor already
    /// at or past this position is left as it is.
    func advance(for path: String) {
        if let current = Self.read(for: path), current.position >= position { return }
        let target = Self.file(for: path)
        let temporary = target + ".\(ProcessInfo.processInfo.processIdentifier)"
        let text = Array("\(position) \(RecordedEvent.hex(hash))\n".utf8)
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { return }
        let written = text.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        close(descriptor)
        if written != text.count || rename(temporary, target) != 0 { unlink(temporary) }
    }

    /// The head of the log as `db` sees it.
    static func current(_ db: Database) throws -> HeadAnchor? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT position, hash FROM events ORDER BY position DESC LIMIT 1"))
            .map { HeadAnchor(position: $0[0], hash: [UInt8]($0[1] as Data)) }
    }

    /// What is wrong with the log in `db` against this anchor, or nil.
    func problem(_ db: Database, path: String) throws -> VerifyReport.Problem? {
        let stored = try Data.fetchOne(db, sql: "SELECT hash FROM events WHERE position = ?", arguments: [position]).map { [UInt8]($0) }
        if stored == hash { return nil }
        let last = try Int64.fetchOne(db, sql: "SELECT MAX(position) FROM events") ?? 0
        let wal = "\(path)-wal"
        if stored == nil {
            return .init(kind: .truncated, position: last + 1,
                         message: "the log ends at position \(last), but position \(position) was committed here before: committed events are gone (the write-ahead log \(wal) was removed or damaged before SQLite moved it into the file, or an older copy was put in its place)")
        }
        return .init(kind: .changed, position: position,
                     message: "position \(position) holds another event than the one committed there before (its hash differs from \(Self.file(for: path))): the log was rewritten or replaced")
    }

    private static func bytes(hex: Substring) -> [UInt8]? {
        guard hex.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(hex.count / 2)
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            guard let byte = UInt8(hex[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        return bytes
    }
}
