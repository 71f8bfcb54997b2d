import Foundation
import GRDB
import Testing

/// The head anchor beside the database: a log that lost committed events is
/// refused, and nothing else is. Real processes and files.
@Suite(.serialized) struct HeadAnchorTests {
    /// Appends `events` with parley while this process holds a connection
    /// that keeps SQLite from checkpointing, then copies the files as they
    /// stand: a log whose last commit is only in its WAL.
    func logWithLiveWAL(_ w: Workspace, events: Range<Int>) throws -> String {
        let holder = try DatabaseQueue(path: w.db)
        try holder.writeWithoutTransaction { db in
            // What was recorded so far goes into the file; what follows stays in the WAL.
            try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 0")
        }
        try holder.read { db in _ = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM events") }
        try w.ok("record", "--import", "-", stdin: events.map { leadLine("L-\($0)") }.joined(separator: "\n"))
        let copy = w.folder.appending(path: "copy.db").path
        for suffix in ["", "-wal", ".head"] {
            try FileManager.default.copyItem(atPath: w.db + suffix, toPath: copy + suffix)
        }
        try holder.close()
        return copy
    }

    @Test func aLogWhoseWALWasRemovedIsRefusedAndVerifyNamesWhatIsGone() throws {
        let w = try Workspace()
        try w.ok("init")
        try w.ok("record", "--import", "-", stdin: (0..<10).map { leadLine("L-\($0)") }.joined(separator: "\n"))
        let copy = try logWithLiveWAL(w, events: 10..<15)
        #expect(FileManager.default.fileExists(atPath: copy + "-wal"))
        try FileManager.default.removeItem(atPath: copy + "-wal")

        let opened = try w.run("log", "--db", copy)
        #expect(opened.status == 5)
        #expect(opened.stderr.contains("the log ends at position 10, but position 15 was committed here before"))
        #expect(opened.stderr.contains("copy.db.head"))
        let verified = try w.run("verify", "--db", copy)
        #expect(verified.status == 4)
        #expect(verified.stdout.contains("committed events are gone"))
        #expect(verified.stderr.contains("first bad position: 11"))
    }

    @Test func aDamagedWALFrameIsCaught() throws {
        let w = try Workspace()
        try w.ok("init")
        try w.ok("record", "--import", "-", stdin: (0..<10).map { leadLine("L-\($0)") }.joined(separator: "\n"))
        let copy = try logWithLiveWAL(w, events: 10..<15)
        var wal = try Data(contentsOf: URL(fileURLWithPath: copy + "-wal"))
        let needle = Data("L-12".utf8)
        let found = try #require(wal.range(of: needle))
        wal[found.lowerBound + 2] = UInt8(ascii: "X")
        try wal.write(to: URL(fileURLWithPath: copy + "-wal"))
        let opened = try w.run("issues", "--db", copy)
        #expect(opened.status == 5)
        #expect(opened.stderr.contains("committed events are gone"))
    }

    @Test func readersOpeningWhileWritersCommitNeverRaiseAFalseAlarm() throws {
        // Regression: the anchor was read inside the reader's snapshot, so a
        // commit landing between the two looked like lost events (found by
        // scripts/torture, part 2).
        let w = try Workspace()
        try w.ok("init")
        let writers = try (0..<2).map { n in
            let file = try w.file("many-\(n).jsonl", (0..<1_500).map { leadLine("L-\(n)-\($0)") }.joined(separator: "\n"))
            return try w.start(["record", "--import", file, "--batch-size", "1", "--quiet"])
        }
        var refusals: [String] = []
        for _ in 0..<40 {
            let run = try w.run("log", "--limit", "1")
            if run.status != 0 { refusals.append(run.stderr) }
        }
        for writer in writers {
            let done = try Workspace.finish(writer)
            #expect(done.status == 0, "\(done.stderr)")
        }
        #expect(refusals.isEmpty, "\(refusals.first ?? "")")
        try w.ok("verify")
    }

    @Test func aNewLogWhereAnOldOneWasDeletedIgnoresTheOldAnchor() throws {
        let w = try Workspace()
        try w.ok("init")
        try w.ok("record", "--import", "-", stdin: (0..<20).map { leadLine("L-\($0)") }.joined(separator: "\n"))
        #expect(FileManager.default.fileExists(atPath: w.db + ".head"))
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: w.db + suffix) }
        try w.ok("init")
        try w.ok("record", "--import", "-", stdin: leadLine("L-1"))
        try w.ok("log")
        try w.ok("verify")
    }

    @Test func anOlderCopyPutInPlaceIsRefusedUntilItsAnchorIsRemoved() throws {
        let w = try Workspace()
        try w.ok("init")
        try w.ok("record", "--import", "-", stdin: (0..<5).map { leadLine("L-\($0)") }.joined(separator: "\n"))
        let old = w.folder.appending(path: "old.db").path
        try w.ok("backup", "--to", old)
        try w.ok("record", "--import", "-", stdin: (5..<8).map { leadLine("L-\($0)") }.joined(separator: "\n"))
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: w.db + suffix) }
        try FileManager.default.copyItem(atPath: old, toPath: w.db)
        let refused = try w.run("log")
        #expect(refused.status == 5)
        #expect(refused.stderr.contains("remove \(w.db).head"))
        // Put there on purpose: the remedy the message gives works.
        try FileManager.default.removeItem(atPath: w.db + ".head")
        let listed = try w.ok("log", "--json")
        #expect(listed.stdout.split(separator: "\n").count == 5)
    }
}
