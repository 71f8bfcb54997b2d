import Foundation
import ParleyApp
import ParleyCharts
import ParleyCore

/// The pages' models, read through the facade. Blocking: called inside `App.perform`.
/// Today is here; the other pages are in `DashboardPages+*.swift`, by concept.
enum Pages {
    /// Open issues Today lists one by one; the others it counts.
    static let issuesShown = 25

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
            var card: [String: Any] = ["label": label, "this_month": show(a), "compare": "\(show(b)) in \(Self.monthName(lastMonth))"]
            if let a, let b, let higherIsBetter, a != b { card["trend"] = (a > b) == higherIsBetter ? "better" : "worse" }
            return card
        }
        let figures = [
            figure("Leads sent", "sent", { Shown.count($0 ?? 0) }, higherIsBetter: nil),
            figure("Accepted by sales", "acceptance_rate", Figures.percent, higherIsBetter: true),
            figure("Converted", "conversion_rate", Figures.percent, higherIsBetter: true),
            figure("Median hours to a verdict", "median_hours_to_verdict", { Figures.decimal($0) }, higherIsBetter: false),
        ]
        let sla = json(try app.sla(window))
        var inTime = 0.0, judged = 0.0
        for rep in sla["by_rep"]?.items ?? [] {
            let on = rep["verdicts_in_time"]?.number ?? 0
            inTime += on
            judged += on + (rep["verdicts_late"]?.number ?? 0) + (rep["verdicts_missing"]?.number ?? 0)
        }
        var cards = figures
        cards.append(["label": "Verdicts within the SLA", "this_month": judged > 0 ? Figures.percent(inTime / judged) : "–",
                      "compare": "since the SLA was set"])

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
        let unsignedPages = ["unagreed-criteria": ("/criteria", ""), "unagreed-sla": ("/sla", ""), "unagreed-agreement": ("/criteria", "#agreements")]
        let unsigned = issues.compactMap { issue -> [String: Any]? in
            guard let (path, anchor) = unsignedPages[issue["kind"]?.stringValue ?? ""] else { return nil }
            return ["reason": issue["reason"]?.stringValue ?? "", "link": path + page.asOfSuffix + anchor]
        }
        let open = issues.filter { $0["kind"]?.stringValue != "signal" && unsignedPages[$0["kind"]?.stringValue ?? ""] == nil }
        // The most severe and oldest first; the rest as counts by kind (`parley issues` lists them all).
        var byKind: [String: Int] = [:]
        for issue in open.dropFirst(Self.issuesShown) { byKind[issue["kind"]?.stringValue ?? "", default: 0] += 1 }
        let listed = open.prefix(Self.issuesShown).map { issue -> [String: Any] in
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
            "issues": Array(listed), "has_issues": !listed.isEmpty, "issue_count": Shown.count(Double(open.count)), "unsigned": unsigned,
            "more_issues": open.count > listed.count ? "\(Shown.count(Double(open.count - listed.count))) more: "
                + byKind.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map { "\(Shown.count(Double($0.value))) \($0.key)" }
                    .joined(separator: ", ") + " (parley issues lists them all)" : "",
            "tensions_open": Shown.count(Double(openTensions)),
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
