import Foundation
import ParleyCharts
import ParleyCore

extension RetroReport {
    /// Most sources drawn as lines of their own; the rest are summed as "other".
    static let linesDrawn = 6

    /// The weekly series of `metric` per source, the smaller sources summed as "other".
    func weeklySeries(_ metric: (LeadQualityProjection.Group) -> Int64) -> [ChartSeries] {
        let ordered = sources
        var series = ordered.prefix(Self.linesDrawn).map { source in ChartSeries(source, weekly[source]!.map { Double(metric($0)) }) }
        let rest = ordered.dropFirst(Self.linesDrawn)
        if !rest.isEmpty {
            series.append(ChartSeries("other (\(rest.count))", weeks.indices.map { index in
                Double(rest.reduce(0) { $0 + metric(weekly[$1]![index]) })
            }))
        }
        return series
    }

    /// Criteria and SLA versions as marks on the weekly charts; those of
    /// one day share a mark.
    var chartMarkers: [ChartMarker] {
        guard let first = weeks.first else { return [] }
        let week = Double(7 * 86_400_000_000 as Int64)
        var markers: [ChartMarker] = []
        var day: String?
        for entry in agreementMarks {
            let label = switch entry.type {
            case CriteriaChanged.type: "criteria \(entry.refs.first ?? "")"
            case CriteriaAgreed.type: "\(entry.refs.first ?? "") signed"
            default: "SLA"
            }
            if entry.at.yearMonthDay == day, let last = markers.popLast() {
                markers.append(ChartMarker(at: last.position, last.label + ", " + label))
            } else {
                markers.append(ChartMarker(at: Double(entry.at.microseconds - first.start.microseconds) / week - 0.5, label))
            }
            day = entry.at.yearMonthDay
        }
        return markers
    }

    /// The report's charts, in the order the page shows them.
    public var charts: [String] {
        let categories = weekLabels
        let markers = chartMarkers
        let tensions = tensionsWeekly
        let periods = ["this period", "the \(weeksText) before"]
        // A rate per source or rep, this period beside the one before: the lowest this period when there are too many to read.
        func rates(_ title: String, of things: String, _ lines: [(key: String, current: Double?, previous: Double?)], _ note: String = "") -> String {
            let shown = BarChart.lowest(lines.map(\.current)).map { lines[$0] }
            var heading = shown.count < lines.count ? "\(title): the \(shown.count) lowest of \(lines.count) \(things)" : title
            if !note.isEmpty { heading += " " + note }
            return BarChart(title: heading, categories: shown.map(\.key),
                            series: [ChartSeries(periods[0], shown.map(\.current)), ChartSeries(periods[1], shown.map(\.previous))],
                            format: .percent).svg()
        }
        return [
            LineChart(title: "Leads sent per week, by source", categories: categories, series: weeklySeries(\.sent), markers: markers).svg(),
            LineChart(title: "Of those, accepted by sales", categories: categories, series: weeklySeries(\.accepted), markers: markers).svg(),
            LineChart(title: "Of those, converted", categories: categories, series: weeklySeries(\.converted), markers: markers).svg(),
            rates("Acceptance rate by source", of: "sources", acceptanceBySource),
            rates("SLA compliance by rep", of: "reps", slaByRep, "(verdicts in time)"),
            LineChart(title: "Tensions per week", categories: categories,
                      series: [ChartSeries("opened", tensions.opened.map(Double.init)), ChartSeries("resolved", tensions.resolved.map(Double.init))],
                      markers: markers).svg(),
        ]
    }

    /// The report as one self-contained HTML page: inline SVG and CSS, no
    /// script, nothing fetched; readable printed.
    public func html() -> String {
        func e(_ text: String) -> String { Markup.escape(text) }
        var out = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Retrospective \(e(periodName))</title>
            <style>\(Self.css)</style>
            </head>
            <body>
            <header>
            <h1>Retrospective <span class="period">\(e(periodName))</span></h1>
            <p class="lede">Against the \(e(weeksText)) before (\(e(previousName))). Leads are counted in the week they were sent, with what had become of them by \(e(now.yearMonthDay)).</p>
            </header>
            <section class="headline"><h2>Headline</h2><div class="cards">
            """
        for figure in headlines {
            let trend = figure.better.map { $0 ? "better" : "worse" } ?? "flat"
            out += """
                <div class="card \(trend)"><div class="label">\(e(figure.label))</div><div class="value">\(e(figure.current))</div>\
                <div class="delta">\(e(figure.change)) <span class="before">from \(e(figure.previous))</span></div></div>
                """
        }
        out += "</div></section>\n<section><h2>Charts</h2><div class=\"charts\">\n"
        for chart in charts { out += "<figure>\(chart)</figure>\n" }
        out += "</div></section>\n<section class=\"questions\"><h2>Questions for the meeting</h2><div class=\"columns\">\n"
        let moved = movers
        for (title, list) in [("Improved most", moved.filter { $0.change > 0 }.prefix(3)), ("Got worse most", moved.filter { $0.change < 0 }.prefix(3))] {
            out += "<div><h3>\(title) <small>acceptance rate</small></h3><ul>"
            if list.isEmpty { out += "<li class=\"none\">nothing moved by enough verdicts to tell</li>" }
            for mover in list {
                out += "<li><b>\(e(mover.dimension)) \(e(mover.key))</b>: \(ParleyCore.Figures.percent(mover.previous)) → \(ParleyCore.Figures.percent(mover.current)) <span class=\"\(mover.change > 0 ? "better" : "worse")\">\(mover.change > 0 ? "+" : "")\(mover.change) pts</span> <small>(\(mover.judgedPrevious) and \(mover.judgedCurrent) verdicts)</small></li>"
            }
            out += "</ul></div>\n"
        }
        for (title, kind, none) in [("Tensions still open", "tension", "no open tensions"),
                                    ("Overdue action items", "overdue-action", "no overdue action items"),
                                    ("Waiting for a signature", "unagreed-criteria", "every criteria version is signed by both teams")] {
            out += "<div><h3>\(title)</h3><ul>"
            let issues = open(kind)
            if issues.isEmpty { out += "<li class=\"none\">\(none)</li>" }
            for issue in issues.prefix(Self.openShown) {
                out += "<li><b>\(e(issue.ref))</b> <span class=\"sev \(e(issue.severity))\">\(e(issue.severity))</span> \(e(issue.reason)) <small>since \(e(issue.since.yearMonthDay))</small></li>"
            }
            if issues.count > Self.openShown {
                out += "<li class=\"none\">and \(issues.count - Self.openShown) more: <code>parley issues --kind \(kind)</code></li>"
            }
            out += "</ul></div>\n"
        }
        out += "</div></section>\n<section class=\"timeline\"><h2>Timeline</h2>\n"
        var week: Week?
        for entry in timeline {
            if entry.week != week {
                if week != nil { out += "</ol>\n" }
                week = entry.week
                out += "<h3>Week of \(e(RetroText.short(max(entry.week.start, current.from))))</h3><ol>"
            }
            let position = entry.position.map { "<span class=\"pos\">#\($0)</span>" } ?? ""
            out += "<li class=\"\(e(entry.kind))\"><time>\(e(RetroText.short(entry.at)))</time> <span class=\"kind\">\(e(entry.kind))</span> \(e(entry.summary)) \(position)</li>"
        }
        out += week == nil ? "<p class=\"none\">Nothing was recorded in the period.</p>" : "</ol>"
        out += "\n</section>\n<section class=\"hindsight\"><h2>Hindsight</h2>\n"
        if late.isEmpty {
            out += "<p class=\"none\">Nothing that happened in the period was recorded after it ended.</p>"
        } else {
            out += "<p>Happened in the period, recorded only after it ended: the figures above include these; whoever decided at the time did not have them.\(lateCount > late.count ? " The first \(late.count) of \(lateCount); <code>parley diff --hindsight \(e(current.to.rfc3339))</code> lists them all." : "")</p><table><thead><tr><th>Event</th><th>Happened</th><th>Recorded</th><th>By</th><th>Late</th><th>What</th></tr></thead><tbody>"
            for event in late {
                out += "<tr><td>#\(event.event.position)</td><td>\(e(event.event.occurredAt.yearMonthDay))</td><td>\(e(event.event.recordedAt.yearMonthDay))</td><td>\(e(event.event.actor))</td><td>\(e(RetroText.lateness(event.hoursLate)))</td><td>\(e(event.summary))</td></tr>"
            }
            out += "</tbody></table>"
        }
        out += "\n</section>\n<footer>Made by Parley from the event log. Every line names the event it comes from: <code>parley show N</code> opens it.</footer>\n</body>\n</html>\n"
        return out
    }

    static let css = """
        :root{color-scheme:light;--ink:#1d2330;--muted:#5b6475;--line:#e3e6ec;--good:#0a7d45;--bad:#b3261e}
        *{box-sizing:border-box}
        body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--ink);margin:0 auto;max-width:1180px;padding:28px 32px;background:#fff}
        h1{font-size:26px;margin:0 0 4px}h1 .period{color:var(--muted);font-weight:500}
        h2{font-size:18px;margin:28px 0 12px;padding-bottom:6px;border-bottom:2px solid var(--line)}
        h3{font-size:15px;margin:14px 0 6px}h3 small{color:var(--muted);font-weight:400}
        .lede{color:var(--muted);margin:0}
        .cards{display:grid;grid-template-columns:repeat(4,1fr);gap:12px}
        .card{border:1px solid var(--line);border-radius:8px;padding:12px 14px;border-top:4px solid #c9ced8}
        .card.better{border-top-color:var(--good)}.card.worse{border-top-color:var(--bad)}
        .card .label{color:var(--muted);font-size:13px}.card .value{font-size:28px;font-weight:650;margin:2px 0}
        .card .delta{font-size:13px}.card.better .delta{color:var(--good)}.card.worse .delta{color:var(--bad)}
        .card .before{color:var(--muted)}
        .charts{display:grid;grid-template-columns:1fr 1fr;gap:16px}
        figure{margin:0;border:1px solid var(--line);border-radius:8px;padding:8px}
        figure svg{width:100%;height:auto;display:block}
        .columns{display:grid;grid-template-columns:repeat(auto-fit,minmax(320px,1fr));gap:4px 28px}
        ul,ol{margin:0;padding-left:18px}li{margin:3px 0}
        .none{color:var(--muted)}.better{color:var(--good)}.worse{color:var(--bad)}
        .sev{font-size:12px;padding:0 6px;border-radius:8px;background:#eef0f4}.sev.high{background:#fbe3e1;color:var(--bad)}
        .timeline ol{list-style:none;padding:0}.timeline li{padding:3px 0;border-bottom:1px dotted var(--line)}
        .timeline time{display:inline-block;width:52px;color:var(--muted)}
        .kind{display:inline-block;min-width:72px;font-size:12px;color:var(--muted);text-transform:uppercase;letter-spacing:.03em}
        .pos{color:var(--muted);font-size:12px}
        table{border-collapse:collapse;width:100%;font-size:14px}th,td{text-align:left;padding:5px 8px;border-bottom:1px solid var(--line)}
        footer{margin-top:32px;color:var(--muted);font-size:13px}
        @media (max-width:900px){.cards{grid-template-columns:repeat(2,1fr)}.charts{grid-template-columns:1fr}}
        @media print{body{padding:0;max-width:none}section{break-inside:avoid-page}figure{break-inside:avoid}}
        """
}
