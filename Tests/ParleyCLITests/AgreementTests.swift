import Foundation
import ParleyCore
import Testing

/// Agreements in force only when both teams sign: the SLA, and versioned
/// documents (personas, the messaging guide, …), through the real binary.
@Suite struct AgreementTests {
    private func team() throws -> Workspace {
        let w = try Workspace()
        try w.ok("init")
        try w.ok("member", "add", "lee@mgmt", "--name", "Lee", "--team", "management", "--as", "lee@mgmt", "--at", "2026-01-01")
        try w.ok("member", "add", "mia@marketing", "--name", "Mia", "--team", "marketing", "--as", "lee@mgmt", "--at", "2026-01-01")
        try w.ok("member", "add", "sam@sales", "--name", "Sam", "--team", "sales", "--as", "lee@mgmt", "--at", "2026-01-01")
        return w
    }

    private func json(_ run: Run) throws -> JSONValue { try JSONValue.parse(run.stdout.trimmingCharacters(in: .newlines)) }

    /// The rep's verdicts in time and late, from `parley sla --json`.
    private func verdicts(_ w: Workspace, _ extra: String...) throws -> (inTime: JSONValue?, late: JSONValue?) {
        let report = try json(try w.ok(["sla", "--json"] + extra))
        let rep = report["by_rep"]?.arrayItems.first { $0["key"] == .string("sam@sales") }
        return (rep?["verdicts_in_time"], rep?["verdicts_late"])
    }

    @Test func anSLACountsOnlyOnceBothTeamsSignAndCompliance() throws {
        let w = try team()
        try w.ok("sla", "set", "--follow-up-hours", "24", "--as", "lee@mgmt", "--at", "2026-01-02T09:00:00Z")

        // Proposed by management: nobody has signed, compliance is measured against it, marked.
        var report = try json(try w.ok("sla", "--json", "--as-of", "2026-01-05"))
        #expect(report["in_force"] == .null)
        #expect(report["measured_against"]?["version"] == .integer(1))
        #expect(report["measured_against"]?["state"] == .string("proposed"))
        #expect(report["measured_against"]?["waiting_for"]?.arrayItems == [.string("marketing"), .string("sales")])
        #expect(report["measured_against"]?["days_waiting"] == .integer(2))
        let waiting = try json(try w.ok("issues", "--kind", "unagreed-sla", "--json", "--as-of", "2026-01-05"))
        #expect(waiting.arrayItems.map { $0["ref"] } == [.string("sla v1")])

        // Sales signs; management signs for marketing: in force.
        try w.ok("sla", "agree", "1", "--as", "sam@sales", "--at", "2026-01-03T09:00:00Z")
        try w.ok("sla", "agree", "1", "--team", "marketing", "--as", "lee@mgmt", "--at", "2026-01-03T10:00:00Z")
        report = try json(try w.ok("sla", "--json"))
        #expect(report["in_force"]?["version"] == .integer(1))
        #expect(report["in_force"]?["signed_by"]?.arrayItems.map { $0["team"] } == [.string("sales"), .string("marketing")])
        #expect(try json(try w.ok("issues", "--kind", "unagreed-sla", "--json")).arrayItems == [])

        // Marketing proposes 48 h: its proposal is its signature, sales has not signed, v1 stays in force.
        let proposed = try w.ok("sla", "set", "--follow-up-hours", "48", "--as", "mia@marketing", "--at", "2026-01-10T09:00:00Z")
        #expect(proposed.stdout.contains("sla.set") && proposed.stdout.contains("sla.agreed"))
        report = try json(try w.ok("sla", "--json"))
        #expect(report["in_force"]?["version"] == .integer(1))
        #expect(report["history"]?.arrayItems.map { $0["state"] } == [.string("in-force"), .string("proposed")])
        #expect(report["history"]?.arrayItems.last?["waiting_for"]?.arrayItems == [.string("sales")])
        let reason = try json(try w.ok("issues", "--kind", "unagreed-sla", "--json")).arrayItems.first?["reason"]?.stringValue
        #expect(reason == "sales has not agreed to SLA version 2, proposed by mia@marketing; version 1 stays in force")

        // A lead answered after 30 hours is late under v1, the SLA in force, whatever v2 says.
        try w.ok("lead", "send", "L-1", "--source", "webinar", "--to", "sam@sales", "--as", "mia@marketing", "--at", "2026-01-11T09:00:00Z")
        try w.ok("lead", "accept", "L-1", "--as", "sam@sales", "--at", "2026-01-12T15:00:00Z")
        #expect(try verdicts(w) == (.integer(0), .integer(1)))

        // Once sales signs v2, it is in force, v1 superseded, and the next lead is measured against 48 h.
        try w.ok("sla", "agree", "2", "--as", "sam@sales", "--at", "2026-01-13T09:00:00Z")
        try w.ok("lead", "send", "L-2", "--source", "webinar", "--to", "sam@sales", "--as", "mia@marketing", "--at", "2026-01-14T09:00:00Z")
        try w.ok("lead", "accept", "L-2", "--as", "sam@sales", "--at", "2026-01-15T15:00:00Z")
        #expect(try verdicts(w) == (.integer(1), .integer(1)))
        report = try json(try w.ok("sla", "--json"))
        #expect(report["history"]?.arrayItems.map { $0["state"] } == [.string("superseded"), .string("in-force")])
        // Over time: both verdicts were given in January, one in time.
        #expect(report["by_month"]?.arrayItems.map { $0["month"] } == [.string("2026-01")])
        #expect(report["by_month"]?.arrayItems.first?["verdicts_in_time"] == .integer(1))
        #expect(report["by_month"]?.arrayItems.first?["in_time_rate"] == .double(0.5))
        // Replayed to before the signature, v1 was in force and v2 waited.
        let before = try json(try w.ok("sla", "--json", "--as-of", "2026-01-12"))
        #expect(before["in_force"]?["version"] == .integer(1))
        #expect(before["history"]?.arrayItems.last?["days_waiting"] == .integer(1))
        #expect(try w.ok("sla").stdout.contains("In force: version 2, verdict within 48 h"))
    }

    @Test func signaturesThatCannotBeAreRefusedAndWriteNothing() throws {
        let w = try team()
        try w.ok("sla", "set", "--follow-up-hours", "24", "--as", "lee@mgmt", "--at", "2026-01-02T09:00:00Z")
        let before = try w.ok("log", "--json").stdout
        let refusals: [([String], String)] = [
            (["sla", "agree", "3", "--as", "sam@sales"], "there is no SLA version 3; the versions are 1"),
            (["sla", "agree", "1", "--team", "marketing", "--as", "sam@sales"], "sam@sales is in sales and cannot agree for marketing"),
            (["sla", "agree", "1", "--as", "sam@sales", "--at", "2026-01-01"],
             "sla.agreed at 2026-01-01T00:00:00Z would happen before SLA version 1 was proposed, at 2026-01-02T09:00:00Z"),
            (["agreement", "agree", "personas", "1", "--as", "sam@sales"], "there is no agreement personas version 1; the versions are none yet"),
            // Management signs for marketing or sales; a signature for management would count for nothing.
            (["sla", "agree", "1", "--as", "lee@mgmt"], "a signature counts for marketing or sales, not management"),
            (["sla", "agree", "1", "--team", "management", "--as", "lee@mgmt"], "name the team lee@mgmt signs for: marketing or sales"),
        ]
        for (arguments, message) in refusals {
            let run = try w.run(arguments)
            #expect(run.status == 7, "\(arguments): \(run.stderr)")
            #expect(run.stderr.contains(message), "\(arguments): \(run.stderr)")
        }
        try w.ok("sla", "agree", "1", "--as", "sam@sales", "--at", "2026-01-03")
        let twice = try w.run("sla", "agree", "1", "--as", "sam@sales")
        #expect(twice.status == 7 && twice.stderr.contains("sales already agreed to SLA version 1 by sam@sales"), "\(twice.stderr)")
        #expect(try w.ok("log", "--json").stdout.split(separator: "\n").count == before.split(separator: "\n").count + 1)
    }

    @Test func agreementsAreVersionedTextsBothTeamsSign() throws {
        let w = try team()
        let first = try w.file("personas.md", "IT managers at firms of 50 or more.\n")
        try w.ok("agreement", "propose", "personas", "--text", first, "--rationale", "win/loss review", "--as", "mia@marketing",
                 "--at", "2026-02-01T09:00:00Z")
        var list = try json(try w.ok("agreements", "--json", "--as-of", "2026-02-04"))
        #expect(list.arrayItems.count == 1)
        #expect(list.arrayItems.first?["agreement"] == .string("personas"))
        #expect(list.arrayItems.first?["state"] == .string("proposed"))
        #expect(list.arrayItems.first?["waiting_for"]?.arrayItems == [.string("sales")])
        #expect(list.arrayItems.first?["days_waiting"] == .integer(2))
        #expect(try json(try w.ok("issues", "--kind", "unagreed-agreement", "--json")).arrayItems.map { $0["ref"] } == [.string("personas v1")])

        try w.ok("agreement", "agree", "personas", "1", "--as", "sam@sales", "--at", "2026-02-05T09:00:00Z")
        try w.ok("agreement", "propose", "personas", "--text", "-", "--as", "sam@sales", "--at", "2026-03-01T09:00:00Z",
                 stdin: "IT and finance managers at firms of 50 or more.\n")
        list = try json(try w.ok("agreements", "--json"))
        #expect(list.arrayItems.first?["latest"] == .integer(2) && list.arrayItems.first?["in_force"] == .integer(1))
        #expect(list.arrayItems.first?["waiting_for"]?.arrayItems == [.string("marketing")])

        let shown = try json(try w.ok("agreement", "show", "personas", "--json"))
        #expect(shown["version"] == .integer(2) && shown["versions"]?.arrayItems == [.integer(1), .integer(2)])
        #expect(shown["text"] == .string("IT and finance managers at firms of 50 or more."))
        #expect(shown["diff"] == .string("IT {+and finance+} managers at firms of 50 or more."))
        #expect(try w.ok("agreement", "show", "personas", "--diff").stdout.contains("IT {+and finance+} managers"))
        let old = try json(try w.ok("agreement", "show", "personas", "--version", "1", "--json"))
        #expect(old["state"] == .string("in-force") && old["rationale"] == .string("win/loss review"))
        #expect(old["signed_by"]?.arrayItems.map { $0["team"] } == [.string("marketing"), .string("sales")])

        // Replayed to February, there was one version, in force.
        let then = try json(try w.ok("agreement", "show", "personas", "--json", "--as-of", "2026-02-10"))
        #expect(then["version"] == .integer(1) && then["state"] == .string("in-force"))

        let missing = try w.run("agreement", "show", "messaging")
        #expect(missing.status == 6 && missing.stderr.contains("there is no agreement messaging; see the agreements there are, or propose a first version of messaging (`parley agreements`; `parley agreement propose messaging --text FILE`)"), "\(missing.stderr)")
        let noVersion = try w.run("agreement", "show", "personas", "--version", "9")
        #expect(noVersion.status == 6 && noVersion.stderr.contains("agreement personas has no version 9; its versions are 1, 2"), "\(noVersion.stderr)")
        let empty = try w.run(["agreement", "propose", "personas", "--text", "-", "--as", "mia@marketing"], stdin: "  \n")
        #expect(empty.status == 2 && empty.stderr.contains("standard input is empty"), "\(empty.stderr)")
        let badName = try w.run(["agreement", "propose", "a/b", "--text", "-", "--as", "mia@marketing"], stdin: "text")
        #expect(badName.status == 2 && badName.stderr.contains("agreement"), "\(badName.stderr)")

        try w.ok("agreement", "agree", "personas", "2", "--as", "mia@marketing", "--at", "2026-03-02T09:00:00Z")
        #expect(try json(try w.ok("agreement", "show", "personas", "--version", "1", "--json"))["state"] == .string("superseded"))
        #expect(try json(try w.ok("issues", "--kind", "unagreed-agreement", "--json")).arrayItems == [])
    }

    @Test func aResourceNobodyUsesWithinThirtyDaysIsAnIssueUntilItIsUsed() throws {
        let w = try team()
        try w.ok("resource", "share", "--title", "ROI calculator", "--link", "https://wiki.example.com/roi", "--team", "marketing",
                 "--as", "mia@marketing", "--at", "2026-01-05T09:00:00Z")
        try w.ok("lead", "send", "L-1", "--source", "webinar", "--to", "sam@sales", "--as", "mia@marketing", "--at", "2026-01-05T09:00:00Z")
        #expect(try json(try w.ok("issues", "--kind", "unused-content", "--json", "--as-of", "2026-02-03")).arrayItems == [])
        let unused = try json(try w.ok("issues", "--kind", "unused-content", "--json", "--as-of", "2026-02-05")).arrayItems
        #expect(unused.map { $0["ref"] } == [.string("R-1")])
        #expect(unused.first?["since"] == .string("2026-02-04T09:00:00Z"))
        #expect(unused.first?["reason"]?.stringValue?.contains("ROI calculator, shared by mia@marketing on 2026-01-05") == true)
        try w.ok("resource", "use", "R-1", "--lead", "L-1", "--as", "sam@sales", "--at", "2026-02-06T09:00:00Z")
        #expect(try json(try w.ok("issues", "--kind", "unused-content", "--json")).arrayItems == [])
    }
}
