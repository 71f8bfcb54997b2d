import Foundation
import Testing

/// Timeline, diff, hindsight and the retro report, through the built
/// binary on a history whose numbers are known.
@Suite struct RetrospectiveTests {
    /// A JSON line of one event.
    static func event(_ type: String, _ stream: String, _ actor: String, _ at: String, _ data: String) -> String {
        #"{"stream":"\#(stream)","type":"\#(type)","actor":"\#(actor)","occurred_at":"\#(at)","data":{\#(data)}}"#
    }

    /// Members, criteria v1 and an SLA in January; then from 2026-02-02, six
    /// weeks of leads (the n-th lead of week w: accepted when n is even,
    /// else rejected; every fourth converted), a tension flagged and
    /// resolved, a joint meeting with an action item that is never done,
    /// criteria v2 proposed and signed by marketing only, and a member who leaves.
    static func history() -> [String] {
        var lines: [String] = []
        for (handle, team) in [("mia@marketing", "marketing"), ("sam@sales", "sales"), ("zoe@sales", "sales"), ("lee@mgmt", "management")] {
            lines.append(event("member.joined", "member/\(handle)", "mia@marketing", "2026-01-05T08:00:00Z",
                               #""handle":"\#(handle)","name":"\#(handle)","team":"\#(team)""#))
        }
        lines.append(event("criteria.changed", "criteria/mql", "mia@marketing", "2026-01-05T09:00:00Z", #""version":1,"rules":"employees >= 50""#))
        lines.append(event("criteria.agreed", "criteria/mql", "sam@sales", "2026-01-05T10:00:00Z", #""version":1,"team":"sales""#))
        lines.append(event("sla.set", "sla/main", "lee@mgmt", "2026-01-05T10:00:00Z", #""follow_up_hours":24"#))
        var lead = 0
        for week in 0..<6 {
            for n in 0..<(3 + week) {
                lead += 1
                let date = Self.day(week * 7 + n % 5)
                let source = n % 2 == 0 ? "webinar" : "referral"
                let rep = n % 3 == 0 ? "zoe@sales" : "sam@sales"
                lines.append(event("lead.sent", "lead/L-\(lead)", "mia@marketing", "\(date)T09:00:00Z",
                                   #""lead":"L-\#(lead)","source":"\#(source)","assigned_to":"\#(rep)""#))
                // Even leads are accepted within the SLA; odd ones rejected two days late.
                if n % 2 == 0 {
                    lines.append(event("lead.accepted", "lead/L-\(lead)", rep, "\(date)T15:00:00Z", #""lead":"L-\#(lead)""#))
                } else {
                    lines.append(event("lead.rejected", "lead/L-\(lead)", rep, "\(date)T23:00:00Z", #""lead":"L-\#(lead)","reason":"not-a-fit""#))
                }
                if n % 4 == 0 {
                    lines.append(event("lead.converted", "lead/L-\(lead)", rep, "\(date)T23:30:00Z", #""lead":"L-\#(lead)","amount":1000"#))
                }
            }
        }
        lines.append(event("tension.flagged", "tension/T-1", "sam@sales", "2026-02-10T09:00:00Z",
                           #""tension":"T-1","title":"Webinar leads are <students> & worse","severity":"high","category":"lead-quality","teams":["marketing","sales"]"#))
        lines.append(event("meeting.held", "meeting/M-1", "lee@mgmt", "2026-02-12T09:00:00Z",
                           #""meeting":"M-1","title":"Pipeline sync","attendees":["mia@marketing","sam@sales","lee@mgmt"],"decisions":["Webinar form asks for a company"],"action_items":[{"action":"A-1","owner":"mia@marketing","text":"Fix the webinar form","due":"2026-02-20"}]"#))
        lines.append(event("tension.resolved", "tension/T-1", "lee@mgmt", "2026-02-19T09:00:00Z", #""tension":"T-1","resolution":"form fixed""#))
        lines.append(event("criteria.changed", "criteria/mql", "mia@marketing", "2026-02-24T09:00:00Z", #""version":2,"rules":"employees >= 100""#))
        lines.append(event("member.left", "member/zoe@sales", "lee@mgmt", "2026-03-03T09:00:00Z", #""handle":"zoe@sales""#))
        return lines
    }

    /// The date `offset` days after Monday 2026-02-02.
    static func day(_ offset: Int) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        return formatter.string(from: Date(timeIntervalSince1970: 1_769_990_400 + Double(offset) * 86_400))
    }

    static func workspace() throws -> Workspace {
        let workspace = try Workspace()
        try workspace.ok("init")
        let file = try workspace.file("history.jsonl", history().joined(separator: "\n") + "\n")
        try workspace.ok("record", file, "--quiet")
        return workspace
    }

    static func json(_ run: Run) throws -> Any { try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) }

    @Test func timelineListsWhatThePeriodHoldsAndNothingElse() throws {
        let workspace = try Self.workspace()
        let lines = try #require(try Self.json(try workspace.ok("timeline", "--from", "2026-02-09", "--to", "2026-02-23", "--json")) as? [[String: Any]])
        // Independently: the log's events of the period, of the types a timeline tells.
        let told: Set<String> = ["criteria.changed", "criteria.agreed", "sla.set", "tension.flagged", "tension.resolved", "meeting.held", "member.joined", "member.left"]
        // `log --json` writes one event a line.
        let logged = try workspace.ok("log", "--since", "2026-02-09", "--until", "2026-02-23", "--json").stdout
            .split(separator: "\n").map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        let expected = Set(logged.filter { told.contains($0["type"] as! String) }.map { ($0["position"] as! NSNumber).int64Value })
        let listed = Set(lines.compactMap { ($0["position"] as? NSNumber)?.int64Value })
        #expect(listed == expected)
        #expect(expected.count == 3)
        // The action item due 02-20 and never done is missed, with no position.
        #expect(lines.contains { $0["kind"] as? String == "action" && ($0["summary"] as! String).contains("A-1") && $0["position"] is NSNull })
        // Leads: a summary per week and source, counting exactly the leads sent that week.
        let leadRows = lines.filter { $0["kind"] as? String == "leads" }
        #expect(Set(leadRows.map { $0["week"] as! String }) == ["2026-02-09", "2026-02-16"])
        let sent = leadRows.map { Int(($0["summary"] as! String).split(separator: " ").first!)! }.reduce(0, +)
        let quality = try #require(try Self.json(try workspace.ok("quality", "--since", "2026-02-09", "--until", "2026-02-23", "--json")) as? [[String: Any]])
        #expect(sent == quality.map { ($0["sent"] as! NSNumber).intValue }.reduce(0, +))
        #expect(sent == 4 + 5)
        // --team and --kind filter; every line's week is the Monday of its date.
        let sales = try #require(try Self.json(try workspace.ok("timeline", "--from", "2026-02-09", "--to", "2026-02-23", "--kind", "tension", "--json")) as? [[String: Any]])
        #expect(sales.count == 2 && sales.allSatisfy { $0["kind"] as? String == "tension" })
        let text = try workspace.ok("timeline", "--from", "2026-02-09", "--to", "2026-02-23").stdout
        #expect(text.contains("Week of 2026-02-09") && text.contains("flagged a high lead-quality tension: T-1"))
        #expect(try workspace.run("timeline", "--kind", "gossip").status == 64)
    }

    @Test func diffIsTheDifferenceOfTwoAsOfViews() throws {
        let workspace = try Self.workspace()
        let diff = try #require(try Self.json(try workspace.ok("diff", "2026-02-11", "2026-03-10", "--json")) as? [String: Any])
        for (end, time) in [("from", "2026-02-11"), ("to", "2026-03-10")] {
            let view = try #require(try Self.json(try workspace.ok("quality", "--as-of", time, "--json")) as? [[String: Any]])
            for line in view {
                let change = try #require((diff["quality"] as! [[String: Any]]).first { $0["key"] as? String == line["key"] as? String })
                let side = try #require(change[end] as? [String: Any])
                #expect(side["sent"] as? NSNumber == line["sent"] as? NSNumber)
                #expect(side["accepted"] as? NSNumber == line["accepted"] as? NSNumber)
                #expect(side["acceptance_rate"] as? NSNumber == line["acceptance_rate"] as? NSNumber)
                #expect(side["conversion_rate"] as? NSNumber == line["conversion_rate"] as? NSNumber)
            }
            let issues = try workspace.ok("issues", "--as-of", time, "--json").stdout
            let open = (diff["issues_open"] as! [String: Any])[end] as! [[String: Any]]
            let independent = try #require(try JSONSerialization.jsonObject(with: Data(issues.utf8)) as? [[String: Any]])
            #expect(open.map { $0["ref"] as! String }.sorted() == independent.map { $0["ref"] as! String }.sorted())
        }
        // Between the two: T-1 was flagged before 02-11 and resolved after; v2 and meeting M-1 are new; zoe left.
        #expect((diff["tensions_opened"] as! [Any]).isEmpty)
        #expect((diff["tensions_resolved"] as! [[String: Any]]).map { $0["tension"] as! String } == ["T-1"])
        #expect((diff["criteria_added"] as! [[String: Any]]).map { ($0["version"] as! NSNumber).intValue } == [2])
        #expect((diff["meetings_held"] as! [[String: Any]]).map { $0["meeting"] as! String } == ["M-1"])
        #expect((diff["members_left"] as! [[String: Any]]).map { $0["handle"] as! String } == ["zoe@sales"])
        #expect(try workspace.run("diff", "2026-03-10", "2026-02-11").status == 64)
    }

    @Test func hindsightListsExactlyTheEventsRecordedAfterTheMomentThatHappenedBeforeIt() throws {
        let workspace = try Self.workspace()
        // Everything so far was recorded before `moment` (a whole second, as people write times); then two
        // late ratings of February's leads, and a tension that happened after the moment.
        Thread.sleep(forTimeInterval: 1.1)
        let moment = ISO8601DateFormatter().string(from: Date())
        Thread.sleep(forTimeInterval: 1.1)
        try workspace.ok("lead", "feedback", "L-1", "--rating", "2", "--as", "sam@sales", "--at", "2026-02-03T10:00:00Z")
        try workspace.ok("lead", "feedback", "L-3", "--rating", "5", "--as", "sam@sales", "--at", "2026-02-04T10:00:00Z")
        try workspace.ok("tension", "flag", "--title", "later", "--severity", "low", "--category", "other", "--as", "sam@sales")
        let report = try #require(try Self.json(try workspace.ok("diff", "--hindsight", moment, "--json")) as? [String: Any])
        let late = report["late_events"] as! [[String: Any]]
        #expect(late.map { $0["type"] as! String } == ["lead.feedback", "lead.feedback"])
        #expect(late.map { $0["stream"] as! String } == ["lead/L-1", "lead/L-3"])
        #expect(late.allSatisfy { $0["recorded_by"] as? String == "sam@sales" })
        #expect(late.allSatisfy { ($0["hours_late"] as! NSNumber).doubleValue > 24 * 200 })
        // Both were webinar leads: only webinar's ratings changed in hindsight.
        let changed = report["quality_changed"] as! [[String: Any]]
        #expect(changed.map { $0["key"] as! String } == ["webinar"])
        let text = try workspace.ok("diff", "--hindsight", moment).stdout
        #expect(text.contains("rated lead L-1 2/5"))
    }

    @Test func retroFiguresAreTheViewsFigures() throws {
        let workspace = try Self.workspace()
        let report = try #require(try Self.json(try workspace.ok("retro", "--from", "2026-02-02", "--to", "2026-03-16", "--json")) as? [String: Any])
        let current = report["current"] as! [String: Any]
        let quality = try #require(try Self.json(try workspace.ok("quality", "--since", "2026-02-02", "--until", "2026-03-16", "--json")) as? [[String: Any]])
        func sum(_ key: String) -> Int { quality.map { ($0[key] as! NSNumber).intValue }.reduce(0, +) }
        #expect((current["leads_sent"] as! NSNumber).intValue == sum("sent"))
        #expect(sum("sent") == 3 + 4 + 5 + 6 + 7 + 8)
        #expect((current["acceptance_rate"] as! NSNumber).doubleValue == Double(sum("accepted")) / Double(sum("accepted") + sum("rejected")))
        #expect((current["conversion_rate"] as! NSNumber).doubleValue == Double(sum("converted")) / Double(sum("sent")))
        // Every lead was sent in the period, so its SLA figures are the sla view's.
        let sla = try #require(try Self.json(try workspace.ok("sla", "--json")) as? [String: Any])
        let reps = sla["by_rep"] as! [[String: Any]]
        func total(_ key: String) -> Int { reps.map { ($0[key] as! NSNumber).intValue }.reduce(0, +) }
        let due = total("verdicts_in_time") + total("verdicts_late") + total("verdicts_missing")
        #expect((current["sla_compliance"] as! NSNumber).doubleValue == Double(total("verdicts_in_time")) / Double(due))
        #expect((current["tensions_opened"] as! NSNumber).intValue == 1)
        #expect((current["tensions_resolved"] as! NSNumber).intValue == 1)
        #expect((current["joint_meetings"] as! NSNumber).intValue == 1)
        #expect(((report["previous"] as! [String: Any])["leads_sent"] as! NSNumber).intValue == 0)
        // The weekly series add up to the period's leads.
        let weekly = report["weekly"] as! [[String: Any]]
        #expect(weekly.flatMap { $0["sent"] as! [NSNumber] }.map(\.intValue).reduce(0, +) == sum("sent"))
        #expect((report["weeks"] as! [String]).count == 6)
        // The unsigned v2 and the missed action are questions for the meeting.
        let open = (report["open"] as! [[String: Any]]).map { $0["kind"] as! String }
        #expect(open.contains("unagreed-criteria") && open.contains("overdue-action"))
    }

    @Test func retroWritesAPageABrowserShowsWithoutErrors() throws {
        let workspace = try Self.workspace()
        let page = workspace.folder.appending(path: "retro.html").path
        try workspace.ok("retro", "--from", "2026-02-02", "--to", "2026-03-16", "--out", page)
        let html = try String(contentsOfFile: page, encoding: .utf8)
        #expect(!html.contains("<script"))
        #expect(!html.contains("http://") || html.components(separatedBy: "http://").dropFirst().allSatisfy { $0.hasPrefix("www.w3.org/2000/svg") })
        // Text from the log is escaped.
        #expect(html.contains("Webinar leads are &lt;students&gt; &amp; worse") && !html.contains("<students>"))
        let markdown = workspace.folder.appending(path: "retro.md").path
        try workspace.ok("retro", "--from", "2026-02-02", "--to", "2026-03-16", "--out", markdown)
        #expect(try String(contentsOfFile: markdown, encoding: .utf8).contains("| Leads sent | 33 | 0 | +33 ▲ |"))
        #expect(try workspace.run("retro", "--from", "2026-02-02", "--to", "2026-03-16", "--out", "retro.pdf").status == 64)

        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appending(path: "scripts/browser-check").path
        let shot = workspace.folder.appending(path: "retro.png").path
        check.arguments = ["python3", script, page, shot]
        let out = Pipe()
        check.standardOutput = out
        try check.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        check.waitUntilExit()
        #expect(check.terminationStatus == 0, "scripts/browser-check failed: is chromium installed? (scripts/setup installs it)")
        let seen = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect((seen["console"] as! [Any]).isEmpty, "console: \(seen["console"]!)")
        #expect(seen["svg"] as? Int == 6)
        #expect(seen["scripts"] as? Int == 0)
        let screenshot = seen["screenshot"] as! [String: Any]
        #expect((screenshot["colours"] as! Int) > 20)
        #expect((screenshot["inked"] as! NSNumber).doubleValue > 0.02)
    }

    /// Fourteen reps are too many to chart: the page charts the twelve least
    /// in time, says so, and the Markdown lists every one.
    @Test func aRetroWithMoreRepsThanAChartReadsChartsTheLowest() throws {
        var lines = [Self.event("member.joined", "member/mia@marketing", "mia@marketing", "2026-01-05T08:00:00Z",
                                #""handle":"mia@marketing","name":"Mia","team":"marketing""#),
                     Self.event("sla.set", "sla/main", "mia@marketing", "2026-01-05T10:00:00Z", #""follow_up_hours":24"#)]
        let reps = (1...14).map { String(format: "rep%02d@sales", $0) }
        var lead = 0
        for (index, rep) in reps.enumerated() {
            lines.append(Self.event("member.joined", "member/\(rep)", "mia@marketing", "2026-01-05T08:00:00Z",
                                    #""handle":"\#(rep)","name":"\#(rep)","team":"sales""#))
            // Every rep answers one lead in time; the even-numbered ones answer their second two days late.
            for late in [false, index % 2 == 1] {
                lead += 1
                let date = Self.day(index % 5)
                lines.append(Self.event("lead.sent", "lead/L-\(lead)", "mia@marketing", "\(date)T09:00:00Z",
                                        #""lead":"L-\#(lead)","source":"webinar","assigned_to":"\#(rep)""#))
                lines.append(Self.event("lead.accepted", "lead/L-\(lead)", rep, late ? "\(Self.day(index % 5 + 2))T15:00:00Z" : "\(date)T15:00:00Z",
                                        #""lead":"L-\#(lead)""#))
            }
        }
        let workspace = try Workspace()
        try workspace.ok("init")
        try workspace.ok("record", try workspace.file("reps.jsonl", lines.joined(separator: "\n") + "\n"), "--quiet")
        let page = workspace.folder.appending(path: "retro.html").path
        try workspace.ok("retro", "--from", "2026-02-02", "--to", "2026-02-16", "--out", page)
        let html = try String(contentsOfFile: page, encoding: .utf8)
        let title = "SLA compliance by rep: the 12 lowest of 14 reps (verdicts in time)"
        let start = try #require(html.range(of: "aria-label=\"\(title)\""), "no chart titled \(title)")
        let chart = String(html[start.upperBound...]).components(separatedBy: "</svg>")[0]
        let labels = chart.components(separatedBy: "class=\"category\"").count - 1
        #expect(labels == 12)
        // The seven reps at 50% come first, then five of those at 100%, in name order.
        let lowest = reps.enumerated().filter { $0.offset % 2 == 1 }.map(\.element) + reps.enumerated().filter { $0.offset % 2 == 0 }.prefix(5).map(\.element)
        var at = chart.startIndex
        for rep in lowest {
            let found = try #require(chart.range(of: ">\(rep)<", range: at..<chart.endIndex), "\(rep) is not charted in its place")
            at = found.upperBound
        }
        let markdown = try workspace.run("retro", "--from", "2026-02-02", "--to", "2026-02-16")
        #expect(reps.allSatisfy { markdown.stdout.contains("| \($0) |") })
    }
}
