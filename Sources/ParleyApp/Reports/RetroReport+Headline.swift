import Foundation
import ParleyCore

extension RetroReport {
    /// A headline figure: this period, the one before, and whether the move is for the better.
    struct Headline {
        var label: String
        var current: String
        var previous: String
        var change: String
        /// True when it improved, false when it got worse, nil when flat or not comparable.
        var better: Bool?
    }

    /// The headline figures, in the order the report shows them.
    var headlines: [Headline] {
        func count(_ label: String, _ now: Int64, _ before: Int64, higherIsBetter: Bool?) -> Headline {
            let delta = now - before
            return Headline(label: label, current: String(now), previous: String(before),
                            change: delta == 0 ? "±0" : (delta > 0 ? "+\(delta)" : "\(delta)"),
                            better: Self.matters(Double(delta), of: Double(before)) ? higherIsBetter.map { $0 == (delta > 0) } : nil)
        }
        func rate(_ label: String, _ now: Double?, _ before: Double?) -> Headline {
            let points = QualityChange.points(before, now)
            return Headline(label: label, current: ParleyCore.Figures.percent(now), previous: ParleyCore.Figures.percent(before),
                            change: points.map { $0 == 0 ? "±0 pts" : String(format: "%+.1f pts", $0) } ?? "–",
                            better: points.flatMap { abs($0) < Self.leastPoints ? nil : $0 > 0 })
        }
        let hours = (current.total.medianHoursToVerdict, previous.total.medianHoursToVerdict)
        var hoursChange = "–"
        var hoursBetter: Bool?
        if let now = hours.0, let before = hours.1 {
            hoursChange = String(format: "%+.1f h", now - before)
            hoursBetter = Self.matters(now - before, of: before) ? now < before : nil
        }
        return [
            count("Leads sent", current.total.group.sent, previous.total.group.sent, higherIsBetter: true),
            rate("Acceptance rate", current.total.acceptanceRate, previous.total.acceptanceRate),
            rate("Conversion rate", current.total.conversionRate, previous.total.conversionRate),
            Headline(label: "Median hours to verdict", current: RetroText.hours(hours.0), previous: RetroText.hours(hours.1),
                     change: hoursChange, better: hoursBetter),
            rate("SLA compliance", current.slaCompliance, previous.slaCompliance),
            count("Tensions opened", Int64(current.tensionsOpened), Int64(previous.tensionsOpened), higherIsBetter: nil),
            count("Tensions resolved", Int64(current.tensionsResolved), Int64(previous.tensionsResolved), higherIsBetter: true),
            count("Joint meetings held", Int64(current.jointMeetings), Int64(previous.jointMeetings), higherIsBetter: true),
        ]
    }

    /// A rate's move, in points, below which the report calls it flat.
    static let leastPoints = 1.0

    /// Whether a move of `delta` from `before` is worth a colour: at least 5% of it (any move from nothing).
    static func matters(_ delta: Double, of before: Double) -> Bool {
        delta != 0 && abs(delta) >= 0.05 * abs(before)
    }

    /// The open issues a report lists of each kind; `parley issues` lists them all.
    static let openShown = 10

    /// The period in words: `2026-03-01 – 2026-05-31`.
    public var periodName: String { RetroText.period(current.from, current.to) }
    var previousName: String { RetroText.period(previous.from, previous.to) }

    /// Each week by its first day in the period (`Mar 1` for a week cut by the period's start).
    var weekLabels: [String] { weeks.map { RetroText.short(max($0.start, current.from)) } }

    /// Open issues of one kind.
    func open(_ kind: String) -> [OpenIssue] { open.filter { $0.kind == kind } }

    /// Per rep, the in-time rate in this period and the one before.
    var slaByRep: [(key: String, current: Double?, previous: Double?)] {
        let keys = Set(current.sla.byRep.map(\.key)).union(previous.sla.byRep.map(\.key)).sorted()
        return keys.map { key in
            (key, current.sla.byRep.first { $0.key == key }?.inTimeRate, previous.sla.byRep.first { $0.key == key }?.inTimeRate)
        }
    }

    /// Per source, the acceptance rate in this period and the one before.
    var acceptanceBySource: [(key: String, current: Double?, previous: Double?)] {
        let keys = Set(current.bySource.map(\.key)).union(previous.bySource.map(\.key)).sorted()
        return keys.map { key in
            (key, current.bySource.first { $0.key == key }?.acceptanceRate, previous.bySource.first { $0.key == key }?.acceptanceRate)
        }
    }

    /// Tensions flagged and resolved per week of the period.
    var tensionsWeekly: (opened: [Int], resolved: [Int]) {
        var opened = Array(repeating: 0, count: weeks.count)
        var resolved = Array(repeating: 0, count: weeks.count)
        for entry in timeline {
            guard let index = weeks.firstIndex(of: entry.week) else { continue }
            if entry.type == TensionFlagged.type { opened[index] += 1 }
            if entry.type == TensionResolved.type { resolved[index] += 1 }
        }
        return (opened, resolved)
    }
}

/// Figures and dates as the report writes them.
enum RetroText {
    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    static func hours(_ hours: Double?) -> String { hours.map { Figures.fixed($0, digits: 1) + " h" } ?? Figures.none }

    /// `Mar 2`.
    static func short(_ time: Timestamp) -> String {
        let parts = time.yearMonthDay.split(separator: "-")
        return "\(months[Int(parts[1])! - 1]) \(Int(parts[2])!)"
    }

    /// `2026-03-01 – 2026-05-31`: the last day the period includes.
    static func period(_ from: Timestamp, _ to: Timestamp) -> String {
        let last = Timestamp(microseconds: to.microseconds - 1)
        return "\(from.yearMonthDay) – \(last.yearMonthDay)"
    }
}
