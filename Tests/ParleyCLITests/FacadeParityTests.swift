import Foundation
import ParleyApp
import ParleyCore
import Testing

/// Every command three ways, on three logs: through the `parley` binary,
/// through the facade alone (no CLI), and written by hand as the raw event
/// and recorded. The three logs must hold the same events: the CLI decides
/// nothing of its own, and `record` gets the same defaults as the command.
@Suite struct FacadeParityTests {
    /// One step of a team's work: who, when, and the three ways to say it.
    struct Step {
        var actor: String
        var at: String
        var cli: [String]
        var command: Command
        /// The event written by hand, as `parley record` reads it; given the
        /// hand-written log so far (a retraction names an event's id).
        var event: (App) throws -> String
    }

    static func envelope(_ stream: String, _ type: String, _ actor: String, _ at: String, _ data: String, extra: String = "") -> String {
        #"{"stream":"\#(stream)","type":"\#(type)","actor":"\#(actor)","occurred_at":"\#(at)","data":\#(data)\#(extra)}"#
    }

    /// A quarter of work that uses every recording command once or more.
    /// Not here: answering a signal (it needs one raised, and the facade
    /// checks that it is; SignalsTests drives it through the CLI and the
    /// server), tokens (a secret is drawn at random each time; ServerTests)
    /// and webhooks (they take effect when added, so refuse a past time,
    /// which this timeline needs; WebhookTests).
    static func steps() -> [Step] {
        var steps: [Step] = []
        var minute = 0
        /// `then`: a second event the command writes on the same stream (its type and data).
        func step(_ actor: String, _ cli: [String], _ command: Command, _ stream: String, _ type: String, _ data: String, extra: String = "",
                  then: (type: String, data: String)? = nil) {
            minute += 7
            let at = String(format: "2026-01-%02dT%02d:%02d:00Z", 5 + minute / 600, (minute / 60) % 10 + 8, minute % 60)
            steps.append(Step(actor: actor, at: at, cli: cli + ["--as", actor, "--at", at], command: command,
                              event: { _ in
                                  envelope(stream, type, actor, at, data, extra: extra)
                                      + (then.map { "\n" + envelope(stream, $0.type, actor, at, $0.data) } ?? "")
                              }))
        }
        step("mia@marketing", ["member", "add", "mia@marketing", "--name", "Mia Chen", "--team", "marketing"],
             .addMember(MemberJoined(handle: "mia@marketing", name: "Mia Chen", team: "marketing")),
             "member/mia@marketing", "member.joined", #"{"handle":"mia@marketing","name":"Mia Chen","team":"marketing"}"#)
        for (handle, name, team) in [("sam@sales", "Sam Ortiz", "sales"), ("lee@mgmt", "Lee Park", "management"), ("zoe@sales", "Zoe Berg", "sales")] {
            step("mia@marketing", ["member", "add", handle, "--name", name, "--team", team],
                 .addMember(MemberJoined(handle: handle, name: name, team: team)),
                 "member/\(handle)", "member.joined", #"{"handle":"\#(handle)","name":"\#(name)","team":"\#(team)"}"#)
        }
        step("lee@mgmt", ["role", "define", "--team", "sales", "--responsibility", "follow up MQLs", "--kpi", "SAL rate"],
             .defineRole(RoleDefined(team: "sales", responsibility: "follow up MQLs", kpi: "SAL rate")),
             "role/sales", "role.defined", #"{"kpi":"SAL rate","responsibility":"follow up MQLs","team":"sales"}"#)
        step("mia@marketing", ["criteria", "change", "--rules", "employees >= 50", "--rationale", "teams that can buy"],
             .changeCriteria(rules: "employees >= 50", rationale: "teams that can buy"),
             "criteria/mql", "criteria.changed", #"{"rationale":"teams that can buy","rules":"employees >= 50","version":1}"#,
             extra: #","expected_version":0"#)
        step("sam@sales", ["criteria", "agree", "1"], .agree(.criteria, version: 1, team: nil),
             "criteria/mql", "criteria.agreed", #"{"team":"sales","version":1}"#)
        step("lee@mgmt", ["sla", "set", "--follow-up-hours", "24", "--feedback-within-days", "7", "--monthly-mql-target", "400"],
             .setSLA(SLASet(followUpHours: 24, feedbackWithinDays: 7, monthlyMqlTarget: 400)),
             "sla/main", "sla.set", #"{"feedback_within_days":7,"follow_up_hours":24,"monthly_mql_target":400}"#)
        step("lee@mgmt", ["goal", "set", "pipeline-q1", "--metric", "conversions", "--target", "120", "--period", "2026-Q1", "--teams", "marketing,sales"],
             .setGoal(GoalSet(goal: "pipeline-q1", metric: "conversions", target: 120, period: "2026-Q1", teams: ["marketing", "sales"])),
             "goal/pipeline-q1", "goal.set", #"{"goal":"pipeline-q1","metric":"conversions","period":"2026-Q1","target":120,"teams":["marketing","sales"]}"#)
        for lead in ["L-1", "L-2", "L-3"] {
            // No criteria version given: each is sent under version 1, in force then.
            step("mia@marketing", ["lead", "send", lead, "--source", "webinar", "--to", "sam@sales", "--attribute", "employees=120"],
                 .sendLead(LeadSent(lead: lead, source: "webinar", assignedTo: "sam@sales", attributes: ["employees": .number(120)])),
                 "lead/\(lead)", "lead.sent", #"{"assigned_to":"sam@sales","attributes":{"employees":120},"lead":"\#(lead)","source":"webinar"}"#)
        }
        step("lee@mgmt", ["lead", "reassign", "L-1", "--to", "zoe@sales", "--reason", "holiday"],
             .reassignLead(LeadReassigned(lead: "L-1", to: "zoe@sales", reason: "holiday")),
             "lead/L-1", "lead.reassigned", #"{"lead":"L-1","reason":"holiday","to":"zoe@sales"}"#)
        step("sam@sales", ["lead", "accept", "L-1"], .acceptLead(LeadAccepted(lead: "L-1")), "lead/L-1", "lead.accepted", #"{"lead":"L-1"}"#)
        step("sam@sales", ["lead", "feedback", "L-1", "--rating", "4", "--objection", "price"],
             .giveFeedback(LeadFeedback(lead: "L-1", rating: 4, objections: ["price"])),
             "lead/L-1", "lead.feedback", #"{"lead":"L-1","objections":["price"],"rating":4}"#)
        step("sam@sales", ["lead", "convert", "L-1", "--amount", "12000", "--currency", "EUR"],
             .convertLead(LeadConverted(lead: "L-1", amount: 12000, currency: "EUR")),
             "lead/L-1", "lead.converted", #"{"amount":12000,"currency":"EUR","lead":"L-1"}"#)
        step("sam@sales", ["lead", "reject", "L-2", "--reason", "no-budget", "--comment", "student"],
             .rejectLead(LeadRejected(lead: "L-2", reason: "no-budget", comment: "student")),
             "lead/L-2", "lead.rejected", #"{"comment":"student","lead":"L-2","reason":"no-budget"}"#)
        step("sam@sales", ["lead", "recycle", "L-2", "--reason", "not ready"], .recycleLead(LeadRecycled(lead: "L-2", reason: "not ready")),
             "lead/L-2", "lead.recycled", #"{"lead":"L-2","reason":"not ready"}"#)
        step("sam@sales", ["lead", "lose", "L-3", "--reason", "competitor"], .loseLead(LeadLost(lead: "L-3", reason: "competitor")),
             "lead/L-3", "lead.lost", #"{"lead":"L-3","reason":"competitor"}"#)
        step("sam@sales", ["tension", "flag", "--title", "Webinar leads are students", "--severity", "high", "--category", "lead-quality", "--teams", "marketing,sales"],
             .flagTension(Command.FlagTension(title: "Webinar leads are students", severity: "high", category: "lead-quality", teams: ["marketing", "sales"])),
             "tension/T-1", "tension.flagged",
             #"{"category":"lead-quality","severity":"high","teams":["marketing","sales"],"tension":"T-1","title":"Webinar leads are students"}"#,
             extra: #","expected_version":0"#)
        step("mia@marketing", ["tension", "comment", "T-1", "60% students"], .commentTension(TensionCommented(tension: "T-1", comment: "60% students")),
             "tension/T-1", "tension.commented", #"{"comment":"60% students","tension":"T-1"}"#)
        step("sam@sales", ["tension", "escalate", "T-1", "--to", "lee@mgmt", "--reason", "stuck"],
             .escalateTension(TensionEscalated(tension: "T-1", to: "lee@mgmt", reason: "stuck")),
             "tension/T-1", "tension.escalated", #"{"reason":"stuck","tension":"T-1","to":"lee@mgmt"}"#)
        step("lee@mgmt", ["tension", "resolve", "T-1", "--resolution", "company email required", "--action", "change the form"],
             .resolveTension(TensionResolved(tension: "T-1", resolution: "company email required", actions: ["change the form"])),
             "tension/T-1", "tension.resolved", #"{"actions":["change the form"],"resolution":"company email required","tension":"T-1"}"#)
        step("sam@sales", ["tension", "reopen", "T-1", "--reason", "still students"], .reopenTension(TensionReopened(tension: "T-1", reason: "still students")),
             "tension/T-1", "tension.reopened", #"{"reason":"still students","tension":"T-1"}"#)
        step("lee@mgmt", ["meeting", "hold", "--title", "Pipeline sync", "--attendee", "mia@marketing", "--attendee", "sam@sales",
                          "--decision", "company email", "--action", "sam@sales:Call back:2026-04-01", "--action", "mia@marketing:Fix the form"],
             .holdMeeting(Command.HoldMeeting(title: "Pipeline sync", attendees: ["mia@marketing", "sam@sales"], decisions: ["company email"],
                                              actionItems: [.init(owner: "sam@sales", text: "Call back", due: "2026-04-01"),
                                                            .init(owner: "mia@marketing", text: "Fix the form")])),
             "meeting/M-1", "meeting.held",
             #"{"action_items":[{"action":"A-1","due":"2026-04-01","owner":"sam@sales","text":"Call back"},{"action":"A-2","owner":"mia@marketing","text":"Fix the form"}],"attendees":["mia@marketing","sam@sales"],"decisions":["company email"],"meeting":"M-1","title":"Pipeline sync"}"#,
             extra: #","expected_version":0"#)
        step("sam@sales", ["action", "complete", "A-1", "--note", "done"], .completeAction(ActionCompleted(action: "A-1", note: "done")),
             "meeting/M-1", "action.completed", #"{"action":"A-1","note":"done"}"#)
        step("sam@sales", ["content", "request", "--topic", "ROI one-pager", "--lead", "L-1", "--needed-by", "2026-04-10"],
             .requestContent(Command.RequestContent(topic: "ROI one-pager", lead: "L-1", neededBy: "2026-04-10")),
             "content/C-1", "content.requested", #"{"lead":"L-1","needed_by":"2026-04-10","request":"C-1","topic":"ROI one-pager"}"#,
             extra: #","expected_version":0"#)
        step("mia@marketing", ["content", "deliver", "C-1", "--title", "ROI", "--link", "https://wiki.example.com/roi"],
             .deliverContent(ContentDelivered(request: "C-1", title: "ROI", link: "https://wiki.example.com/roi")),
             "content/C-1", "content.delivered", #"{"link":"https://wiki.example.com/roi","request":"C-1","title":"ROI"}"#)
        step("mia@marketing", ["resource", "share", "--title", "ICP", "--link", "https://wiki.example.com/icp", "--team", "marketing", "--kind", "guide"],
             .shareResource(Command.ShareResource(title: "ICP", link: "https://wiki.example.com/icp", team: "marketing", kind: "guide")),
             "resource/R-1", "resource.shared", #"{"kind":"guide","link":"https://wiki.example.com/icp","resource":"R-1","team":"marketing","title":"ICP"}"#,
             extra: #","expected_version":0"#)
        step("sam@sales", ["resource", "use", "R-1", "--lead", "L-1"], .useResource(ResourceUsed(resource: "R-1", lead: "L-1")),
             "resource/R-1", "resource.used", #"{"lead":"L-1","resource":"R-1"}"#)
        step("sam@sales", ["sla", "agree", "1"], .agree(.sla, version: 1, team: nil), "sla/main", "sla.agreed", #"{"team":"sales","version":1}"#)
        // Proposing signs for the proposer's team: two events, written by hand as two lines.
        step("mia@marketing", ["agreement", "propose", "messaging-guide", "--text", "guide.md", "--rationale", "one story"],
             .proposeAgreement(name: "messaging-guide", text: "Lead with the cost of doing nothing.", rationale: "one story"),
             "agreement/messaging-guide", "agreement.proposed",
             #"{"agreement":"messaging-guide","rationale":"one story","text":"Lead with the cost of doing nothing.","version":1}"#,
             extra: #","expected_version":0"#,
             then: ("agreement.agreed", #"{"agreement":"messaging-guide","team":"marketing","version":1}"#))
        step("sam@sales", ["agreement", "agree", "messaging-guide", "1"], .agree(.named("messaging-guide"), version: 1, team: nil),
             "agreement/messaging-guide", "agreement.agreed", #"{"agreement":"messaging-guide","team":"sales","version":1}"#)
        step("lee@mgmt", ["signal", "configure", "sla", "--budget", "3", "--baseline-weeks", "8"],
             .configureSignals(SignalConfigured(kind: "sla", budgetYears: 3, baselineWeeks: 8)),
             "signal-config/sla", "signal.configured", #"{"baseline_weeks":8,"budget_years":3,"kind":"sla"}"#)
        step("lee@mgmt", ["member", "move", "zoe@sales", "--team", "management"], .moveMember(MemberMoved(handle: "zoe@sales", team: "management")),
             "member/zoe@sales", "member.moved", #"{"handle":"zoe@sales","team":"management"}"#)
        step("lee@mgmt", ["member", "leave", "zoe@sales"], .removeMember(MemberLeft(handle: "zoe@sales")),
             "member/zoe@sales", "member.left", #"{"handle":"zoe@sales"}"#)
        return steps
    }

    /// The events of a log, each as one comparable line; a retraction
    /// names its target by position, since ids differ from log to log.
    static func lines(_ app: App) throws -> [String] {
        var events: [RecordedEvent] = []
        try app.events { events.append($0); return true }
        let positions = Dictionary(uniqueKeysWithValues: events.map { ($0.id.description, $0.position) })
        return events.map { event in
            var data = event.data
            if event.type == "event.retracted", let target = event.payload["target"]?.stringValue {
                data = data.replacingOccurrences(of: target, with: "position \(positions[target] ?? -1)")
            }
            return "\(event.position) \(event.stream)@\(event.version) \(event.type) \(event.actor) \(event.occurredAt.rfc3339) \(data) \(event.meta ?? "")"
        }
    }

    @Test func everyCommandRecordsTheSameEventsThroughTheCLITheFacadeAndRecord() throws {
        let cli = try Workspace()
        try cli.ok("init")
        let folder = cli.folder
        try "Lead with the cost of doing nothing.\n".write(to: folder.appending(path: "guide.md"), atomically: true, encoding: .utf8)
        let (facade, _) = try App.create(at: folder.appending(path: "facade.db").path)
        let (recorded, _) = try App.create(at: folder.appending(path: "record.db").path)
        var steps = Self.steps()
        for step in steps {
            try cli.ok(step.cli)
            try facade.run(step.command, as: step.actor, at: Timestamp(rfc3339: step.at)!)
            try recorded.record(try step.event(recorded).split(separator: "\n").map { try ProposedEvent(envelope: try JSONValue.parse(String($0))) })
        }
        // A retraction: the target is found by id in each log.
        let at = "2026-01-06T09:00:00Z"
        let feedback = { (app: App) throws -> EventID in
            var id: EventID?
            try app.events(EventFilter(type: "lead.feedback")) { id = $0.id; return false }
            return id!
        }
        let cliApp = try App.open(at: cli.db)
        try cli.ok(["retract", feedback(cliApp).description, "--reason", "wrong lead", "--as", "sam@sales", "--at", at])
        try facade.run(.retract(target: try feedback(facade), reason: "wrong lead"), as: "sam@sales", at: Timestamp(rfc3339: at)!)
        let target = try feedback(recorded).description
        try recorded.record([try ProposedEvent(envelope: try JSONValue.parse(
            Self.envelope("lead/L-1", "event.retracted", "sam@sales", at, #"{"reason":"wrong lead","target":"\#(target)"}"#)))])
        steps.removeAll()

        let expected = try Self.lines(cliApp)
        #expect(expected.count == 38)
        #expect(try Self.lines(facade) == expected)
        #expect(try Self.lines(recorded) == expected)
        // The defaults and numbers were decided, not given.
        #expect(expected.contains { $0.contains("lead.sent") && $0.contains(#""criteria_version":1"#) })
        #expect(expected.contains { $0.contains("criteria.agreed") && $0.contains(#""team":"sales""#) })
        #expect(expected.contains { $0.contains("tension/T-1@1 tension.flagged") })
        #expect(expected.contains { $0.contains("meeting/M-1@2 action.completed") })
    }

    @Test func theFacadeRunsFromAsyncCodeOffTheCallersExecutor() async throws {
        let app = try App.inMemory()
        let recorded = try await app.perform { app in
            try app.run(.addMember(MemberJoined(handle: "mia@marketing", name: "Mia", team: "marketing")), as: "mia@marketing")
        }
        #expect(recorded.map(\.event.type) == ["member.joined"])
        await #expect(throws: ParleyError.self) {
            try await app.perform { app in try app.run(.acceptLead(LeadAccepted(lead: "L-9")), as: "mia@marketing") }
        }
    }

    @Test func errorsFromTheFacadeHaveAKindARemedyAndNoFlags() throws {
        let app = try App.inMemory()
        do {
            try app.run(.acceptLead(LeadAccepted(lead: "L-9")), as: "sam@sales")
            Issue.record("a non-member was let in")
        } catch {
            #expect(error.kind == .notAllowed)
            #expect(error.hint == .addMember("sam@sales"))
            #expect(!error.description.contains("--"), "\(error)")
        }
        do {
            try app.run(.giveFeedback(LeadFeedback(lead: "L-9", rating: 9)), as: "sam@sales")
            Issue.record("a rating of 9 was accepted")
        } catch {
            #expect(error.kind == .invalid)
            #expect(error.field == "data.rating")
        }
        do {
            _ = try App.open(at: "/nonexistent/parley.db")
            Issue.record("a missing database was opened")
        } catch {
            #expect(error.kind == .database)
            #expect(error.hint == .createLog)
            #expect(!error.description.contains("--"), "\(error)")
        }
    }
}
