import Foundation
import ParleyCore
import Testing

/// Time goes forward within a stream: an event cannot happen before the
/// event it answers, by command, `record` or `record --import`, and a
/// refusal names both times and writes nothing.
@Suite struct TimeOrderTests {
    private func workspace() throws -> Workspace {
        let w = try Workspace()
        try w.ok("init")
        try w.ok("member", "add", "mia@marketing", "--name", "Mia", "--team", "marketing", "--as", "mia@marketing", "--at", "2026-01-01")
        try w.ok("member", "add", "sam@sales", "--name", "Sam", "--team", "sales", "--as", "mia@marketing", "--at", "2026-01-01")
        try w.ok("member", "add", "lee@mgmt", "--name", "Lee", "--team", "management", "--as", "mia@marketing", "--at", "2026-01-01")
        try w.ok("lead", "send", "L-1", "--source", "webinar", "--to", "sam@sales", "--as", "mia@marketing", "--at", "2026-03-02T10:00:00Z")
        try w.ok("tension", "flag", "--title", "Slow", "--severity", "low", "--category", "sla", "--as", "mia@marketing", "--at", "2026-03-02T10:00:00Z")
        try w.ok("criteria", "change", "--rules", "employees >= 50", "--as", "mia@marketing", "--at", "2026-03-02T10:00:00Z")
        try w.ok("meeting", "hold", "--title", "Sync", "--attendee", "mia@marketing", "--attendee", "sam@sales",
                 "--action", "sam@sales:Call back", "--as", "lee@mgmt", "--at", "2026-03-02T10:00:00Z")
        return w
    }

    private func head(_ w: Workspace) throws -> String {
        try w.ok("log", "--json").stdout.split(separator: "\n").last.map(String.init) ?? ""
    }

    @Test(arguments: [
        ["lead", "accept", "L-1", "--as", "sam@sales", "--at", "2020-01-01"],
        ["lead", "reject", "L-1", "--reason", "no-budget", "--as", "sam@sales", "--at", "2026-03-02T09:59:59Z"],
        ["lead", "reassign", "L-1", "--to", "sam@sales", "--as", "mia@marketing", "--at", "2026-03-01"],
        ["tension", "comment", "T-1", "too early", "--as", "sam@sales", "--at", "2026-03-01"],
        ["tension", "resolve", "T-1", "--resolution", "done", "--as", "lee@mgmt", "--at", "2026-03-01"],
        ["criteria", "agree", "1", "--as", "sam@sales", "--at", "2026-03-01"],
        ["action", "complete", "A-1", "--as", "sam@sales", "--at", "2026-03-01"],
    ])
    func anAnswerBeforeWhatItAnswersIsRefused(_ arguments: [String]) throws {
        let w = try workspace()
        let before = try head(w)
        let refused = try w.run(arguments)
        #expect(refused.status == 7, "\(arguments): \(refused.stderr)")
        #expect(refused.stderr.contains("would happen before") && refused.stderr.contains("2026-03-02T10:00:00Z"), "\(refused.stderr)")
        #expect(try head(w) == before, "nothing written")
    }

    @Test func theSameHoldsForRecordAndImport() throws {
        for flags in [[], ["--import"]] as [[String]] {
            let w = try workspace()
            let before = try head(w)
            let file = try w.file("late.jsonl", #"{"stream":"lead/L-1","type":"lead.accepted","actor":"sam@sales","occurred_at":"2025-12-31T00:00:00Z","data":{"lead":"L-1"}}"# + "\n")
            let refused = try w.run(["record", file] + flags)
            #expect(refused.status == 7, "record \(flags): \(refused.stderr)")
            #expect(refused.stderr.contains("lead.accepted at 2025-12-31T00:00:00Z would happen before lead L-1 was sent, at 2026-03-02T10:00:00Z"),
                    "\(refused.stderr)")
            #expect(try head(w) == before)
        }
    }

    /// A time in the future, by command, `record` or `record --import`
    /// (a year typed wrong), is refused; a few minutes ahead, one machine's
    /// clock against another's, is not.
    @Test func aTimeAheadOfTheLogIsRefused() throws {
        let w = try workspace()
        let before = try head(w)
        let tomorrow = Timestamp(microseconds: Timestamp.now().microseconds + 86_400_000_000).rfc3339
        let flagged = try w.run("tension", "flag", "--title", "Next year", "--severity", "low", "--category", "sla",
                                "--as", "sam@sales", "--at", tomorrow)
        #expect(flagged.status == 7, "\(flagged.stderr)")
        #expect(flagged.stderr.contains("tension.flagged at \(tomorrow) is in the future") && flagged.stderr.contains("UTC now"), "\(flagged.stderr)")
        let accepted = try w.run("lead", "accept", "L-1", "--as", "sam@sales", "--at", tomorrow)
        #expect(accepted.status == 7 && accepted.stderr.contains("is in the future"), "\(accepted.stderr)")
        for flags in [[], ["--import"]] as [[String]] {
            let line = #"{"stream":"lead/L-9","type":"lead.sent","actor":"mia@marketing","occurred_at":"\#(tomorrow)","data":{"lead":"L-9","source":"webinar","assigned_to":"sam@sales"}}"#
            let file = try w.file("ahead.jsonl", leadLine("L-8") + "\n" + line + "\n")
            let refused = try w.run(["record", file] + flags)
            #expect(refused.status == 7, "record \(flags): \(refused.stderr)")
            #expect(refused.stderr.contains("line 2: lead.sent at \(tomorrow) is in the future"), "record \(flags): \(refused.stderr)")
        }
        #expect(try head(w) == before, "nothing written")
        let soon = Timestamp(microseconds: Timestamp.now().microseconds + 2 * 60_000_000).rfc3339
        try w.ok("tension", "comment", "T-1", "clocks differ a little", "--as", "sam@sales", "--at", soon)
    }

    /// A log moved whole (`export`, then `import`) keeps each event's
    /// recorded time, and with it what it holds: an event it recorded
    /// ahead of its time, before that was refused, is imported as it is.
    @Test func aLogCopiedWholeKeepsAnEventRecordedAheadOfItsTime() throws {
        let w = try workspace()
        let exported = w.folder.appending(path: "log.jsonl").path
        try w.ok("export", "--out", exported)
        var lines = try String(contentsOfFile: exported, encoding: .utf8).split(separator: "\n").map(String.init)
        let last = lines.removeLast()
        let recorded = try #require(last.range(of: #""recorded_at":"[^"]*""#, options: .regularExpression))
        lines.append(last.replacingCharacters(in: recorded, with: #""recorded_at":"2026-01-01T00:00:00Z""#))
        try (lines.joined(separator: "\n") + "\n").write(toFile: exported, atomically: true, encoding: .utf8)
        let copy = w.folder.appending(path: "copy.db").path
        try w.ok("init", "--db", copy)
        try w.ok("import", exported, "--db", copy)
        let stored = try w.ok("log", "--json", "--db", copy).stdout.split(separator: "\n").last.map(String.init) ?? ""
        #expect(stored.contains(#""recorded_at":"2026-01-01T00:00:00Z""#) && stored.contains(#""occurred_at":"2026-03-02T10:00:00Z""#), "\(stored)")
    }

    @Test func atTheSameMomentOrLaterIsFine() throws {
        let w = try workspace()
        try w.ok("lead", "accept", "L-1", "--as", "sam@sales", "--at", "2026-03-02T10:00:00Z")
        try w.ok("tension", "comment", "T-1", "on it", "--as", "sam@sales")
        try w.ok("criteria", "agree", "1", "--as", "sam@sales", "--at", "2026-03-03")
    }
}
