import Foundation

/// One rate detector's state for one subject (a source, a rep): the
/// in-control history by week, the CUSUM statistic and the run since it
/// last left zero, the signal it raised if open, and the deadlines still
/// to come (an observation is due at each: a breach if nothing answers it).
public struct RateWatch: Codable, Sendable, Equatable {
    /// A week of in-control observations.
    public struct Bucket: Codable, Sendable, Equatable {
        public var week: Int64
        public var count: Int64
        public var events: Int64
    }

    /// The observations since the statistic last left zero.
    public struct Run: Codable, Sendable, Equatable {
        public var from: Timestamp
        public var to: Timestamp
        public var count: Int64 = 0
        public var events: Int64 = 0
        /// Positions of the bad observations' events (the first 50).
        public var positions: [Int64] = []
        public var reasons: [String: Int64] = [:]
    }

    /// What the detector knew when it crossed its threshold.
    public struct Raised: Codable, Sendable, Equatable {
        public var at: Timestamp
        public var baseline: SignalWindow
        public var threshold: Double
        public var arl0: Double
        public var configuredBy: Int64?
    }

    /// A deadline an observation is due at.
    public struct Deadline: Codable, Sendable, Equatable {
        public var lead: String
        public var due: Timestamp
        /// The event that set it (a send, a reassignment, a verdict).
        public var position: Int64
    }

    public var statistic: Double = 0
    public var run: Run?
    public var buckets: [Bucket] = []
    /// The baseline in force while a signal is open: frozen, so the shift never becomes the norm while it lasts.
    public var frozen: SignalWindow?
    public var raised: Raised?
    public var pending: [Deadline] = []

    public init() {}

    static let week: Int64 = 7 * 86_400_000_000
    /// Fewer in-control observations than this: the detector is still learning and says nothing.
    public static let leastBaseline: Int64 = 60

    /// The in-control history of the last `weeks` weeks before `moment`.
    func baseline(before moment: Timestamp, weeks: Int64) -> SignalWindow? {
        if let frozen { return frozen }
        let end = moment.microseconds
        let start = end - weeks * Self.week
        var count: Int64 = 0, events: Int64 = 0
        var first: Int64?
        for bucket in buckets where bucket.week >= start - Self.week && bucket.week < end {
            count += bucket.count
            events += bucket.events
            first = min(first ?? bucket.week, bucket.week)
        }
        guard count >= Self.leastBaseline, let first else { return nil }
        return SignalWindow(from: Timestamp(microseconds: max(first, start)), to: moment, count: count, events: events)
    }

    /// Folds one observation (`bad`: rejected, breached, silent) at `at`,
    /// from the event at `position`, against `baseline` (the subject's own
    /// by default; feedback silence compares with the team's).
    public mutating func observe(_ bad: Bool, at: Timestamp, position: Int64, reason: String? = nil,
                                 config: SignalConfig, baseline shared: SignalWindow?? = nil) {
        let runStart = run?.from ?? at
        let base = shared ?? baseline(before: runStart, weeks: config.baselineWeeks)
        guard let base else {
            // Still learning: every observation is in-control history.
            add(bad, at: at)
            return
        }
        let days = max(7.0, Double(base.to.microseconds - base.from.microseconds) / 86_400_000_000)
        let arl0 = max(100, config.budgetYears * 365 * Double(base.count) / days)
        // The in-control rate to 0.01 and the budget to 10%: a baseline moving by less changes nothing.
        let (cusum, h) = Cusum.threshold(rate: base.cautiousRate, arl0: arl0)
        let next = cusum.step(statistic, bad)
        if next > 0 {
            if run == nil { run = Run(from: at, to: at) }
            run!.to = at
            run!.count += 1
            if bad {
                run!.events += 1
                if run!.positions.count < 50 { run!.positions.append(position) }
                if let reason { run!.reasons[reason, default: 0] += 1 }
            }
            statistic = next
            if raised == nil {
                if statistic >= h, config.on {
                    raised = Raised(at: at, baseline: base, threshold: h, arl0: arl0, configuredBy: config.position)
                    frozen = base
                }
            }
        } else {
            // Back to zero: the run was in control after all (or the shift is over); it joins the history.
            if let run { mergeRun(run) }
            run = nil
            statistic = 0
            raised = nil
            frozen = nil
            add(bad, at: at)
        }
        prune(before: at, weeks: config.baselineWeeks)
    }

    /// Adds an observation to the history alone (a team's pooled baseline).
    public mutating func record(_ bad: Bool, at: Timestamp, weeks: Int64) {
        add(bad, at: at)
        prune(before: at, weeks: weeks)
    }

    private mutating func add(_ bad: Bool, at: Timestamp) {
        let week = at.microseconds - ((at.microseconds % Self.week) + Self.week) % Self.week
        if let last = buckets.indices.last, buckets[last].week == week {
            buckets[last].count += 1
            buckets[last].events += bad ? 1 : 0
        } else if let index = buckets.firstIndex(where: { $0.week == week }) {
            buckets[index].count += 1
            buckets[index].events += bad ? 1 : 0
        } else {
            buckets.append(Bucket(week: week, count: 1, events: bad ? 1 : 0))
            buckets.sort { $0.week < $1.week }
        }
    }

    private mutating func mergeRun(_ run: Run) {
        let week = run.from.microseconds - ((run.from.microseconds % Self.week) + Self.week) % Self.week
        if let index = buckets.firstIndex(where: { $0.week == week }) {
            buckets[index].count += run.count
            buckets[index].events += run.events
        } else {
            buckets.append(Bucket(week: week, count: run.count, events: run.events))
            buckets.sort { $0.week < $1.week }
        }
    }

    private mutating func prune(before moment: Timestamp, weeks: Int64) {
        let keepFrom = moment.microseconds - (weeks + 2) * Self.week
        if let first = buckets.first, first.week < keepFrom { buckets.removeAll { $0.week < keepFrom } }
    }

    /// Adds a deadline, keeping them in due order (after those due at the
    /// same time). Deadlines mostly come in due order: looked for from the end.
    public mutating func expect(_ deadline: Deadline) {
        let index = (pending.lastIndex { $0.due <= deadline.due }).map { $0 + 1 } ?? pending.startIndex
        pending.insert(deadline, at: index)
    }

    /// Takes away the deadline of `lead`, if still pending; returns it.
    @discardableResult
    public mutating func meet(_ lead: String) -> Deadline? {
        guard let index = pending.firstIndex(where: { $0.lead == lead }) else { return nil }
        return pending.remove(at: index)
    }

    /// Observes a breach at each deadline before `moment`.
    public mutating func pass(until moment: Timestamp, config: SignalConfig) {
        let passed = Array(pending.prefix { $0.due < moment })
        guard !passed.isEmpty else { return }
        // Taken away at once: one at a time would move every later deadline each time.
        pending.removeFirst(passed.count)
        for deadline in passed { observe(true, at: deadline.due, position: deadline.position, config: config) }
    }
}
