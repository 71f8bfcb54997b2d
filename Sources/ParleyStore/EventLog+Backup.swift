import Foundation
import GRDB
import ParleyCore

extension EventLog {
    /// The head of the log a backup copied: the chain's state at the moment
    /// it began.
    public struct BackupHead: Sendable, Equatable {
        public var events: Int
        public var lastPosition: Int64
        /// The hash at `lastPosition` (hex), empty for an empty log.
        public var headHash: String
        /// The copy's size in bytes.
        public var bytes: Int64
    }

    /// Copies the database to `path` with SQLite's online backup, while
    /// writers and readers go on: the copy is the log as it stood when the
    /// backup's read transaction began, views and tokens included.
    ///
    /// The copy is written beside `path` and renamed into place once
    /// complete and on disk, so `path` never holds half a backup.
    ///
    /// - Parameter progress: called after each step with (pages copied, pages in all).
    /// - Throws: ``StoreError`` when `path` exists, or the copy cannot be written.
    public func backup(to path: String, progress: (Int, Int) -> Void = { _, _ in }) throws -> BackupHead {
        let target = URL(fileURLWithPath: path)
        guard !FileManager.default.fileExists(atPath: target.path) else {
            throw StoreError(.failure, "\(path) already exists; nothing was written", remedy: "choose another path, or remove the old file first")
        }
        let partial = target.deletingLastPathComponent()
            .appendingPathComponent(".\(target.lastPathComponent).partial-\(ProcessInfo.processInfo.processIdentifier)")
        let sidecars = ["", "-wal", "-shm", "-journal"].map { partial.path + $0 }
        defer { for file in sidecars { try? FileManager.default.removeItem(atPath: file) } }
        for file in sidecars { try? FileManager.default.removeItem(atPath: file) }
        var head = BackupHead(events: 0, lastPosition: 0, headHash: "", bytes: 0)
        do {
            var config = Configuration()
            config.label = "parley-backup"
            let copy = try DatabaseQueue(path: partial.path, configuration: config)
            try copy.writeWithoutTransaction { destination in
                try writer.read { source in
                    // Inside the source's read transaction: the head and the pages are one snapshot.
                    let row = try Row.fetchOne(source, sql: "SELECT COUNT(*), MAX(position) FROM events")
                    head.events = row?[0] ?? 0
                    head.lastPosition = row?[1] ?? 0
                    if head.lastPosition > 0, let hash = try Data.fetchOne(source, sql: "SELECT hash FROM events WHERE position = ?", arguments: [head.lastPosition]) {
                        head.headHash = RecordedEvent.hex([UInt8](hash))
                    }
                    try withoutActuallyEscaping(progress) { progress in
                        try source.backup(to: destination, pagesPerStep: 1024) { step in
                            progress(step.completedPageCount, step.totalPageCount)
                        }
                    }
                }
                // Fold the copy into one file, so the rename moves all of it.
                try destination.execute(sql: "PRAGMA journal_mode = DELETE")
            }
            try copy.close()
            let handle = try FileHandle(forUpdating: partial)
            try handle.synchronize()
            try handle.close()
        } catch {
            throw StoreError(mapping: error, path: path)
        }
        // A new database at `path`: the anchor of one deleted from there says nothing of it.
        try? FileManager.default.removeItem(atPath: HeadAnchor.file(for: target.path))
        do {
            try FileManager.default.moveItem(at: partial, to: target)
        } catch {
            throw StoreError(.failure, "could not move the finished backup into \(path): \(error.localizedDescription)")
        }
        head.bytes = (try? FileManager.default.attributesOfItem(atPath: target.path)[.size] as? Int64) ?? 0
        return head
    }
}
