import Foundation
import ParleyApp
import ParleyCharts
import ParleyCore

/// The pages' models, read through the facade. Blocking: called inside `App.perform`.
enum Pages {
    // MARK: Today

    static func today(_ app: App, _ page: PageContext) throws -> RenderedPage {
        let window = page.window
        let now = window.now
        let thisMonth = now.yearMonth
        let lastMonth = Self.month(before: thisMonth)
        let months = try app.quality(QualityQuery(by: .month, window: window))
        let current = months.first { $0.key == thisMonth }.map(json)
        let previous = months.first { $0.key == lastMonth }.map(json)
        func figure(_ label: String, _ key: String, _ show: (Double?) -> String, higherIsBetter: Bool?) -> [String: Any] {
            let a = current?[key]?.number, b = previous?[key]?.number
            var trend = ""
            if let a, let b, let higherIsBetter, a != b { trend = (a > b) == higherIsBetter ? "better" : "worse" }
            return ["label": label, "this_month": show(a), "compare": "\(show(b)) in \(Self.monthName(lastMonth))", "trend": trend]
        }
        let figures = [
            figure("Leads sent", "sent", { $0.map { String(Int($0)) } ?? "0" }, higherIsBetter: nil),
            figure("Accepted by sales", "acceptance_rate", Shown.percent, higherIsBetter: true),
            figure("Converted", "conversion_rate", Shown.percent, higherIsBetter: true),
            figure("Median hours to a verdict", "median_hours_to_verdict", { Shown.decimal($0) }, higherIsBetter: false),
        ]
        let sla = json(try app.sla(window))
        var inTime = 0.0, judged = 0.0
        for rep in sla["by_rep"]?.items ?? [] {
            let on = rep["verdicts_in_time"]?.number ?? 0
            inTime += on
            judged += on + (rep["verdicts_late"]?.number ?? 0) + (rep["verdicts_missing"]?.number ?? 0)
        }
        var cards = figures
        cards.append(["label": "Verdicts within the SLA", "this_month": judged > 0 ? Shown.percent(inTime / judged) : "–",
                      "compare": "since the SLA was set", "trend": ""])

        let signals = try app.signals(window).map(json).map { signal -> [String: Any] in
            [
                "id": signal["id"]?.stringValue ?? "", "severity": signal["severity"]?.stringValue ?? "low",
                "summary": signal["summary"]?.stringValue ?? "", "fact": signal["evidence"]?["fact"]?.stringValue ?? "",
                "rule": signal["evidence"]?["rule"]?.stringValue ?? "", "clears": signal["clears"]?.stringValue ?? "",
                "since": Shown.day(signal["since"]?.stringValue.flatMap(Timestamp.init(rfc3339:))),
                "answer": signal["answer"].flatMap { $0 == .null ? nil : Self.answerText($0) } ?? "",
            ]
        }
        let issues = try app.issues(IssuesQuery(window: window)).map(json)
        let unsigned = issues.filter { $0["kind"]?.stringValue == "unagreed-criteria" }.map { ["reason": $0["reason"]?.stringValue ?? ""] }
        let listed = issues.filter { !["signal", "unagreed-criteria"].contains($0["kind"]?.stringValue ?? "") }.map { issue -> [String: Any] in
            let ref = issue["ref"]?.stringValue ?? ""
            var row: [String: Any] = ["kind": issue["kind"]?.stringValue ?? "", "ref": ref, "reason": issue["reason"]?.stringValue ?? "",
                                      "severity": issue["severity"]?.stringValue ?? "low",
                                      "since": Shown.day(issue["since"]?.stringValue.flatMap(Timestamp.init(rfc3339:)))]
            if ref.hasPrefix("T-") { row["link"] = "/tensions/\(ref)\(page.asOfSuffix)" }
            if ref.hasPrefix("L-") { row["link"] = "/leads/\(ref)\(page.asOfSuffix)" }
            return row
        }
        // Counted from the views and the log's indexes, not from every
        // tension's history: Today must stay fast on a long log.
        let openTensions = issues.filter { $0["kind"]?.stringValue == "tension" }.count
        var resolvedThisMonth = 0
        let monthStart = Timestamp(timeOrDate: thisMonth + "-01")
        try app.events(EventFilter(stream: "tension/*", type: TensionResolved.type, since: monthStart,
                                   until: Timestamp(microseconds: now.microseconds + 1), knownAt: window.knownAt)) { _ in
            resolvedThisMonth += 1
            return true
        }
        let meetings = json(try app.meetings(window))
        let days = meetings["days_since_last_joint_meeting"]?.integerValue
        let model: [String: Any] = [
            "figures": cards,
            "month_caption": "This month: \(Self.monthName(thisMonth)) up to \(Shown.day(now)), against all of \(Self.monthName(lastMonth)). Rates count the leads sent in each month.",
            "signals": signals, "signal_count": signals.count,
            "issues": listed, "has_issues": !listed.isEmpty, "issue_count": listed.count, "unsigned": unsigned,
            "tensions_open": openTensions,
            "tensions_resolved": resolvedThisMonth,
            "days_since_meeting": days.map(String.init) ?? "–",
            "meeting_overdue": (days ?? 0) > 14,
            "meeting_note": days == nil ? "no joint meeting yet" : (days! > 14 ? "more than two weeks" : "within two weeks"),
        ]
        return Page.render("today", title: "Today", nav: "today", model, page)
    }

    static func answerText(_ answer: JSONValue) -> String {
        let who = answer["by"]?.stringValue ?? "someone"
        return answer["state"]?.stringValue == "dismissed" ? "Dismissed by \(who)" : "Acknowledged by \(who)"
    }

    /// `2025-04` → `April 2025`.
    static func monthName(_ month: String) -> String {
        let names = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
        let parts = month.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 2, (1...12).contains(parts[1]) else { return month }
        return "\(names[parts[1] - 1]) \(parts[0])"
    }

    /// `2025-05` → `2025-04`.
    static func month(before month: String) -> String {
        let parts = month.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 2 else { return month }
        let (year, number) = parts[1] == 1 ? (parts[0] - 1, 12) : (parts[0], parts[1] - 1)
        return String(format: "%04d-%02d", year, number)
    }

    // MARK: Tensions

    static func tensions(_ app: App, _ page: PageContext) throws -> RenderedPage {
        let rows = try app.tensions(page.window).map { tension -> [String: Any] in
            ["id": tension.id, "title": tension.title, "severity": tension.severity, "category": tension.category,
             "flagged_by": tension.flaggedBy, "flagged_on": Shown.day(tension.flaggedAt), "state": tension.state,
             "last_on": Shown.day(tension.lastActivity)]
        }
        return Page.render("tensions", title: "Tensions", nav: "tensions", [
            "tensions": rows, "has_tensions": !rows.isEmpty, "severities": EventCatalogue.severities, "categories": EventCatalogue.tensionCategories,
        ], page)
    }

    static func tension(_ app: App, _ id: String, _ page: PageContext) throws -> RenderedPage {
        guard let tension = try app.tensions(page.window).first(where: { $0.id == id }) else {
            throw ParleyError(.notFound, code: "not-found", "there is no tension \(id)")
        }
        let story = try app.story(of: "tension/\(id)", page.window)
        return Page.render("tension", title: "\(id) \(tension.title)", nav: "tensions", [
            "id": id, "tension_title": tension.title, "severity": tension.severity, "state": tension.state, "category": tension.category,
            "flagged_by": tension.flaggedBy, "flagged_on": Shown.day(tension.flaggedAt), "resolution": tension.resolution ?? "",
            "resolved": tension.state == "resolved", "events": storyLines(story),
        ], page)
    }

    static func storyLines(_ story: StreamStory) -> [[String: Any]] {
        story.lines.map { ["when": Shown.minute($0.event.occurredAt), "summary": $0.summary, "position": Int($0.event.position),
                           "retracted": $0.retracted] }
    }

    // MARK: Lead quality, a lead

    static func quality(_ app: App, by: LeadQualityProjection.Dimension, _ page: PageContext) throws -> RenderedPage {
        let lines = try app.quality(QualityQuery(by: by, window: page.window)).map(json)
        let rows = lines.map { line -> [String: Any] in
            let reasons = line["rejected_by_reason"]?.members.sorted { ($0.value.number ?? 0) > ($1.value.number ?? 0) }
                .prefix(3).map { "\($0.key) \(Int($0.value.number ?? 0))" }.joined(separator: ", ") ?? ""
            return ["key": line["key"]?.stringValue ?? "", "sent": Int(line["sent"]?.number ?? 0), "accepted": Int(line["accepted"]?.number ?? 0),
                    "rejected": Int(line["rejected"]?.number ?? 0), "acceptance": Shown.percent(line["acceptance_rate"]?.number),
                    "rating": Shown.decimal(line["avg_rating"]?.number), "converted": Int(line["converted"]?.number ?? 0),
                    "conversion": Shown.percent(line["conversion_rate"]?.number),
                    "revenue": line["revenue"]?.number.map { String(format: "%.0f", $0) } ?? "0",
                    "hours": Shown.decimal(line["median_hours_to_verdict"]?.number), "reasons": reasons]
        }
        // The trend: the last 13 weeks, by the week the leads were sent. A
        // replay of the past reads the log once per query, so there the
        // trend is by month (one query).
        let weeks = page.window.isEverything ? try weeklyTrend(app, page) : try monthlyTrend(app, page)
        let chart = LineChart(title: page.window.isEverything ? "Acceptance and conversion by the week the leads were sent (the last 13 weeks)"
                                  : "Acceptance and conversion by the month the leads were sent",
                              categories: weeks.map(\.label),
                              series: [ChartSeries("accepted by sales (of judged)", weeks.map(\.acceptance)),
                                       ChartSeries("converted (of sent)", weeks.map(\.conversion))],
                              format: .percent)
        var keep = page
        keep.keep["by"] = by.rawValue
        return Page.render("quality", title: "Lead quality", nav: "quality", [
            "by": by.rawValue, "lines": rows, "chart_svg": weeks.allSatisfy { $0.acceptance == nil && $0.conversion == nil } ? "" : chart.svg(),
            "dimensions": LeadQualityProjection.Dimension.allCases.map { ["name": $0.rawValue, "selected": $0 == by] },
        ], keep)
    }

    struct Week {
        var label: String
        var acceptance: Double?
        var conversion: Double?
    }

    /// Thirteen weeks ending with the one the page shows, each from the
    /// quality view's day groups (leads sent that week, what they became).
    static func weeklyTrend(_ app: App, _ page: PageContext) throws -> [Week] {
        let day: Int64 = 86_400_000_000
        let today = page.window.now.microseconds / day * day
        // Weeks start on Monday: 1970-01-01 was a Thursday.
        let monday = today - ((today / day + 3) % 7) * day
        return try (0..<13).reversed().map { back in
            let start = Timestamp(microseconds: monday - Int64(back) * 7 * day)
            let end = Timestamp(microseconds: start.microseconds + 7 * day)
            let lines = try app.quality(QualityQuery(by: .source, since: start, until: end, window: page.window)).map(json)
            let sum = { (key: String) in lines.reduce(0.0) { $0 + ($1[key]?.number ?? 0) } }
            let sent = sum("sent"), accepted = sum("accepted"), judged = accepted + sum("rejected")
            return Week(label: String(start.rfc3339.dropFirst(5).prefix(5)), acceptance: judged > 0 ? accepted / judged : nil,
                        conversion: sent > 0 ? sum("converted") / sent : nil)
        }
    }

    /// Up to 18 months ending with the one the page shows, from one query.
    static func monthlyTrend(_ app: App, _ page: PageContext) throws -> [Week] {
        try app.quality(QualityQuery(by: .month, window: page.window)).map(json)
            .sorted { ($0["key"]?.stringValue ?? "") < ($1["key"]?.stringValue ?? "") }.suffix(18)
            .map { Week(label: $0["key"]?.stringValue ?? "", acceptance: $0["acceptance_rate"]?.number, conversion: $0["conversion_rate"]?.number) }
    }

    static func lead(_ app: App, _ id: String, _ page: PageContext) throws -> RenderedPage {
        let story = try app.story(of: "lead/\(id)", page.window)
        let types = story.lines.filter { !$0.retracted }.map(\.event.type)
        let verdict = types.last { $0 == "lead.accepted" || $0 == "lead.rejected" }
        let outcome = types.last { $0 == "lead.converted" || $0 == "lead.lost" }
        var status = verdict == nil ? "Waiting for a verdict from sales." : verdict == "lead.accepted" ? "Accepted by sales." : "Rejected by sales."
        if let outcome { status += outcome == "lead.converted" ? " Converted." : " Lost." }
        return Page.render("lead", title: "Lead \(id)", nav: "quality", [
            "lead": id, "status": status, "events": storyLines(story), "has_verdict": verdict != nil,
            "reasons": EventCatalogue.rejectReasons,
        ], page)
    }

    // MARK: Criteria, SLA, meetings

    /// What the what-if form asks: rules written there, or a version's.
    struct WhatIfAsk: Sendable {
        var rules: String?
        var version: Int64?
        var since: Timestamp?
        var until: Timestamp?
        var asked: Bool { (rules.map { !$0.isEmpty } ?? false) || version != nil }
    }

    /// The what-if's answer as the criteria page shows it, or its error.
    static func whatIf(_ app: App, _ ask: WhatIfAsk, _ page: PageContext) -> [String: Any] {
        var model: [String: Any] = ["rules": ask.rules ?? "", "since": ask.since.map(Shown.day) ?? "", "until": ask.until.map(Shown.day) ?? ""]
        guard ask.asked else { return model }
        do {
            let report = json(try app.whatIf(rules: ask.rules.flatMap { $0.isEmpty ? nil : $0 }, version: ask.version,
                                             since: ask.since, until: ask.until, window: page.window))
            func outcome(_ value: JSONValue?, _ label: String) -> [String: Any] {
                let sent = value?["sent"]?.number ?? 0, accepted = value?["accepted"]?.number ?? 0
                let rejected = value?["rejected"]?.number ?? 0, converted = value?["converted"]?.number ?? 0
                return ["label": label, "sent": Int(sent), "acceptance": accepted + rejected > 0 ? Shown.percent(accepted / (accepted + rejected)) : "–",
                        "conversion": sent > 0 ? Shown.percent(converted / sent) : "–",
                        "revenue": String(format: "%.0f", value?["revenue"]?.number ?? 0)]
            }
            model["result"] = [
                "checked_rules": report["rules"]?.stringValue ?? "", "leads": Int(report["leads"]?.number ?? 0),
                "evaluable": Int(report["evaluable"]?.number ?? 0),
                "outcomes": [outcome(report["qualified"], "would have qualified"), outcome(report["not_qualified"], "would not have")],
                "sources": (report["by"]?.items ?? []).map { group -> [String: Any] in
                    let yes = outcome(group["qualified"], ""), no = outcome(group["not_qualified"], "")
                    return ["key": group["key"]?.stringValue ?? "", "yes_sent": yes["sent"]!, "yes_acceptance": yes["acceptance"]!,
                            "no_sent": no["sent"]!, "no_acceptance": no["acceptance"]!]
                },
            ]
        } catch {
            model["what_if_error"] = Problem(mapping: error).detail
        }
        return model
    }

    static func criteria(_ app: App, _ page: PageContext, whatIf ask: WhatIfAsk = WhatIfAsk()) throws -> RenderedPage {
        let myTeam = try app.members(page.window).first { $0.member.handle == page.member }?.member.team
        let versions = try app.criteriaHistory(page.window).map(json).reversed().map { version -> [String: Any] in
            let agreed = version["agreed_by"]?.items ?? []
            let teams = Set(agreed.compactMap { $0["team"]?.stringValue })
            return [
                "version": Int(version["version"]?.number ?? 0), "changed_by": version["changed_by"]?.stringValue ?? "",
                "changed_on": Shown.day(version["occurred_at"]?.stringValue.flatMap(Timestamp.init(rfc3339:))),
                "rules": version["rules"]?.stringValue ?? "", "diff": diffParts(version["diff"]?.stringValue ?? ""),
                "has_diff": !(version["diff"]?.stringValue ?? "").isEmpty,
                "rationale": version["rationale"]?.stringValue ?? "",
                "agreed_by": agreed.map { ["team": $0["team"]?.stringValue ?? "", "by": $0["by"]?.stringValue ?? "",
                                           "on": Shown.day($0["at"]?.stringValue.flatMap(Timestamp.init(rfc3339:)))] },
                "leads_sent": Int(version["leads_sent"]?.number ?? 0),
                "acceptance": Shown.percent(version["acceptance_rate"]?.number), "conversion": Shown.percent(version["conversion_rate"]?.number),
                "can_sign": page.live && myTeam != nil && !teams.contains(myTeam!), "my_team": myTeam ?? "",
            ]
        }
        return Page.render("criteria", title: "Criteria", nav: "criteria", ["versions": versions, "what_if": whatIf(app, ask, page)], page)
    }

    /// A word diff (`[-removed-]`, `{+added+}`) as parts the template marks up.
    static func diffParts(_ diff: String) -> [[String: Any]] {
        var parts: [[String: Any]] = []
        var rest = Substring(diff)
        while !rest.isEmpty {
            let added = rest.range(of: "{+"), removed = rest.range(of: "[-")
            let next = [added, removed].compactMap { $0 }.min { $0.lowerBound < $1.lowerBound }
            guard let next else { parts.append(["text": String(rest)]); break }
            if next.lowerBound > rest.startIndex { parts.append(["text": String(rest[..<next.lowerBound])]) }
            let isAdded = next == added
            let close = rest[next.upperBound...].range(of: isAdded ? "+}" : "-]")
            let end = close?.lowerBound ?? rest.endIndex
            parts.append([isAdded ? "added" : "removed": String(rest[next.upperBound..<end])])
            rest = close.map { rest[$0.upperBound...] } ?? ""
        }
        return parts
    }

    static func sla(_ app: App, _ page: PageContext) throws -> RenderedPage {
        let report = json(try app.sla(page.window))
        func rows(_ key: String) -> [[String: Any]] {
            (report[key]?.items ?? []).map { line in
                var row = Shown.model(line) as? [String: Any] ?? [:]
                row["in_time"] = Shown.percent(line["in_time_rate"]?.number)
                return row
            }
        }
        let reps = report["by_rep"]?.items ?? []
        let chart = BarChart(title: "Verdicts in time, late and missing, per rep", categories: reps.map { $0["key"]?.stringValue ?? "" },
                             series: [ChartSeries("in time", reps.map { $0["verdicts_in_time"]?.number }),
                                      ChartSeries("late", reps.map { $0["verdicts_late"]?.number }),
                                      ChartSeries("missing", reps.map { $0["verdicts_missing"]?.number })])
        var model: [String: Any] = [
            "tables": [["name": "rep", "rows": rows("by_rep")], ["name": "source", "rows": rows("by_source")]],
            "chart_svg": reps.isEmpty ? "" : chart.svg(),
        ]
        if let terms = report["in_force"], terms != .null { model["in_force"] = Shown.model(terms) }
        return Page.render("sla", title: "SLA", nav: "sla", model, page)
    }

    static func meetings(_ app: App, _ page: PageContext) throws -> RenderedPage {
        let report = json(try app.meetings(page.window))
        let actions = try app.actions(ActionsQuery(openOnly: true, window: page.window)).map(json).map { action -> [String: Any] in
            ["action": action["action"]?.stringValue ?? "", "text": action["text"]?.stringValue ?? "", "owner": action["owner"]?.stringValue ?? "",
             "due": Shown.day(action["due"]?.stringValue.flatMap(Timestamp.init(rfc3339:))), "meeting": action["meeting"]?.stringValue ?? "",
             "overdue": action["state"]?.stringValue == "overdue"]
        }
        let meetings = (report["meetings"]?.items ?? []).reversed().map { meeting -> [String: Any] in
            let attendees = (meeting["attendees_by_team"]?.members ?? []).map { "\($0.key): " + ($0.value.items.compactMap(\.stringValue).joined(separator: ", ")) }
            return ["meeting": meeting["meeting"]?.stringValue ?? "", "title": meeting["title"]?.stringValue ?? "",
                    "on": Shown.day(meeting["at"]?.stringValue.flatMap(Timestamp.init(rfc3339:))), "joint": meeting["joint"] == .bool(true),
                    "attendees": attendees.joined(separator: " · "), "decisions": (meeting["decisions"]?.items ?? []).compactMap(\.stringValue),
                    "has_decisions": !(meeting["decisions"]?.items ?? []).isEmpty]
        }
        let days = report["days_since_last_joint_meeting"]?.integerValue
        return Page.render("meetings", title: "Meetings", nav: "meetings", [
            "actions": actions, "has_actions": !actions.isEmpty, "meetings": meetings,
            "days_note": days.map { "The last joint meeting was \($0) days ago." } ?? "No joint meeting has been held yet.",
        ], page)
    }

    // MARK: The log

    static func log(_ app: App, filter: EventFilter, verify: VerifyResult?, _ page: PageContext) throws -> RenderedPage {
        // The newest 100 that match. Unfiltered, they are the last 100
        // positions; filtered, the log is read through (a filter's cost).
        var events: [RecordedEvent] = []
        var unlimited = filter
        unlimited.limit = nil
        if filter.type == nil && filter.stream == nil && filter.actor == nil {
            unlimited.after = max(0, try app.head().lastPosition - 100)
        }
        try app.events(unlimited) { event in
            events.append(event)
            if events.count > 200 { events.removeFirst(100) }
            return true
        }
        events = events.suffix(100).reversed()
        var model: [String: Any] = [
            "events": events.map { event -> [String: Any] in
                ["position": Int(event.position), "when": Shown.minute(event.occurredAt), "actor": event.actor, "stream": event.stream,
                 "summary": EventSummary.line(event, data: Payload(event.payload))]
            },
            "count": events.count, "filtered": filter.type != nil || filter.stream != nil || filter.actor != nil,
            "type": filter.type ?? "", "stream": filter.stream ?? "", "actor": filter.actor ?? "",
        ]
        if let last = try app.lastVerification() {
            model["last_verified"] = "Last found sound up to #\(last.position)" + (last.at.map { ", \(Shown.minute($0)) UTC" } ?? "")
                + " (\(last.events) events checked)."
        }
        if let verify {
            let report = verify.report
            model["verify"] = ["ok": report.isSound,
                               "verify_text": report.isSound ? "Sound: \(report.eventsChecked) events checked, the chain holds."
                                   : "The log failed verification: " + (verify.failure?.message ?? "")]
        }
        return Page.render("log", title: "Log", nav: "log", model, page)
    }

    static func event(_ app: App, position: Int64, _ page: PageContext) throws -> RenderedPage {
        let event = try app.event(at: position)
        return Page.render("event", title: "Event #\(position)", nav: "log", [
            "position": Int(position), "summary": EventSummary.line(event, data: Payload(event.payload)), "type": event.type,
            "stream": event.stream, "version": Int(event.version), "actor": event.actor, "occurred_at": event.occurredAt.rfc3339,
            "recorded_at": event.recordedAt.rfc3339, "id": event.id.description, "hash": event.hashHex, "data": event.payload.prettyText(indent: ""),
        ], page)
    }

    static func json(_ value: some Encodable) -> JSONValue {
        (try? CanonicalJSON.value(value)) ?? .null
    }
}

extension JSONValue {
    var number: Double? {
        switch self {
        case let .integer(value): Double(value)
        case let .double(value): value
        default: nil
        }
    }

    var items: [JSONValue] { if case let .array(items) = self { items } else { [] } }

    var members: [(key: String, value: JSONValue)] { if case let .object(members) = self { members } else { [] } }
}
