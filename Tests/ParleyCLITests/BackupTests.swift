import Foundation
import GRDB
import Testing

/// `parley backup` and `parley verify --quick`, with real processes and files.
@Suite(.serialized) struct BackupTests {
    /// The stored hash at `position`, read independently of parley.
    func storedHash(_ path: String, at position: Int64) throws -> String? {
        let queue = try DatabaseQueue(path: path)
        defer { try? queue.close() }
        return try queue.read { db in
            try Data.fetchOne(db, sql: "SELECT hash FROM events WHERE position = ?", arguments: [position])
                .map { $0.map { String(format: "%02x", $0) }.joined() }
        }
    }

    @Test func aBackupTakenWhileAWriterRunsIsASoundPrefixOfTheLog() throws {
        let w = try Workspace()
        try w.ok("init")
        try w.ok("record", "--import", "-", stdin: (0..<200).map { leadLine("L-\($0)") }.joined(separator: "\n"))
        let more = try w.file("more.jsonl", (0..<20_000).map { n in
            leadLine("L-\(n % 200)", type: "lead.feedback", actor: "sam@sales")
        }.joined(separator: "\n"))
        let writer = try w.start(["record", "--import", more, "--batch-size", "100", "--quiet"])
        var heads: [(Int64, String)] = []
        for n in 0..<4 {
            let copy = w.folder.appending(path: "copy-\(n).db").path
            let run = try w.ok("backup", "--to", copy, "--json")
            let result = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
            let position = try #require(result["last_position"] as? Int).int64
            let hash = try #require(result["head_hash"] as? String)
            #expect(result["verified"] as? Bool == true)
            heads.append((position, hash))
            // The copy is a Parley database of its own, sound, ending where the backup began.
            let verified = try w.ok("verify", "--db", copy, "--json")
            #expect(verified.stdout.contains("\"head_hash\":\"\(hash)\""))
            #expect(verified.stdout.contains("\"last_position\":\(position)"))
            let listed = try w.ok(["log", "--db", copy, "--json"])
            #expect(listed.stdout.split(separator: "\n").count == Int(position))
        }
        let finished = try Workspace.finish(writer)
        #expect(finished.status == 0, "\(finished.stderr)")
        try w.ok("verify")
        // Each copy's head is the source's chain at that position: a prefix, not a fork.
        for (position, hash) in heads {
            #expect(try storedHash(w.db, at: position) == hash)
        }
        #expect(heads.map(\.0) == heads.map(\.0).sorted())
    }

    @Test func aBackupNeverOverwritesAFileAndLeavesNothingBehindOnFailure() throws {
        let w = try Workspace()
        try w.ok("init")
        let existing = try w.file("taken.db", "precious")
        let run = try w.run("backup", "--to", existing)
        #expect(run.status == 1)
        #expect(run.stderr.contains("already exists"))
        #expect(try String(contentsOfFile: existing, encoding: .utf8) == "precious")
        let nowhere = w.folder.appending(path: "no/such/folder/copy.db").path
        let failed = try w.run("backup", "--to", nowhere)
        #expect(failed.status == 1)
        #expect(!FileManager.default.fileExists(atPath: nowhere))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: w.folder.path).filter { $0.contains("partial") }
        #expect(leftovers.isEmpty)
    }

    @Test func quickVerificationWalksFromTheLastSoundPositionAndCatchesWhatChangedSince() throws {
        let w = try Workspace()
        try w.ok("init")
        try w.ok("record", "--import", "-", stdin: (0..<300).map { leadLine("L-\($0)") }.joined(separator: "\n"))
        let first = try w.ok("verify", "--quick")
        #expect(first.stdout.contains("first verification: the whole chain"))
        try w.ok("verify")
        try w.ok("record", "--import", "-", stdin: (300..<350).map { leadLine("L-\($0)") }.joined(separator: "\n"))
        // A row after the verified position, edited behind the log's back: caught.
        try tamper(w.db, "DROP TRIGGER events_refuse_update; UPDATE events SET actor = 'eve@marketing' WHERE position = 340")
        let caught = try w.run("verify", "--quick", "--json")
        #expect(caught.status == 4)
        #expect(caught.stdout.contains("\"events\":50"))
        #expect(caught.stdout.contains("\"trusted_up_to\":300"))
        #expect(caught.stdout.contains("\"first_bad_position\":340"))
        // A sound quick run moves the trusted position on; an unsound one did not.
        let again = try w.run("verify", "--quick", "--json")
        #expect(again.stdout.contains("\"trusted_up_to\":300"))
    }

    @Test func aSoundQuickVerificationMovesTheTrustedPositionOn() throws {
        let w = try Workspace()
        try w.ok("init")
        try w.ok("record", "--import", "-", stdin: (0..<30).map { leadLine("L-\($0)") }.joined(separator: "\n"))
        try w.ok("verify")
        try w.ok("record", "--import", "-", stdin: (30..<40).map { leadLine("L-\($0)") }.joined(separator: "\n"))
        let first = try w.ok("verify", "--quick", "--json")
        #expect(first.stdout.contains("\"trusted_up_to\":30"))
        #expect(first.stdout.contains("\"events\":10"))
        let second = try w.ok("verify", "--quick")
        #expect(second.stdout.contains("chain intact from position 40"))
        #expect(second.stdout.contains("0 events checked"))
    }

    @Test func quickVerificationCatchesTheVerifiedHeadItself() throws {
        let w = try Workspace()
        try w.ok("init")
        try w.ok("record", "--import", "-", stdin: (0..<20).map { leadLine("L-\($0)") }.joined(separator: "\n"))
        try w.ok("verify")
        // Someone rewrites the verified head's row, hash included.
        try tamper(w.db, "DROP TRIGGER events_refuse_update; UPDATE events SET hash = zeroblob(32) WHERE position = 20")
        let caught = try w.run("verify", "--quick")
        #expect(caught.status == 4)
        #expect(caught.stdout.contains("position 20, verified sound on"))
    }
}

private extension Int {
    var int64: Int64 { Int64(self) }
}
