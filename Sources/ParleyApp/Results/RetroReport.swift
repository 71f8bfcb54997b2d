public import ParleyCore

/// The report for a retrospective: a period against the period of the
/// same length before it. ``markdown()`` and ``html()`` render it.
public struct RetroReport: Sendable, Encodable {
    /// A period's figures, each as the views give them for that period.
    public struct Figures: Sendable {
        public var from: Timestamp
        public var to: Timestamp
        /// The leads sent in the period, all sources together.
        public var total: LeadQualityProjection.Line
        public var bySource: [LeadQualityProjection.Line]
        public var byRep: [LeadQualityProjection.Line]
        public var byCriteria: [LeadQualityProjection.Line]
        /// SLA compliance of the leads sent in the period.
        public var sla: SLAReport
        public var tensionsOpened: Int
        public var tensionsResolved: Int
        public var jointMeetings: Int

        /// Verdicts in time, late and missing, all reps together.
        public var verdicts: (inTime: Int64, late: Int64, missing: Int64) {
            sla.byRep.reduce((0, 0, 0)) { ($0.0 + $1.counts.verdictsInTime, $0.1 + $1.counts.verdictsLate, $0.2 + $1.verdictsMissing) }
        }

        /// Verdicts in time ÷ verdicts due.
        public var slaCompliance: Double? {
            let (inTime, late, missing) = verdicts
            let due = inTime + late + missing
            return due == 0 ? nil : Double(inTime) / Double(due)
        }
    }

    /// A group whose acceptance rate moved between the two periods.
    public struct Mover: Sendable, Equatable {
        public var dimension: String
        public var key: String
        public var previous: Double
        public var current: Double
        public var judgedPrevious: Int64
        public var judgedCurrent: Int64
        /// In percentage points.
        public var change: Double { ((current - previous) * 1000).rounded() / 10 }
    }

    public var current: Figures
    public var previous: Figures
    /// The weeks of the period (the first and last may be cut short by it).
    public var weeks: [Week]
    /// Per source, each week's leads (sent that week, and what became of them).
    public var weekly: [String: [LeadQualityProjection.Group]]
    /// The story of the period, in time order.
    public var timeline: [TimelineEntry]
    /// Tensions still open, overdue action items and unsigned criteria, at the report's moment.
    public var open: [OpenIssue]
    /// What happened in the period and was recorded only after it (the first ``lateShown``).
    public var late: [LateEvent]
    /// How many events happened in the period and were recorded only after it.
    public var lateCount: Int
    /// The moment the report is made for.
    public var now: Timestamp

    /// The late events a report lists; `parley diff --hindsight` lists them all.
    public static let lateShown = 50

    /// Least verdicts on each side for a group's move to count.
    static let leastJudged: Int64 = 5

    /// Groups by source, rep and criteria version whose acceptance rate
    /// moved, with at least ``leastJudged`` verdicts in each period; the
    /// largest moves first.
    public var movers: [Mover] {
        var movers: [Mover] = []
        for (dimension, now, before) in [("source", current.bySource, previous.bySource), ("rep", current.byRep, previous.byRep),
                                         ("criteria", current.byCriteria, previous.byCriteria)] {
            for line in now {
                guard let earlier = before.first(where: { $0.key == line.key }),
                      let rate = line.acceptanceRate, let earlierRate = earlier.acceptanceRate else { continue }
                let judged = line.group.accepted + line.group.rejected
                let judgedBefore = earlier.group.accepted + earlier.group.rejected
                guard judged >= Self.leastJudged, judgedBefore >= Self.leastJudged, rate != earlierRate else { continue }
                movers.append(Mover(dimension: dimension, key: line.key, previous: earlierRate, current: rate,
                                    judgedPrevious: judgedBefore, judgedCurrent: judged))
            }
        }
        return movers.sorted { (abs($0.change), $0.dimension, $0.key) > (abs($1.change), $1.dimension, $1.key) }
    }

    /// Criteria and SLA versions proposed, signed or set in the period, to mark on time charts.
    public var agreementMarks: [TimelineEntry] {
        timeline.filter { [CriteriaChanged.type, CriteriaAgreed.type, SLASet.type].contains($0.type ?? "") }
    }

    /// The sources in the order the report shows them: most leads sent first.
    public var sources: [String] {
        weekly.keys.sorted { (weekly[$0]!.reduce(0) { $0 + $1.sent }, $1) > (weekly[$1]!.reduce(0) { $0 + $1.sent }, $0) }
    }

    public func encode(to encoder: any Encoder) throws {
        var out = encoder.container(keyedBy: JSONKey.self)
        try out.put(current.from, "from")
        try out.put(current.to, "to")
        try out.put(FiguresJSON(current), "current")
        try out.put(FiguresJSON(previous), "previous")
        try out.put(weeks.map(\.name), "weeks")
        try out.put(sources.map { source in
            WeeklyJSON(source: source, sent: weekly[source]!.map(\.sent), accepted: weekly[source]!.map(\.accepted),
                       converted: weekly[source]!.map(\.converted))
        }, "weekly")
        try out.put(movers.map(MoverJSON.init), "movers")
        try out.put(open, "open")
        try out.put(timeline.map(TimelineLine.init), "timeline")
        try out.put(late, "hindsight")
        try out.put(lateCount, "hindsight_count")
    }

    private struct WeeklyJSON: Encodable { var source: String; var sent, accepted, converted: [Int64] }

    private struct MoverJSON: Encodable {
        var mover: Mover
        init(_ mover: Mover) { self.mover = mover }
        func encode(to encoder: any Encoder) throws {
            var out = encoder.container(keyedBy: JSONKey.self)
            try out.put(mover.dimension, "dimension")
            try out.put(mover.key, "key")
            try out.put(mover.previous, "previous_acceptance_rate")
            try out.put(mover.current, "acceptance_rate")
            try out.put(mover.change, "change_points")
        }
    }

    private struct FiguresJSON: Encodable {
        var figures: Figures
        init(_ figures: Figures) { self.figures = figures }
        func encode(to encoder: any Encoder) throws {
            var out = encoder.container(keyedBy: JSONKey.self)
            let total = figures.total
            try out.put(figures.from, "from")
            try out.put(figures.to, "to")
            try out.put(total.group.sent, "leads_sent")
            try out.put(total.group.accepted, "accepted")
            try out.put(total.group.rejected, "rejected")
            try out.put(total.group.converted, "converted")
            try out.put(total.acceptanceRate, "acceptance_rate")
            try out.put(total.conversionRate, "conversion_rate")
            try out.put(total.medianHoursToVerdict, "median_hours_to_verdict")
            try out.put(figures.slaCompliance, "sla_compliance")
            try out.put(figures.tensionsOpened, "tensions_opened")
            try out.put(figures.tensionsResolved, "tensions_resolved")
            try out.put(figures.jointMeetings, "joint_meetings")
            try out.put(figures.bySource.map(QualityLine.init), "by_source")
            try out.put(figures.sla.byRep.map { Rate(key: $0.key, rate: $0.inTimeRate) }, "sla_by_rep")
        }
    }

    private struct Rate: Encodable {
        var key: String
        var rate: Double?
        func encode(to encoder: any Encoder) throws {
            var out = encoder.container(keyedBy: JSONKey.self)
            try out.put(key, "key")
            try out.put(rate, "in_time_rate")
        }
    }
}
