import Foundation
import ParleyCore
import Testing

/// The commands end to end: arguments in; stdout, stderr, exit status out.
@Suite struct CommandTests {
    @Test func initRecordLogShowVerify() throws {
        let w = try Workspace()
        #expect(try w.ok("init").stdout == "created \(w.db) (schema 12)\n")
        #expect(try w.ok("init").stdout.contains("is up to date"))
        let input = try w.file("e.jsonl", [leadLine("L-1"), leadLine("L-2"), leadLine("L-1", type: "lead.accepted", actor: "sam@sales")]
            .joined(separator: "\n") + "\n")
        let recorded = try w.ok("record", "--import", input)
        #expect(recorded.stdout == """
                  1  lead/L-1@1  lead.sent
                  2  lead/L-2@1  lead.sent
                  3  lead/L-1@2  lead.accepted
            recorded 3 events at positions 1–3

            """)
        let log = try w.ok("log")
        let rows = log.stdout.split(separator: "\n")
        #expect(rows.count == 4)
        #expect(rows[0].hasPrefix("    POS  WHEN (UTC)"))
        #expect(rows[3].contains("2026-01-05 09:30  sam@sales") && rows[3].contains("lead.accepted"))
        #expect(rows[1].contains("source=webinar"))

        let json = try w.ok("log", "--stream", "lead/L-1", "--json").stdout.split(separator: "\n")
        #expect(json.count == 2)
        let first = try JSONValue.parse(String(json[0]))
        #expect(first["position"] == .integer(1))
        #expect(first["version"] == .integer(1))
        #expect(first["data"]?["source"] == .string("webinar"))
        #expect(first["hash"]?.stringValue?.count == 64)

        let shown = try w.ok("show", "3").stdout
        #expect(shown.contains("stream       lead/L-1  (version 2)"))
        #expect(shown.contains("data         {\n               \"lead\": \"L-1\"\n             }"))
        let id = try #require(first["id"]?.stringValue)
        #expect(try w.ok("show", id, "--json").stdout == String(json[0]) + "\n")

        let verify = try w.ok("verify")
        #expect(verify.stdout.hasPrefix("ok: 3 events, hash chain intact"))
        let report = try JSONValue.parse(try w.ok("verify", "--json").stdout)
        #expect(report["ok"] == .bool(true))
        #expect(report["events"] == .integer(3))
    }

    @Test func recordsFromStandardInputAndPrintsJSON() throws {
        let w = try Workspace()
        try w.ok("init")
        let result = try w.ok("record", "--import", "-", "--json", stdin: leadLine("L-9"))
        let stored = try JSONValue.parse(result.stdout)
        #expect(stored["stream"] == .string("lead/L-9"))
        #expect(stored["position"] == .integer(1))
    }

    @Test func aMissingDatabaseSaysToRunInit() throws {
        let w = try Workspace()
        for command in [["log"], ["verify"], ["show", "1"], ["record", "-"]] {
            let result = try Workspace.finish(try w.start(command))
            #expect(result.status == 5)
            #expect(result.stderr.hasPrefix("parley: error: no Parley database at \(w.db); create one, or choose another file (`parley init`, or pass --db PATH / set PARLEY_DB)"))
            #expect(result.stdout.isEmpty)
        }
        #expect(!FileManager.default.fileExists(atPath: w.db))
    }

    @Test func badInputNamesLineAndFieldExitsTwoAndWritesNothing() throws {
        let w = try Workspace()
        try w.ok("init")
        try w.ok("record", "--import", try w.file("one.jsonl", leadLine("L-0")))
        var lines = (1...50).map { leadLine("L-\($0)") }
        lines[36] = lines[36].replacingOccurrences(of: "2026-01-05T09:30:00Z", with: "2026-01-05 9:30")
        let result = try w.run("record", "--import", try w.file("bad.jsonl", lines.joined(separator: "\n")))
        #expect(result.status == 2)
        #expect(result.stderr == "parley: error: invalid event, nothing written: line 37: field \"occurred_at\": not an RFC 3339 time with a zone, such as \"2026-01-05T09:30:00Z\" (got \"2026-01-05 9:30\")\n")
        #expect(result.stdout.isEmpty)
        #expect(try w.ok("log", "--json").stdout.split(separator: "\n").count == 1)

        let json = try w.run("record", "--import", try w.file("bad2.jsonl", "{\"stream\": \"lead/L-1\"}"), "--json")
        #expect(json.status == 2)
        let error = try JSONValue.parse(json.stderr)
        #expect(error["error"]?["line"] == .integer(1))
        #expect(error["error"]?["field"] == .string("type"))
        #expect(error["error"]?["code"] == .string("invalid-event"))
    }

    @Test func aStaleExpectedVersionExitsThreeAndWritesNothing() throws {
        let w = try Workspace()
        try w.ok("init")
        try w.ok("record", "--import", "-", stdin: leadLine("L-1") + "\n" + leadLine("L-1", type: "lead.accepted"))
        let result = try w.run("record", "--import", "-", stdin: leadLine("L-2") + "\n" + leadLine("L-1", type: "lead.converted", extra: #","expected_version":1"#))
        #expect(result.status == 3)
        #expect(result.stderr == "parley: error: line 2: stream lead/L-1 is at version 2, you expected version 1 — someone else wrote to it first; re-read it and retry (nothing written)\n")
        #expect(try w.ok("verify", "--json").stdout.contains("\"events\":2"))
    }

    @Test func resendingTheSameFileWritesNothingNew() throws {
        let w = try Workspace()
        try w.ok("init")
        let id = EventID.v7().description
        let file = try w.file("e.jsonl", leadLine("L-1", extra: #","id":"\#(id)""#) + "\n" + leadLine("L-2", extra: #","id":"\#(EventID.v7())""#))
        try w.ok("record", "--import", file)
        let again = try w.ok("record", "--import", file)
        #expect(again.stdout.contains("1  lead/L-1@1  lead.sent  (already recorded)"))
        #expect(again.stdout.hasSuffix("recorded 0 events; 2 already recorded, not written again\n"))
        let changed = try w.run("record", "--import", "-", stdin: leadLine("L-7", extra: #","id":"\#(id)""#))
        #expect(changed.status == 3)
        #expect(changed.stderr.contains("event id \(id) is already recorded at position 1"))
    }

    @Test func refusesFilesThatAreNotParleyDatabasesUntouched() throws {
        let w = try Workspace()
        let path = try w.file("notes.db", "this is not a database\n")
        for command in ["init", "log", "verify"] {
            let result = try w.run(command, "--db", path)
            #expect(result.status == 5)
            #expect(result.stderr.contains("is not a Parley database"))
            #expect(result.stderr.split(separator: "\n").count == 1)
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "this is not a database\n")
    }

    @Test func usageErrorsAreExplained() throws {
        let w = try Workspace()
        try w.ok("init")
        let result = try w.run("show", "yesterday")
        #expect(result.status == 64)
        #expect(result.stderr.contains("'yesterday' is neither a position (a number) nor an event id (a UUID)"))
        let notFound = try w.run("show", "42")
        #expect(notFound.status == 6)
        #expect(notFound.stderr.contains("no event at position 42"))
        #expect(try w.run("log", "--since", "last week").status == 64)
        let help = try w.ok("record", "--import", "--help").stdout
        #expect(help.contains("expected_version") && help.contains("Examples:"))
    }

    @Test func logFiltersAndFollows() throws {
        let w = try Workspace()
        try w.ok("init")
        try w.ok("record", "--import", "-", stdin: [leadLine("L-1"), leadLine("L-2"), leadLine("L-1", type: "lead.rejected", actor: "sam@sales")].joined(separator: "\n"))
        func positions(_ arguments: String...) throws -> [Int64] {
            let result = try Workspace.finish(try w.start(["log", "--json"] + arguments))
            return try result.stdout.split(separator: "\n").map { try JSONValue.parse(String($0))["position"]?.integerValue ?? -1 }
        }
        #expect(try positions("--type", "lead.rejected") == [3])
        #expect(try positions("--actor", "mia@marketing") == [1, 2])
        #expect(try positions("--stream", "lead/*", "--after", "1", "--limit", "1") == [2])
        #expect(try positions("--since", "2026-01-06") == [])
        #expect(try positions("--until", "2026-01-06") == [1, 2, 3])
        let none = try w.ok("log", "--type", "tension.flagged")
        #expect(none.stderr == "no events match\n")
        // A type typed wrong is told, not answered with an empty log.
        let typo = try w.run("log", "--type", "lead.rejectd")
        #expect(typo.status == 64 && typo.stderr.contains("--type: there is no event type \"lead.rejectd\"; did you mean lead.rejected?"), "\(typo.stderr)")
        let prefix = try w.run("log", "--type", "tensoin.*")
        #expect(prefix.status == 64 && prefix.stderr.contains("no event type starts with \"tensoin.\"; the types start with member.*, role.*, lead.*"),
                "\(prefix.stderr)")
        #expect(try positions("--type", "lead.*") == [1, 2, 3])
    }

    @Test func verifyNamesTheFirstBadPositionAndExitsFour() throws {
        let w = try Workspace()
        try w.ok("init")
        try w.ok("record", "--import", "-", stdin: (1...20).map { leadLine("L-\($0)") }.joined(separator: "\n"))
        try tamper(w.db, "DROP TRIGGER events_refuse_update; UPDATE events SET actor = 'eve@marketing' WHERE position = 13")
        let result = try w.run("verify")
        #expect(result.status == 4)
        #expect(result.stdout.contains("FAIL: position 13 was altered"))
        #expect(result.stderr == "parley: error: the log failed verification; first bad position: 13; restore the database from a backup or an export\n")
        let json = try JSONValue.parse(try w.run("verify", "--json").stdout)
        #expect(json["ok"] == .bool(false))
        #expect(json["first_bad_position"] == .integer(13))
    }

    @Test func qualitySinceAndUntilCountTheLeadsSentBetween() throws {
        let w = try Workspace()
        try w.ok("init")
        // Two leads a day from 2026-01-01 to 2026-01-09, at 09:30: one from a webinar, one referred.
        var lines: [String] = []
        for day in 1...9 {
            for source in ["webinar", "referral"] {
                let lead = "\(source.prefix(1))-\(day)"
                lines.append(#"{"stream":"lead/\#(lead)","type":"lead.sent","actor":"mia@marketing","occurred_at":"2026-01-0\#(day)T09:30:00Z","data":{"lead":"\#(lead)","source":"\#(source)"}}"#)
            }
        }
        try w.ok("record", "--import", "--quiet", try w.file("days.jsonl", lines.joined(separator: "\n")))
        func sent(_ arguments: String...) throws -> [String: Int64] {
            let run = try Workspace.finish(try w.start(["quality", "--json"] + arguments))
            #expect(run.status == 0, "\(arguments): \(run.stderr)")
            let report = try JSONValue.parse(run.stdout)
            guard case let .array(lines) = report else { return [:] }
            return Dictionary(uniqueKeysWithValues: lines.map { ($0["key"]!.stringValue!, $0["sent"]!.integerValue!) })
        }
        // Whole days (summed from day groups), times within days (lead by lead), and a replay: the same leads.
        #expect(try sent("--since", "2026-01-03", "--until", "2026-01-06") == ["webinar": 3, "referral": 3])
        #expect(try sent("--since", "2026-01-02T23:59:59Z", "--until", "2026-01-05T23:59:59Z") == ["webinar": 3, "referral": 3])
        #expect(try sent("--since", "2026-01-03", "--until", "2026-01-06", "--known-at", "2100-01-01") == ["webinar": 3, "referral": 3])
        #expect(try sent("--since", "2026-01-08") == ["webinar": 2, "referral": 2])
        #expect(try sent("--until", "2026-01-02") == ["webinar": 1, "referral": 1])
        #expect(try sent("--since", "2026-01-05T10:00:00Z", "--until", "2026-01-06") == [:])
        // A period that ends before it starts is a usage error, not an empty report.
        let backwards = try w.run("quality", "--since", "2026-01-06", "--until", "2026-01-03")
        #expect(backwards.status == 64 && backwards.stderr.contains("--until (2026-01-03T00:00:00Z) is before --since"), "\(backwards.stderr)")
    }
}
