import Foundation
import ParleyApp
import ParleyCharts
import ParleyCore

/// The tensions pages, lead quality with its trend, and a lead.
extension Pages {
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
        let found = try app.tensionStory(id, page.window)
        let (tension, story) = (found.tension, found.story)
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
            let key = line["key"]?.stringValue ?? ""
            let link = "/quality/leads?by=\(by.rawValue)&key=\(key.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? key)"
                + (page.asOf.map { "&as_of=\($0)" } ?? "")
            let reasons = line["rejected_by_reason"]?.members.sorted { ($0.value.number ?? 0) > ($1.value.number ?? 0) }
                .prefix(3).map { "\($0.key) \(Shown.count($0.value.number ?? 0))" }.joined(separator: ", ") ?? ""
            func count(_ name: String) -> String { Shown.count(line[name]?.number ?? 0) }
            return ["key": key, "link": link, "sent": count("sent"), "accepted": count("accepted"),
                    "rejected": count("rejected"), "acceptance": Figures.percent(line["acceptance_rate"]?.number),
                    "rating": Figures.decimal(line["avg_rating"]?.number), "converted": count("converted"),
                    "conversion": Figures.percent(line["conversion_rate"]?.number), "revenue": count("revenue"),
                    "hours": Figures.decimal(line["median_hours_to_verdict"]?.number), "reasons": reasons]
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

    /// The leads behind a line of the quality table, each opening its page.
    static func leadGroup(_ app: App, by: LeadQualityProjection.Dimension, key: String, _ page: PageContext) throws -> RenderedPage {
        let group = try app.leads(by: by, key: key, page.window)
        let leads = group.leads.map(\.lead).map { lead -> [String: Any] in
            let verdict = lead.verdict.map { $0 == LeadAccepted.type ? "accepted" : "rejected" + (lead.rejectReason.map { " (\($0))" } ?? "") }
            let outcome = lead.converted ? "converted" + (lead.amount > 0 ? ", " + Shown.count(lead.amount) : "") : lead.lost ? "lost" : ""
            return ["lead": lead.lead, "sent": Shown.day(lead.sentAt), "source": lead.source, "campaign": lead.campaign ?? "",
                    "rep": lead.rep ?? "", "version": lead.criteriaVersion.map { "v\($0)" } ?? "", "verdict": verdict ?? "waiting",
                    "waiting": lead.verdict == nil, "outcome": outcome, "link": "/leads/\(lead.lead)\(page.asOfSuffix)"]
        }
        var keep = page
        keep.keep["by"] = by.rawValue
        keep.keep["key"] = key
        return Page.render("quality-leads", title: "Leads: \(by.rawValue) \(key)", nav: "quality", [
            "by": by.rawValue, "key": key, "total": Shown.count(Double(group.total)), "shown": leads.count, "more": group.total > leads.count,
            "leads": leads, "back": "/quality?by=\(by.rawValue)" + (page.asOf.map { "&as_of=\($0)" } ?? ""),
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
        return Page.render("lead", title: "Lead \(id)", nav: "quality", [
            "lead": id, "status": story.leadStatus, "events": storyLines(story), "has_verdict": story.leadHasVerdict,
            "reasons": EventCatalogue.rejectReasons,
        ], page)
    }
}
