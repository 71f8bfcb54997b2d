import Foundation
import ParleyCore
import PlantedHistories
import Testing

/// `parley signals` and answers to them, through the built binary on a
/// planted history recorded into a real database.
@Suite struct SignalsTests {
    /// A troubled history (all seven problems) recorded with `parley record`.
    static func workspace(seed: UInt64 = 1) throws -> (Workspace, PlantedHistory) {
        let history = try PlantedHistory(seed: seed, problems: Set(PlantedHistory.Problem.allCases))
        let workspace = try Workspace()
        try workspace.ok("init")
        let lines = history.events.map { event in
            #"{"stream":"\#(event.stream)","type":"\#(event.type)","actor":"\#(event.actor)","occurred_at":"\#(event.occurredAt!.rfc3339)","data":\#(event.data)}"#
        }
        try workspace.ok("record", try workspace.file("history.jsonl", lines.joined(separator: "\n") + "\n"), "--quiet")
        return (workspace, history)
    }

    static func signals(_ run: Run) throws -> [[String: Any]] {
        try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]])
    }

    /// The end of day `day` of `history`, as `--as-of` takes it.
    static func endOf(_ day: Int, _ history: PlantedHistory) -> String {
        Timestamp(microseconds: history.dayStart(day + 1).microseconds - 1).rfc3339
    }

    @Test func asOfReplaysAndTheCaughtUpViewAgreeWithTheDayByDayTrial() throws {
        let (workspace, history) = try Self.workspace()
        let trial = try SignalTrial(history)
        for day in [60, 85, 100, 120, 150, 175] {
            let replayed = try Self.signals(try workspace.ok("signals", "--as-of", Self.endOf(day, history), "--json"))
            #expect(replayed.map { $0["id"] as! String }.sorted() == trial.openOn[day], "day \(day)")
        }
        // The persisted view, caught up, says what a replay of everything says at the same moment.
        let now = ISO8601DateFormatter().string(from: Date().addingTimeInterval(3600))
        let caughtUp = try workspace.ok("signals", "--as-of", now, "--json").stdout
        try workspace.ok("rebuild", "signals")
        let persisted = try workspace.ok("signals", "--json").stdout
        let ids = { (text: String) in try Self.signals(Run(status: 0, stdout: text, stderr: "")).map { $0["id"] as! String }.sorted() }
        #expect(try ids(persisted) == ids(caughtUp))
    }

    @Test func aSignalCarriesEvidenceThatNamesRealEvents() throws {
        let (workspace, history) = try Self.workspace()
        let open = try Self.signals(try workspace.ok("signals", "--as-of", Self.endOf(110, history), "--json"))
        let partner = try #require(open.first { $0["kind"] as? String == "source-quality" && $0["subject"] as? String == "partner" })
        for key in ["id", "since", "severity", "summary", "clears", "state"] { #expect(partner[key] != nil, "\(key)") }
        let evidence = try #require(partner["evidence"] as? [String: Any])
        let baseline = try #require(evidence["baseline"] as? [String: Any])
        let current = try #require(evidence["current"] as? [String: Any])
        #expect((current["rate"] as! Double) > (baseline["rate"] as! Double))
        #expect((evidence["statistic"] as! Double) > 0 && (evidence["threshold"] as! Double) > 0)
        #expect((evidence["false_alarm_budget"] as! String).contains("once in 5 years"))
        #expect(!(evidence["reasons"] as! [String: Any]).isEmpty)
        let positions = evidence["positions"] as! [NSNumber]
        #expect(!positions.isEmpty)
        for position in positions.prefix(5) {
            let event = try #require(try JSONSerialization.jsonObject(with: Data(try workspace.ok("show", position.stringValue, "--json").stdout.utf8)) as? [String: Any])
            #expect(event["type"] as? String == "lead.rejected")
            // Rejections of partner leads, after the problem began.
            let lead = (event["data"] as! [String: Any])["lead"] as! String
            let sent = try workspace.ok("log", "--stream", "lead/\(lead)", "--type", "lead.sent", "--json").stdout
            #expect(sent.contains(#""source":"partner""#))
            #expect((event["occurred_at"] as! String) >= history.dayStart(80).rfc3339)
        }
        // The table and the JSON agree on what is open.
        let text = try workspace.ok("signals", "--as-of", Self.endOf(110, history)).stdout
        #expect(text.contains(partner["id"] as! String) && text.contains("partner leads:"))
    }

    @Test func peopleAnswerSignalsAndManagementTunesThem() throws {
        let (workspace, history) = try Self.workspace()
        let open = try Self.signals(try workspace.ok("signals", "--json"))
        let quality = try #require(open.first { $0["kind"] as? String == "source-quality" })["id"] as! String
        let sla = try #require(open.first { $0["kind"] as? String == "sla" })["id"] as! String
        try workspace.ok("signal", "ack", sla, "--note", "talking to Zoe", "--as", "lee@mgmt")
        try workspace.ok("signal", "dismiss", quality, "--reason", "false-alarm", "--note", "partner sent a test batch", "--as", "sam@sales")
        #expect(try workspace.run("signal", "ack", "source-quality-nobody-20250101", "--as", "lee@mgmt").status == 6)
        #expect(try workspace.run("signal", "dismiss", sla, "--reason", "boredom", "--as", "lee@mgmt").status == 64)
        let after = try Self.signals(try workspace.ok("signals", "--json"))
        #expect(!after.contains { $0["id"] as? String == quality })
        #expect(after.first { $0["id"] as? String == sla }?["state"] as? String == "acknowledged")
        let all = try Self.signals(try workspace.ok("signals", "--all", "--json"))
        #expect(all.first { $0["id"] as? String == quality }?["state"] as? String == "dismissed")
        let stats = try Self.signals(try workspace.ok("signals", "--stats", "--json"))
        #expect(stats.first { $0["kind"] as? String == "source-quality" }?["false_alarms"] as? Int == 1)
        #expect(stats.first { $0["kind"] as? String == "sla" }?["acknowledged"] as? Int == 1)
        // `issues` lists the open signals beside people's tensions.
        let issues = try Self.signals(try workspace.ok("issues", "--kind", "signal", "--json"))
        #expect(Set(issues.map { $0["ref"] as! String }) == Set(after.map { $0["id"] as! String }))

        // Only management tunes the detectors; a change applies from then on, never to the past.
        #expect(try workspace.run("signal", "configure", "meeting-cadence", "--off", "--as", "sam@sales").status == 7)
        let cadence = try #require(after.first { $0["kind"] as? String == "meeting-cadence" })["id"] as! String
        try workspace.ok("signal", "configure", "meeting-cadence", "--off", "--as", "lee@mgmt")
        #expect(!(try Self.signals(try workspace.ok("signals", "--json"))).contains { $0["id"] as? String == cadence })
        let then = try Self.signals(try workspace.ok("signals", "--as-of", Self.endOf(history.days - 1, history), "--json"))
        #expect(then.contains { $0["id"] as? String == cadence })
        #expect(try workspace.run("signal", "configure", "gossip", "--off", "--as", "lee@mgmt").status == 64)
    }
}
