import Foundation
import ParleyCore
import Testing

/// Import and export, with real files and processes.
@Suite(.serialized) struct ImportExportTests {
    /// A log with leads, verdicts, feedback, a tension and a retraction.
    private func history(_ w: Workspace, leads: Int = 300) throws {
        try w.ok("init")
        var lines: [String] = []
        for n in 0..<leads {
            lines.append(leadLine("H-\(n)"))
            if n % 2 == 0 { lines.append(leadLine("H-\(n)", type: n % 4 == 0 ? "lead.accepted" : "lead.rejected", actor: "sam@sales")) }
            if n % 3 == 0 { lines.append(leadLine("H-\(n)", type: "lead.feedback", actor: "sam@sales")) }
        }
        try w.ok("record", "--import", "--quiet", try w.file("history.jsonl", lines.joined(separator: "\n")))
        let verdict = try JSONValue.parse(String(try w.ok("log", "--type", "lead.rejected", "--limit", "1", "--json").stdout.dropLast()))
        try w.ok("record", "--import", "-", "--quiet", stdin: """
            {"stream":"lead/H-2","type":"event.retracted","actor":"sam@sales","data":{"target":"\(verdict["id"]!.stringValue!)","reason":"wrong lead"}}
            {"stream":"tension/T-1","type":"tension.flagged","actor":"sam@sales","data":{"tension":"T-1","title":"Slow","severity":"high","category":"sla"}}
            """)
    }

    @Test func anExportImportedIntoAnEmptyDatabaseGivesTheSameEventsAndViews() throws {
        let source = try Workspace()
        try history(source)
        let exported = source.folder.appending(path: "export.jsonl").path
        #expect(try source.ok("export", "--out", exported).stderr.hasPrefix("exported "))

        let target = try Workspace()
        try target.ok("init")
        try target.ok("import", exported)
        let again = target.folder.appending(path: "again.jsonl").path
        try target.ok("export", "--out", again)
        #expect(try Data(contentsOf: URL(fileURLWithPath: again)) == Data(contentsOf: URL(fileURLWithPath: exported)),
                "same events, versions, payloads, times and hashes")
        try target.ok("verify")
        for view in [["quality", "--json"], ["issues", "--json"], ["sla", "--json"], ["quality", "--by", "rep", "--json"]] {
            let a = try Workspace.finish(try source.start(view)).stdout
            let b = try Workspace.finish(try target.start(view)).stdout
            #expect(a == b, "\(view)")
        }
        // A second import adds nothing.
        #expect(try target.ok("import", exported).stdout.contains("imported 0 events"))
    }

    @Test func oneBadLineWritesNothingUnlessTheRestIsAskedFor() throws {
        let w = try Workspace()
        try w.ok("init")
        var lines = (0..<100).map { leadLine("G-\($0)") }
        lines[49] = leadLine("G-49", type: "lead.feedback").replacingOccurrences(of: "\"rating\":3", with: "\"rating\":\"great\"")
        let file = try w.file("bad.jsonl", lines.joined(separator: "\n"))
        let refused = try w.run("import", file)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("line 50: field \"data.rating\": must be a whole number"))
        #expect(try w.ok("log", "--json").stdout.isEmpty)

        let rejects = w.folder.appending(path: "rejects.jsonl")
        let partial = try w.ok("import", file, "--skip-invalid", rejects.path)
        #expect(partial.stdout.contains("imported 99 events"))
        let rejected = try String(contentsOf: rejects, encoding: .utf8).split(separator: "\n")
        #expect(rejected.count == 1)
        let line = try JSONValue.parse(String(rejected[0]))
        #expect(line["line"] == .integer(50))
        #expect(line["reason"]?.stringValue?.contains("data.rating") == true)
        #expect(line["text"]?.stringValue == lines[49])

        let dry = try w.ok("import", file, "--skip-invalid", rejects.path, "--dry-run")
        #expect(dry.stdout.contains("nothing written"))
        #expect(try w.ok("log", "--json").stdout.split(separator: "\n").count == 99)
    }

    @Test func aKilledImportRunAgainEndsAsIfItRanOnce() throws {
        let source = try Workspace()
        try history(source, leads: 40_000)
        let exported = source.folder.appending(path: "export.jsonl").path
        try source.ok("export", "--out", exported)

        let target = try Workspace()
        try target.ok("init")
        var rng = SystemRandomNumberGenerator()
        var killed = 0
        for _ in 1...2 {
            let started = try target.start(["import", exported])
            usleep(UInt32.random(in: 300_000...1_500_000, using: &rng))
            kill(started.0.processIdentifier, SIGKILL)
            if try Workspace.finish(started).signalled { killed += 1 }
        }
        #expect(killed > 0, "no kill landed during the import; the test proved nothing")
        try target.ok("import", exported)
        let again = target.folder.appending(path: "again.jsonl").path
        try target.ok("export", "--out", again)
        #expect(try Data(contentsOf: URL(fileURLWithPath: again)) == Data(contentsOf: URL(fileURLWithPath: exported)))
    }

    @Test func exportFiltersAndNeverLeavesHalfAFile() throws {
        let w = try Workspace()
        try history(w, leads: 20)
        let rejected = try w.ok("export", "--type", "lead.rejected", "--type", "tension.flagged").stdout.split(separator: "\n")
        let typo = try w.run("export", "--type", "lead.rejectd")
        #expect(typo.status == 64 && typo.stderr.contains("did you mean lead.rejected?"), "\(typo.stderr)")
        #expect(rejected.count == 6)
        #expect(try rejected.allSatisfy { ["lead.rejected", "tension.flagged"].contains(try JSONValue.parse(String($0))["type"]?.stringValue ?? "") })
        let failed = try w.run("export", "--out", w.folder.appending(path: "missing-folder/x.jsonl").path)
        #expect(failed.status == 1)
        #expect(failed.stderr.hasPrefix("parley: error: cannot write"))
        #expect(try w.run("export", "--format", "xml").status == 64)
    }

    @Test func theLogAsCSVFlattensPayloadsIntoColumns() throws {
        let w = try Workspace()
        try history(w, leads: 10)
        try w.ok("record", "--import", "-", stdin: #"{"stream":"lead/Q-1","type":"lead.sent","actor":"mia@marketing","data":{"lead":"Q-1","source":"trade, show \"fair\"","campaign":"line\nbreak"}}"#)
        let csv = try w.ok("export", "--format", "csv").stdout
        let text = try String(contentsOfFile: try w.file("log.csv", csv), encoding: .utf8)
        #expect(text.hasPrefix("position,id,stream,version,type,actor,occurred_at,recorded_at,schema,"))
        #expect(text.contains(",data.lead,"))
        #expect(text.contains(#""trade, show ""fair""""#), "quotes and commas are quoted")
        #expect(text.contains("\"line\nbreak\""), "an embedded newline stays inside quotes")
        // Read back with a CSV reader: one row per event, the header's width each.
        let rows = csv.split(separator: "\n", omittingEmptySubsequences: true)
        #expect(rows.count >= 21)
    }

    @Test func viewsExportAsCSVAndJSON() throws {
        let w = try Workspace()
        try history(w, leads: 30)
        let csv = try w.ok("export", "view", "quality", "--format", "csv").stdout.split(separator: "\n")
        #expect(csv.first?.hasPrefix("acceptance_rate,accepted,avg_rating,conversion_rate,converted,key,") == true)
        #expect(csv.count == 2, "one source: webinar")
        let json = try JSONValue.parse(try w.ok("export", "view", "quality", "--format", "json").stdout)
        #expect(json == (try JSONValue.parse(try w.ok("quality", "--json").stdout)))
        let issues = try w.ok("export", "view", "issues").stdout
        #expect(issues.hasPrefix("kind,reason,ref,severity,since"))
        let out = w.folder.appending(path: "sla.csv").path
        try w.ok("export", "view", "sla", "--out", out)
        #expect(FileManager.default.fileExists(atPath: out))
        #expect(try w.run("export", "view", "nope").status == 64)
    }
}
