import Foundation
import ParleyApp
import ParleyCharts
import ParleyCore

/// Criteria and the what-if form, the SLA, meetings and actions.
extension Pages {
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
                return ["label": label, "sent": Shown.count(sent), "acceptance": accepted + rejected > 0 ? Figures.percent(accepted / (accepted + rejected)) : "–",
                        "conversion": sent > 0 ? Figures.percent(converted / sent) : "–",
                        "revenue": Shown.count(value?["revenue"]?.number ?? 0)]
            }
            model["result"] = [
                "checked_rules": report["rules"]?.stringValue ?? "", "leads": Shown.count(report["leads"]?.number ?? 0),
                "evaluable": Shown.count(report["evaluable"]?.number ?? 0),
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

    /// The team the signed-in member signs for, if they may sign: marketing
    /// or sales for their own team; management for either.
    static func signingTeams(_ app: App, _ page: PageContext) throws -> [String] {
        guard page.live, let team = try app.members(page.window).first(where: { $0.member.handle == page.member })?.member.team else { return [] }
        if team == "management" { return AgreementVersions.signingTeams }
        return AgreementVersions.signingTeams.contains(team) ? [team] : []
    }

    /// A version's sign-off (the `state`, `signed_by`, `waiting_for` and
    /// `days_waiting` of its JSON) as the pages show it, with a sign button
    /// for each team the member may still sign for.
    static func signOff(_ version: JSONValue, signing: [String]) -> [String: Any] {
        let waiting = (version["waiting_for"]?.items ?? []).compactMap(\.stringValue)
        let days = version["days_waiting"]?.integerValue
        let state = version["state"]?.stringValue ?? "proposed"
        let summary = switch state {
        case "in-force": "in force"
        case "superseded": "superseded"
        default: "waiting for \(waiting.joined(separator: " and "))" + (days.map { $0 > 0 ? " for \($0) \($0 == 1 ? "day" : "days")" : "" } ?? "")
        }
        return [
            "state": state, "state_text": summary, "in_force": state == "in-force",
            "signed": (version["signed_by"]?.items ?? []).map { ["team": $0["team"]?.stringValue ?? "", "by": $0["by"]?.stringValue ?? "",
                                                              "on": Shown.day($0["at"]?.stringValue.flatMap(Timestamp.init(rfc3339:)))] },
            "sign_for": state == "superseded" ? [] : signing.filter(waiting.contains).map { ["team": $0] },
        ]
    }

    static func criteria(_ app: App, _ page: PageContext, whatIf ask: WhatIfAsk = WhatIfAsk()) throws -> RenderedPage {
        let signing = try signingTeams(app, page)
        let versions = try app.criteriaHistory(page.window).map(json).reversed().map { version -> [String: Any] in
            [
                "version": Int(version["version"]?.number ?? 0), "changed_by": version["changed_by"]?.stringValue ?? "",
                "changed_on": Shown.day(version["occurred_at"]?.stringValue.flatMap(Timestamp.init(rfc3339:))),
                "rules": version["rules"]?.stringValue ?? "", "diff": diffParts(version["diff"]?.stringValue ?? ""),
                "has_diff": !(version["diff"]?.stringValue ?? "").isEmpty,
                "rationale": version["rationale"]?.stringValue ?? "",
                "leads_sent": Shown.count(version["leads_sent"]?.number ?? 0),
                "acceptance": Figures.percent(version["acceptance_rate"]?.number), "conversion": Figures.percent(version["conversion_rate"]?.number),
                "sign_off": signOff(version, signing: signing),
            ]
        }
        let agreements = try app.agreements(page.window).map { summary -> [String: Any] in
            let latest = json(try app.agreement(summary.name, page.window))
            return [
                "name": summary.name, "version": summary.latest, "in_force": summary.inForce.map { "version \($0)" } ?? "none yet",
                "proposed_by": summary.proposedBy, "proposed_on": Shown.day(summary.proposedAt),
                "text": latest["text"]?.stringValue ?? "", "diff": diffParts(latest["diff"]?.stringValue ?? ""), "has_diff": summary.latest > 1,
                "rationale": latest["rationale"]?.stringValue ?? "", "sign_off": signOff(latest, signing: signing),
            ]
        }
        return Page.render("criteria", title: "Criteria and agreements", nav: "criteria",
                           ["versions": versions, "agreements": agreements, "what_if": whatIf(app, ask, page)], page)
    }

    /// A word diff (`[-removed-]`, `{+added+}`) as parts the template marks
    /// up. Each part names all three keys: a key it left out would be looked
    /// up in the enclosing context (an agreement's own `text`).
    static func diffParts(_ diff: String) -> [[String: Any]] {
        var parts: [[String: Any]] = []
        func part(_ key: String, _ value: String) -> [String: Any] {
            var part: [String: Any] = ["text": "", "added": "", "removed": ""]
            part[key] = value
            return part
        }
        var rest = Substring(diff)
        while !rest.isEmpty {
            let added = rest.range(of: "{+"), removed = rest.range(of: "[-")
            let next = [added, removed].compactMap { $0 }.min { $0.lowerBound < $1.lowerBound }
            guard let next else { parts.append(part("text", String(rest))); break }
            if next.lowerBound > rest.startIndex { parts.append(part("text", String(rest[..<next.lowerBound]))) }
            let isAdded = next == added
            let close = rest[next.upperBound...].range(of: isAdded ? "+}" : "-]")
            let end = close?.lowerBound ?? rest.endIndex
            parts.append(part(isAdded ? "added" : "removed", String(rest[next.upperBound..<end])))
            rest = close.map { rest[$0.upperBound...] } ?? ""
        }
        return parts
    }

    static func sla(_ app: App, _ page: PageContext) throws -> RenderedPage {
        let report = json(try app.sla(page.window))
        func rows(_ key: String) -> [[String: Any]] {
            (report[key]?.items ?? []).map { line in
                var row = Shown.model(line) as? [String: Any] ?? [:]
                row["in_time"] = Figures.percent(line["in_time_rate"]?.number)
                return row
            }
        }
        let everyRep = report["by_rep"]?.items ?? []
        // With too many reps to read, the chart shows those with the lowest share in time; the table lists all.
        let reps = BarChart.lowest(everyRep.map { $0["in_time_rate"]?.number }).map { everyRep[$0] }
        let title = reps.count < everyRep.count ? "Verdicts in time, late and missing: the \(reps.count) reps least in time, of \(everyRep.count)"
                                                : "Verdicts in time, late and missing, per rep"
        let chart = BarChart(title: title, categories: reps.map { $0["key"]?.stringValue ?? "" },
                             series: [ChartSeries("in time", reps.map { $0["verdicts_in_time"]?.number }),
                                      ChartSeries("late", reps.map { $0["verdicts_late"]?.number }),
                                      ChartSeries("missing", reps.map { $0["verdicts_missing"]?.number })])
        // Compliance over time: the last twelve months with verdicts, by the month they were given.
        let months = (report["by_month"]?.items ?? []).suffix(12)
        let trend = LineChart(title: "Verdicts and feedback given within the SLA, by month", categories: months.map { $0["month"]?.stringValue ?? "" },
                              series: [ChartSeries("verdicts in time (of verdicts given)", months.map { $0["in_time_rate"]?.number }),
                                       ChartSeries("feedback in time (of feedback given)", months.map { month -> Double? in
                                           let inTime = month["feedback_in_time"]?.number ?? 0, late = month["feedback_late"]?.number ?? 0
                                           return inTime + late > 0 ? inTime / (inTime + late) : nil
                                       })],
                              format: .percent)
        var model: [String: Any] = [
            "tables": [["name": "rep", "rows": rows("by_rep")], ["name": "source", "rows": rows("by_source")]],
            "chart_svg": reps.isEmpty ? "" : chart.svg(),
            "trend_svg": months.count < 2 ? "" : trend.svg(),
        ]
        if let terms = report["measured_against"], terms != .null {
            model["measured"] = Shown.model(terms)
            model["agreed"] = terms["state"]?.stringValue == "in-force"
        }
        let signing = try signingTeams(app, page)
        model["versions"] = (report["history"]?.items ?? []).reversed().map { version -> [String: Any] in
            let feedback = version["feedback_within_days"]?.integerValue.map { ", feedback within \($0) days" } ?? ""
            let target = version["monthly_mql_target"]?.integerValue.map { ", \($0) MQLs a month" } ?? ""
            return ["version": version["version"]?.integerValue ?? 0,
                    "terms": "verdict within \(version["follow_up_hours"]?.integerValue ?? 0) h\(feedback)\(target)",
                    "proposed_by": version["set_by"]?.stringValue ?? "",
                    "proposed_on": Shown.day(version["set_at"]?.stringValue.flatMap(Timestamp.init(rfc3339:))),
                    "sign_off": signOff(version, signing: signing)]
        }
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
}
