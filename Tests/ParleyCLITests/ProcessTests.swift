import Foundation
import GRDB
import ParleyCore
import Testing

/// Changes the file behind the log's back, as someone with sqlite3 would.
func tamper(_ path: String, _ sql: String) throws {
    let queue = try DatabaseQueue(path: path)
    try queue.writeWithoutTransaction { try $0.execute(sql: sql) }
    try queue.close()
}

/// Reads what the file holds, independently of parley.
func storedEvents(_ path: String) throws -> [(position: Int64, stream: String, version: Int64)] {
    let queue = try DatabaseQueue(path: path)
    defer { try? queue.close() }
    return try queue.read { db in
        try Row.fetchAll(db, sql: "SELECT position, stream, version FROM events ORDER BY position").map { ($0[0], $0[1], $0[2]) }
    }
}

/// The log's promises about processes and files: real `parley` processes,
/// real files, no mocks.
@Suite(.serialized) struct ProcessTests {
    @Test func twoWritersAtOnceLoseNothingAndNeverSeeALock() throws {
        let w = try Workspace()
        try w.ok("init")
        // 100 leads, then both writers append feedback to the same 100 streams,
        // so they contend for versions too.
        try w.ok("record", "--import", "-", stdin: (0..<100).map { leadLine("L-\($0)") }.joined(separator: "\n"))
        func file(_ writer: Int) throws -> String {
            try w.file("writer\(writer).jsonl", (0..<5_000).map { n in
                leadLine("L-\(n % 100)", type: "lead.feedback", actor: "w\(writer)@sales")
            }.joined(separator: "\n"))
        }
        let files = [try file(1), try file(2)]
        let writers = try files.map { try w.start(["record", "--import", $0, "--batch-size", "50", "--quiet"]) }
        let results = try writers.map(Workspace.finish)
        for result in results {
            #expect(result.status == 0, "\(result.stderr)")
            #expect(!result.stderr.lowercased().contains("locked"))
            #expect(!result.stderr.lowercased().contains("busy"))
            #expect(result.stdout.hasPrefix("recorded 5000 events"))
        }
        let events = try storedEvents(w.db)
        #expect(events.count == 10_100)
        #expect(events.map(\.position) == Array(1...10_100))
        var versions: [String: [Int64]] = [:]
        for event in events { versions[event.stream, default: []].append(event.version) }
        #expect(versions.count == 100)
        for (stream, list) in versions {
            #expect(list == Array(1...Int64(list.count)), "versions of \(stream) are not contiguous")
        }
        #expect(versions.values.map(\.count).reduce(0, +) == 10_100)
        try w.ok("verify")
    }

    @Test func aKilledRecordLeavesNoneOrAllOfItsBatch() throws {
        let w = try Workspace()
        try w.ok("init")
        let batch = 200_000
        var text = ""
        text.reserveCapacity(batch * 150)
        for n in 0..<batch {
            text += leadLine("K-\(n)")
            text += "\n"
        }
        let big = try w.file("big.jsonl", text)
        text = ""
        var expected = 0
        var killedMidway = 0
        var rng = SystemRandomNumberGenerator()
        for attempt in 1...4 {
            let started = try w.start(["record", "--import", big, "--quiet"])
            // A random moment within the first seconds of a debug build's import.
            usleep(UInt32.random(in: 200_000...2_500_000, using: &rng))
            kill(started.0.processIdentifier, SIGKILL)
            let result = try Workspace.finish(started)
            if result.signalled { killedMidway += 1 } else { expected += batch }
            let count = try storedEvents(w.db).count
            #expect(count == expected, "attempt \(attempt): the log holds \(count) events, expected none or all of the batch (\(expected))")
            try w.ok("verify")
            // The next record works, on a log recovered from the crash.
            try w.ok("record", "--import", "-", "--quiet", stdin: leadLine("after-\(attempt)"))
            expected += 1
        }
        #expect(killedMidway > 0, "no kill landed while the import ran; the test proved nothing")
        #expect(try storedEvents(w.db).count == expected)
    }

    @Test func aLongReadDoesNotBlockAWriter() throws {
        let w = try Workspace()
        try w.ok("init")
        try w.ok("record", "--import", try w.file("base.jsonl", (0..<30_000).map { leadLine("R-\($0)") }.joined(separator: "\n")), "--quiet")
        // The reader writes into a pipe nobody drains: once it is full, the
        // reader stops mid-read, inside its read transaction, and stays there.
        let reader = Process()
        reader.executableURL = parleyBinary
        reader.arguments = ["log", "--json", "--db", w.db]
        let pipe = Pipe()
        reader.standardOutput = pipe
        reader.standardError = FileHandle.nullDevice
        try reader.run()
        var output = pipe.fileHandleForReading.availableData
        #expect(!output.isEmpty, "the reader has begun")
        let writer = try w.run("record", "--import", "-", "--quiet", stdin: leadLine("W-1"))
        #expect(writer.status == 0, "\(writer.stderr)")
        #expect(reader.isRunning, "the writer finished while the reader was still reading")
        output.append(pipe.fileHandleForReading.readDataToEndOfFile())
        reader.waitUntilExit()
        #expect(reader.terminationStatus == 0)
        let lines = String(decoding: output, as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 30_000, "the reader saw its snapshot, without the event written meanwhile")
        #expect(try storedEvents(w.db).count == 30_001)
    }

    @Test func theBinaryWorksCopiedAloneToAnotherFolder() throws {
        let w = try Workspace()
        let copy = w.folder.appending(path: "bin/parley")
        try FileManager.default.createDirectory(at: copy.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: parleyBinary, to: copy)
        let process = Process()
        process.executableURL = copy
        process.arguments = ["init", "--db", w.db]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(try storedEvents(w.db).isEmpty)
    }
}

/// The views' promises with real processes.
@Suite(.serialized) struct ViewProcessTests {
    /// A log of `leads` leads sent, most of them judged and rated.
    private func bigLog(_ leads: Int) throws -> Workspace {
        let w = try Workspace()
        try w.ok("init")
        var lines: [String] = []
        lines.reserveCapacity(leads * 3)
        for n in 0..<leads {
            lines.append(leadLine("B-\(n)"))
            if n % 3 != 0 { lines.append(leadLine("B-\(n)", type: n % 3 == 1 ? "lead.accepted" : "lead.rejected", actor: "sam@sales")) }
            if n % 2 == 0 { lines.append(leadLine("B-\(n)", type: "lead.feedback", actor: "sam@sales")) }
        }
        try w.ok("record", "--import", "--quiet", try w.file("big.jsonl", lines.joined(separator: "\n")))
        return w
    }

    private func quality(_ w: Workspace) throws -> JSONValue {
        try JSONValue.parse(try w.ok("quality", "--json").stdout)
    }

    @Test func aKilledCatchUpLeavesViewAndCheckpointTogether() throws {
        // Over 100,000 events: more than one chunk, each written while the next one folds.
        let w = try bigLog(50_000)
        let counter = try DatabaseQueue(path: w.db)
        #expect(try counter.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM events") ?? 0 } > 100_000)
        try counter.close()
        // How long a whole catch-up takes here: the kills land within it.
        let clock = ContinuousClock()
        let whole = try clock.measure { try w.ok("rebuild", "quality") }
        let micros = Double(whole.components.seconds) * 1e6 + Double(whole.components.attoseconds) / 1e12
        var rng = SystemRandomNumberGenerator()
        var killed = 0
        for _ in 1...3 {
            // A rebuild starts the view over and catches it up; killed part way, it leaves a catch-up to resume.
            let started = try w.start(["rebuild", "quality"])
            usleep(UInt32(micros * Double.random(in: 0.2...0.8, using: &rng)))
            kill(started.0.processIdentifier, SIGKILL)
            if try Workspace.finish(started).signalled { killed += 1 }
            // What a killed catch-up left: rows for exactly the leads sent up to the checkpoint, never past it.
            let queue = try DatabaseQueue(path: w.db)
            let (position, leadRows, leadsSent) = try queue.read { db in
                let position = try Int64.fetchOne(db, sql: "SELECT position FROM view_checkpoints WHERE view = 'quality'") ?? 0
                let rows = try Int.fetchOne(db, sql: "SELECT count(*) FROM view_quality WHERE key LIKE 'lead/%'") ?? 0
                let sent = try Int.fetchOne(db, sql: "SELECT count(*) FROM events WHERE type = 'lead.sent' AND position <= ?", arguments: [position]) ?? 0
                return (position, rows, sent)
            }
            try queue.close()
            #expect(leadRows == leadsSent, "checkpoint at \(position): \(leadRows) lead rows for \(leadsSent) leads sent")
        }
        #expect(killed > 0, "no kill landed during a catch-up; the test proved nothing")
        let resumed = try quality(w)
        try w.ok("rebuild", "quality")
        #expect(try quality(w) == resumed, "resumed after kills equals rebuilt")
        #expect(resumed[0]?["sent"] == .integer(50_000))
    }

    @Test func aLongViewReadDoesNotStopAWriter() throws {
        // Big enough that the rebuild takes several of its write transactions
        // (each bounded in time), so a writer gets in between two of them.
        let w = try bigLog(120_000)
        try w.ok("quality", "--json")
        let rebuild = try w.start(["rebuild", "quality"])
        // Wait until the rebuild has started over: its checkpoint is back before the end.
        let last = try storedEvents(w.db).count
        var started = false
        for _ in 0..<500 where !started {
            usleep(10_000)
            let queue = try DatabaseQueue(path: w.db)
            let position = try queue.read { try Int64.fetchOne($0, sql: "SELECT position FROM view_checkpoints WHERE view = 'quality'") } ?? 0
            try queue.close()
            started = position < Int64(last)
        }
        #expect(started, "the rebuild never started over")
        let writer = try w.run("record", "--import", "-", "--quiet", stdin: leadLine("W-1"))
        #expect(writer.status == 0, "\(writer.stderr)")
        #expect(rebuild.0.isRunning, "the writer finished while the rebuild was still folding")
        let read = try Workspace.finish(rebuild)
        #expect(read.status == 0, "\(read.stderr)")
        #expect(try quality(w)[0]?["sent"] == .integer(120_001))
    }
}

extension JSONValue {
    subscript(index: Int) -> JSONValue? {
        guard case let .array(items) = self, items.indices.contains(index) else { return nil }
        return items[index]
    }
}
