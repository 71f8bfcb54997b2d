import Foundation
import ParleyCore

extension RetroReport {
    /// The report in Markdown: the same content as the HTML, with tables
    /// in place of charts.
    public func markdown() -> String {
        var out: [String] = []
        func table(_ header: [String], _ rows: [[String]]) {
            func cell(_ text: String) -> String { text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ") }
            out.append("| " + header.map(cell).joined(separator: " | ") + " |")
            out.append("|" + header.indices.map { $0 == 0 ? " --- |" : " ---: |" }.joined())
            for row in rows { out.append("| " + row.map(cell).joined(separator: " | ") + " |") }
            out.append("")
        }
        out.append("# Retrospective: \(periodName)")
        out.append("")
        out.append("Against the \(weeksText) before (\(previousName)). Leads are counted in the week they were sent, with what has become of them by \(now.yearMonthDay).")
        out.append("")
        out.append("## Headline")
        out.append("")
        table(["", "This period", "Before", "Change"], headlines.map { [$0.label, $0.current, $0.previous, $0.change + ($0.better.map { $0 ? " ▲" : " ▼" } ?? "")] })

        out.append("## Leads per week, by source")
        out.append("")
        let weekNames = weekLabels
        for source in sources {
            let groups = weekly[source]!
            out.append("**\(source)**")
            out.append("")
            table(["", ] + weekNames, [
                ["sent"] + groups.map { String($0.sent) },
                ["accepted"] + groups.map { String($0.accepted) },
                ["converted"] + groups.map { String($0.converted) },
            ])
        }
        if !agreementMarks.isEmpty {
            out.append("Agreements in the period:")
            out.append("")
            for mark in agreementMarks { out.append("- \(mark.at.yearMonthDay): \(mark.summary) (event \(mark.position.map(String.init) ?? "–"))") }
            out.append("")
        }
        out.append("## Acceptance rate by source")
        out.append("")
        table(["Source", "This period", "Before"], acceptanceBySource.map { [$0.key, ParleyCore.Figures.percent($0.current), ParleyCore.Figures.percent($0.previous)] })
        out.append("## SLA compliance by rep")
        out.append("")
        out.append("Verdicts in time out of verdicts due, for the leads sent in each period.")
        out.append("")
        table(["Rep", "This period", "Before"], slaByRep.map { [$0.key, ParleyCore.Figures.percent($0.current), ParleyCore.Figures.percent($0.previous)] })
        out.append("## Tensions per week")
        out.append("")
        let tensions = tensionsWeekly
        table([""] + weekNames, [["opened"] + tensions.opened.map(String.init), ["resolved"] + tensions.resolved.map(String.init)])

        out.append("## Questions for the meeting")
        out.append("")
        let moved = movers
        let improved = moved.filter { $0.change > 0 }.prefix(3)
        let worse = moved.filter { $0.change < 0 }.prefix(3)
        out.append("**Improved most** (acceptance rate)")
        out.append("")
        out.append(contentsOf: improved.isEmpty ? ["- nothing moved up by enough verdicts to tell"] : improved.map(Self.moverLine))
        out.append("")
        out.append("**Got worse most** (acceptance rate)")
        out.append("")
        out.append(contentsOf: worse.isEmpty ? ["- nothing moved down by enough verdicts to tell"] : worse.map(Self.moverLine))
        out.append("")
        for (title, kind, none) in [("Tensions still open", "tension", "no open tensions"),
                                    ("Overdue action items", "overdue-action", "no overdue action items"),
                                    ("Agreements waiting for a signature", "unagreed-criteria", "every criteria version is signed by both teams")] {
            out.append("**\(title)**")
            out.append("")
            let issues = open(kind)
            out.append(contentsOf: issues.isEmpty ? ["- \(none)"] : issues.prefix(Self.openShown).map { "- \($0.ref) (\($0.severity), since \($0.since.yearMonthDay)): \($0.reason)" })
            if issues.count > Self.openShown { out.append("- and \(issues.count - Self.openShown) more: `parley issues --kind \(kind)`") }
            out.append("")
        }

        out.append("## Timeline")
        out.append("")
        var week: Week?
        for entry in timeline {
            if entry.week != week {
                week = entry.week
                out.append("")
                out.append("### Week of \(RetroText.short(max(entry.week.start, current.from)))")
                out.append("")
            }
            out.append("- \(entry.at.yearMonthDay) · \(entry.summary)\(entry.position.map { " (event \($0))" } ?? "")")
        }
        if timeline.isEmpty { out.append("Nothing was recorded in the period.") }
        out.append("")
        out.append("## Hindsight")
        out.append("")
        if late.isEmpty {
            out.append("Nothing that happened in the period was recorded after it ended.")
        } else {
            out.append("What happened in the period but was recorded only after it ended: the numbers above include it; whoever decided at the time did not have it.")
            if lateCount > late.count {
                out.append("")
                out.append("The first \(late.count) of \(lateCount); `parley diff --hindsight \(current.to.rfc3339)` lists them all.")
            }
            out.append("")
            table(["Event", "Happened", "Recorded", "By", "Late", "What"], late.map {
                [String($0.event.position), $0.event.occurredAt.yearMonthDay, $0.event.recordedAt.yearMonthDay, $0.event.actor,
                 RetroText.lateness($0.hoursLate), $0.summary]
            })
        }
        return out.joined(separator: "\n") + "\n"
    }

    static func moverLine(_ mover: Mover) -> String {
        "- \(mover.dimension) \(mover.key): \(ParleyCore.Figures.percent(mover.previous)) → \(ParleyCore.Figures.percent(mover.current)) (\(mover.change > 0 ? "+" : "")\(mover.change) pts; \(mover.judgedPrevious) and \(mover.judgedCurrent) verdicts)"
    }

    /// "13 weeks", "4 days".
    var weeksText: String {
        let days = (current.to.microseconds - current.from.microseconds) / 86_400_000_000
        return days % 7 == 0 ? "\(days / 7) week\(days == 7 ? "" : "s")" : "\(days) day\(days == 1 ? "" : "s")"
    }
}

extension RetroText {
    /// "3 h", "5 days".
    static func lateness(_ hours: Double) -> String {
        hours < 48 ? "\(Int(hours.rounded())) h" : "\(Int((hours / 24).rounded())) days"
    }
}
