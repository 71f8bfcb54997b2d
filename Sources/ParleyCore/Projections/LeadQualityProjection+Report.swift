extension LeadQualityProjection {
    /// One line of `parley quality`: a group's figures.
    public struct Line: Sendable, Equatable {
        public var key: String
        public var group: Group

        public init(key: String, group: Group) {
            self.key = key
            self.group = group
        }

        public var acceptanceRate: Double? {
            let judged = group.accepted + group.rejected
            return judged == 0 ? nil : Double(group.accepted) / Double(judged)
        }

        public var conversionRate: Double? { group.sent == 0 ? nil : Double(group.converted) / Double(group.sent) }

        public var averageRating: Double? { group.ratings == 0 ? nil : Double(group.ratingSum) / Double(group.ratings) }

        /// Median hours from sent to verdict (speed-to-lead).
        public var medianHoursToVerdict: Double? {
            // In order of time already.
            let tenths = group.verdictTenths
            let total = tenths.counts.reduce(0, +)
            guard total > 0, let longest = tenths.keys.last else { return nil }
            func value(at rank: Int64) -> Int64 {
                var seen: Int64 = 0
                for (tenth, count) in tenths {
                    seen += count
                    if seen > rank { return tenth }
                }
                return longest
            }
            let middle = total % 2 == 1 ? Double(value(at: total / 2)) : Double(value(at: total / 2 - 1) + value(at: total / 2)) / 2
            return middle / 10
        }

        /// Revenue a day: converted revenue over the average days from sent to conversion.
        public var salesVelocityPerDay: Double? {
            guard group.converted > 0, group.cycleHoursSum > 0 else { return nil }
            let averageDays = group.cycleHoursSum / Double(group.converted) / 24
            return group.revenue / averageDays
        }

        /// The most frequent objections, most frequent first.
        public func topObjections(_ count: Int = 3) -> [(String, Int64)] {
            Array(group.objections.sorted { ($1.count, $0.key) < ($0.count, $1.key) }.prefix(count)).map { ($0.key, $0.count) }
        }
    }

    /// The report by `dimension` over every lead, largest groups first: its
    /// rows under ``Dimension/allTimeKeys`` in `rows` (others are ignored).
    public static func report(_ rows: [String: Row], by dimension: Dimension) -> [Line] {
        var sums = ReportSums(by: dimension)
        for (key, row) in rows { sums.add(key, row) }
        return sums.lines
    }

    /// The report by `dimension` over leads sent on the UTC days
    /// `since ..< until` (`2026-01-05`; nil: no bound): the group rows in
    /// ``Dimension/keyRanges(since:until:)`` added up (others are ignored).
    public static func report(_ rows: [String: Row], by dimension: Dimension, since: String?, until: String?) -> [Line] {
        var sums = ReportSums(by: dimension, since: since, until: until)
        for (key, row) in rows { sums.add(key, row) }
        return sums.lines
    }

    /// A report's groups, added up from group rows given one at a time (so
    /// that thousands need not be held at once): the rows in ``ranges``
    /// count, any other is ignored. Rows may come in any order: a group's
    /// sums are whole numbers (cents, seconds, counts), so they add up the
    /// same whichever comes first.
    public struct ReportSums {
        /// The key ranges (`from ..< to`, by UTF-8 bytes) of the rows that count.
        public let ranges: [(from: String, to: String)]
        /// Whether a counted key has a period between its dimension and its
        /// group's value (month and day rows), or not (all-time rows).
        private let skipsPeriod: Bool
        private var groups: [String: Group] = [:]

        /// Over every lead: the dimension's all-time rows.
        public init(by dimension: Dimension) {
            ranges = [(dimension.allTimeKeys, dimension.allTimeKeys + "\u{10FFFF}")]
            // `total/<dimension>/<value>`, or the month dimension's `month/month/<month>/<month>`.
            skipsPeriod = dimension == .month
        }

        /// Over the leads sent on the UTC days `since ..< until`: the month and day rows that cover them.
        public init(by dimension: Dimension, since: String?, until: String?) {
            ranges = dimension.keyRanges(since: since, until: until)
            // `<month or day prefix><dimension>/<period>/<value>`
            skipsPeriod = true
        }

        /// Adds `row`, at `key`, if it is a group row in one of ``ranges``.
        public mutating func add(_ key: String, _ row: Row) {
            guard case let .group(group) = row,
                  ranges.contains(where: { !key.utf8.lexicographicallyPrecedes($0.from.utf8) && key.utf8.lexicographicallyPrecedes($0.to.utf8) }),
                  let value = value(of: key)
            else { return }
            groups[value, default: Group()].add(group, sign: 1)
        }

        /// Adds the row at `reader`, read from `key` in one of ``ranges``
        /// (rows read from them need not be checked), if it is a group row:
        /// straight from its bytes.
        public mutating func add(_ key: String, reading reader: inout RowReader) throws {
            guard try reader.rowCase() == 1, let value = value(of: key) else { return }
            try groups[value, default: Group()].add(reading: &reader)
        }

        /// The group value in `key`: what follows the dimension's prefix, and the period when there is one.
        private func value(of key: String) -> String? {
            let dimensionEnd = key.utf8.firstIndex(of: UInt8(ascii: "/")).flatMap { prefixEnd in
                key.utf8[key.utf8.index(after: prefixEnd)...].firstIndex(of: UInt8(ascii: "/"))
            }
            guard var start = dimensionEnd.map(key.utf8.index(after:)) else { return nil }
            if skipsPeriod {
                guard let periodEnd = key.utf8[start...].firstIndex(of: UInt8(ascii: "/")) else { return nil }
                start = key.utf8.index(after: periodEnd)
            }
            return String(Substring(key.utf8[start...]))
        }

        /// The groups as report lines, largest first.
        public var lines: [Line] { LeadQualityProjection.lines(groups) }
    }

    /// The groups as report lines, largest first.
    static func lines(_ groups: [String: Group]) -> [Line] {
        groups.map { Line(key: $0.key, group: $0.value) }.sorted { ($1.group.sent, $0.key) < ($0.group.sent, $1.key) }
    }

    /// The report by `dimension` over leads sent in `since ..< until`,
    /// summed from the lead rows (exact to the microsecond; the day groups
    /// answer for whole days).
    public static func report(leads: some Sequence<Lead>, by dimension: Dimension, since: Timestamp?, until: Timestamp?) -> [Line] {
        var groups: [String: Group] = [:]
        for lead in leads.sorted(by: { $0.lead < $1.lead }) {
            if let since, lead.sentAt < since { continue }
            if let until, lead.sentAt >= until { continue }
            groups[dimension.value(of: lead.cell), default: Group()].add(lead, sign: 1)
        }
        return lines(groups)
    }
}
