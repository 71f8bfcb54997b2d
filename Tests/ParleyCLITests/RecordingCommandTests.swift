import Foundation
import ParleyCore
import Testing

/// The recording commands end to end, as a team would use them.
@Suite struct RecordingCommandTests {
    /// A database with mia (marketing), sam (sales) and lee (management).
    private func teamWorkspace() throws -> Workspace {
        let w = try Workspace()
        try w.ok("init")
        #expect(try w.ok("member", "add", "mia@marketing", "--name", "Mia Chen", "--team", "marketing", "--as", "mia@marketing").stdout
            == "recorded member.joined on member/mia@marketing (version 1, position 1)\n")
        try w.ok("member", "add", "sam@sales", "--name", "Sam Ortiz", "--team", "sales", "--as", "mia@marketing")
        try w.ok("member", "add", "lee@mgmt", "--name", "Lee Park", "--team", "management", "--as", "mia@marketing")
        return w
    }

    @Test func aQuarterOfWorkThroughTheCommands() throws {
        let w = try teamWorkspace()
        try w.ok("role", "define", "--team", "sales", "--responsibility", "follow up MQLs within the SLA", "--kpi", "SAL rate", "--as", "lee@mgmt")
        try w.ok("criteria", "change", "--rules", "scale title: individual < manager; title>=manager AND employees>=50", "--rationale", "fewer students", "--as", "mia@marketing",
                 "--at", "2026-01-02T00:00:00Z")
        try w.ok("criteria", "agree", "1", "--as", "sam@sales")
        try w.ok("sla", "set", "--follow-up-hours", "24", "--feedback-within-days", "7", "--as", "lee@mgmt")
        try w.ok("goal", "set", "pipeline-q1", "--metric", "conversions", "--target", "120", "--period", "2026-Q1", "--teams", "marketing,sales", "--as", "lee@mgmt")
        let sent = try w.ok("lead", "send", "L-1042", "--source", "webinar", "--campaign", "Q1-webinar", "--score", "72", "--to", "sam@sales",
                            "--attribute", "employees=120", "--attribute", "industry=retail", "--as", "mia@marketing", "--at", "2026-01-05T09:30:00Z")
        #expect(sent.stdout == "recorded lead.sent on lead/L-1042 (version 1, position 9)\n")
        try w.ok("lead", "reject", "L-1042", "--reason", "no-budget", "--comment", "student", "--as", "sam@sales")
        try w.ok("lead", "feedback", "L-1042", "--rating", "2", "--comment", "student, no budget", "--objection", "price", "--as", "sam@sales")
        #expect(try w.ok("tension", "flag", "--title", "Webinar leads are students", "--severity", "high", "--category", "lead-quality",
                         "--teams", "marketing,sales", "--as", "sam@sales").stdout.contains("tension.flagged on tension/T-1 "))
        try w.ok("tension", "comment", "T-1", "Pulled the numbers: 60% students", "--as", "mia@marketing")
        try w.ok("tension", "escalate", "T-1", "--to", "lee@mgmt", "--as", "sam@sales")
        try w.ok("tension", "resolve", "T-1", "--resolution", "Company email required", "--action", "change the form", "--as", "lee@mgmt")
        let meeting = try w.ok("meeting", "hold", "--title", "Weekly pipeline sync", "--attendee", "mia@marketing", "--attendee", "sam@sales",
                               "--decision", "Webinar leads need a company email",
                               "--action", "sam@sales:Call back all March webinar leads:2026-04-01",
                               "--action", "mia@marketing:Fix the form: add a company field", "--as", "lee@mgmt", "--json")
        let held = try JSONValue.parse(meeting.stdout)
        #expect(held["stream"] == .string("meeting/M-1"))
        #expect(held["data"]?["action_items"] == .array([
            .object(["action": .string("A-1"), "owner": .string("sam@sales"), "text": .string("Call back all March webinar leads"), "due": .string("2026-04-01")]),
            .object(["action": .string("A-2"), "owner": .string("mia@marketing"), "text": .string("Fix the form: add a company field")]),
        ]))
        try w.ok("action", "complete", "A-2", "--note", "done", "--as", "mia@marketing")
        try w.ok("content", "request", "--topic", "ROI one-pager for CFOs", "--lead", "L-1042", "--needed-by", "2026-04-10", "--as", "sam@sales")
        try w.ok("content", "deliver", "C-1", "--title", "ROI for CFOs", "--link", "https://wiki.example.com/roi", "--as", "mia@marketing")
        try w.ok("resource", "share", "--title", "Ideal customer profile", "--link", "https://wiki.example.com/icp", "--team", "marketing", "--as", "mia@marketing")
        try w.ok("resource", "use", "R-1", "--lead", "L-1042", "--as", "sam@sales")
        try w.ok("member", "move", "sam@sales", "--team", "management", "--as", "lee@mgmt")
        try w.ok("member", "leave", "sam@sales", "--as", "lee@mgmt")

        let lead = try w.ok("log", "--stream", "lead/L-1042", "--json").stdout.split(separator: "\n").map { try JSONValue.parse(String($0)) }
        #expect(lead.map { $0["type"]?.stringValue } == ["lead.sent", "lead.rejected", "lead.feedback"])
        #expect(lead[0]["occurred_at"] == .string("2026-01-05T09:30:00Z"))
        #expect(lead[0]["data"]?["criteria_version"] == .integer(1), "a lead is sent under the criteria in force when it was sent")
        #expect(lead[0]["data"]?["attributes"] == .object(["employees": .integer(120), "industry": .string("retail")]))
        #expect(try w.ok("verify").stdout.hasPrefix("ok: 23 events"))
    }

    @Test func brokenRulesSayWhichRuleAndWhoMay() throws {
        let w = try teamWorkspace()
        func refused(_ arguments: String..., status: Int32 = 7, message: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
            let result = try Workspace.finish(try w.start(arguments))
            #expect(result.status == status, "\(arguments.joined(separator: " ")): \(result.stderr)", sourceLocation: sourceLocation)
            #expect(result.stderr == "parley: error: \(message)\n", sourceLocation: sourceLocation)
            #expect(result.stdout.isEmpty, sourceLocation: sourceLocation)
        }
        try refused("lead", "send", "L-1", "--source", "webinar", "--as", "sam@sales",
                    message: "only marketing members may send leads; sam@sales is in sales; ask a marketing member, or record as one (--as HANDLE) (nothing written)")
        try refused("lead", "accept", "L-1", "--as", "sam@sales",
                    message: "there is no lead L-1 in the log; it must be sent first (`parley lead send L-1 --source …`) (nothing written)")
        try refused("tension", "flag", "--title", "t", "--severity", "low", "--category", "other", "--as", "eve@sales",
                    message: "eve@sales is not a member; add them as a member first, or record as a member (`parley member add eve@sales --name \"…\" --team …`, or --as a member) (nothing written)")
        try refused("lead", "feedback", "L-1", "--rating", "9", "--as", "sam@sales", status: 2,
                    message: "invalid --rating: must be from 1 to 5, got 9 (lead.feedback)")
        try refused("member", "add", "ann@x", "--name", "Ann", "--team", "legal", "--as", "mia@marketing", status: 2,
                    message: "invalid --team: must be one of marketing, sales, management; got \"legal\" (member.joined)")
        try refused("action", "complete", "A-3", "--as", "sam@sales", status: 6,
                    message: "no meeting has an action item A-3; the meetings list their action items (`parley actions` or `parley meetings`)")
        let noActor = try Workspace.finish(try w.start(["lead", "accept", "L-1"]))
        #expect(noActor.status == 64)
        #expect(noActor.stderr.contains("say who is recording: --as HANDLE"))

        // $PARLEY_ACTOR stands in for --as.
        let started = try w.start(["lead", "send", "L-2", "--source", "referral"], environment: ["PARLEY_ACTOR": "mia@marketing"])
        #expect(try Workspace.finish(started).status == 0)
        try w.ok("lead", "accept", "L-2", "--as", "sam@sales")
        let verdict = try JSONValue.parse(String(try w.ok("log", "--type", "lead.accepted", "--json").stdout.dropLast()))
        try refused("lead", "reject", "L-2", "--reason", "other", "--as", "sam@sales",
                    message: "lead L-2 was already accepted by sam@sales on \(verdict["occurred_at"]!.stringValue!); a lead gets one verdict (retract it to correct a mistake) (nothing written)")
        // A retraction corrects it.
        try w.ok("retract", verdict["id"]!.stringValue!, "--reason", "meant to reject", "--as", "sam@sales")
        try w.ok("lead", "reject", "L-2", "--reason", "other", "--as", "sam@sales")
    }

    @Test func twoPeopleRacingForTheSameVerdictCannotBothWin() throws {
        let w = try teamWorkspace()
        try w.ok("member", "add", "zoe@sales", "--name", "Zoe", "--team", "sales", "--as", "mia@marketing")
        for round in 1...3 {
            try w.ok("lead", "send", "L-\(round)", "--source", "webinar", "--as", "mia@marketing")
            let racers = [
                try w.start(["lead", "accept", "L-\(round)", "--as", "sam@sales"]),
                try w.start(["lead", "reject", "L-\(round)", "--reason", "other", "--as", "zoe@sales"]),
            ]
            let results = try racers.map(Workspace.finish)
            #expect(results.map(\.status).sorted() == [0, 7], "round \(round): \(results.map(\.stderr))")
            #expect(results.contains { $0.stderr.contains("a lead gets one verdict") })
        }
        try w.ok("verify")
    }

    @Test func recordEnforcesTheSameRulesUnlessImporting() throws {
        let w = try teamWorkspace()
        let accept = leadLine("L-5", type: "lead.accepted", actor: "sam@sales")
        let bad = try w.run("record", "-", stdin: accept)
        #expect(bad.status == 7)
        #expect(bad.stderr.contains("line 1: there is no lead L-5 in the log"))
        let outsider = leadLine("L-5", actor: "crm@import")
        #expect(try w.run("record", "-", stdin: outsider).status == 7)
        try w.ok("record", "--import", "-", stdin: outsider + "\n" + accept)
        let twice = try w.run("record", "--import", "-", stdin: leadLine("L-5", type: "lead.rejected", actor: "x@crm"))
        #expect(twice.status == 7)
        #expect(twice.stderr.contains("was already accepted"))
        let payload = try w.run("record", "--import", "-", stdin: leadLine("L-6", type: "lead.feedback").replacingOccurrences(of: "\"rating\":3", with: "\"rating\":0"))
        #expect(payload.status == 2)
        #expect(payload.stderr.contains("line 1: field \"data.rating\": must be from 1 to 5, got 0 (lead.feedback)"))
    }

    @Test func typesListsTheCatalogue() throws {
        let w = try Workspace()
        let text = try w.ok("types", "lead.rejected").stdout
        #expect(text.contains("lead.rejected  (schema 1, stream lead/<lead>)"))
        #expect(text.contains("* reason   one of not-a-fit·bad-contact·no-budget·duplicate·not-ready·other"))
        let schemas = try JSONValue.parse(try w.ok("types", "--json").stdout)
        guard case let .object(members) = schemas else { Issue.record("not an object"); return }
        #expect(members.count == 38)
        #expect(schemas["lead.feedback"]?["properties"]?["rating"]?["maximum"] == .integer(5))
        #expect(schemas["lead.feedback"]?["x-parley-schema"] == .integer(2))
        #expect(try w.run("types", "lead.teleported").status == 64)
        #expect(try w.run("types", "lead.rejectd").stderr.contains(#"there is no event type "lead.rejectd"; did you mean lead.rejected?"#))
    }

    @Test func helpReadsLikeTheExamples() throws {
        let w = try Workspace()
        let help = try w.ok("help", "lead").stdout
        #expect(help.contains("parley lead send L-1042 --source webinar"))
        #expect(help.contains("feedback"))
        let completion = try w.ok("--generate-completion-script", "bash").stdout
        #expect(completion.contains("parley"))
        #expect(completion.contains("tension"))
    }
}
