// The quality view's groups: how the sums a fold holds back reach the day,
// month and all-time group rows, and which groups a report reads.

extension LeadQualityProjection {
    /// Adds the sums the fold has held back to the group rows: each cell's
    /// to its lead's day, month and all-time group of every dimension the
    /// rows keep.
    public static func settle(_ rows: ProjectionRows<Row>) throws {
        guard rows.held != nil else { return }
        let kept: [Kept] = rows.leavesOut.isEmpty ? Self.everyGroup : groupPrefixes.map {
            Kept(month: rows.keeps($0.month), day: rows.keeps($0.day), total: $0.total.map(rows.keeps) ?? false)
        }
        // First each dimension's sums per value and day: many cells share a group.
        var days: [DayGroup: Group] = [:]
        for (cell, sum) in HeldSums.of(rows).take() where !sum.isZero {
            for (index, dimension) in Dimension.allCases.enumerated() where kept[index].any {
                // The month dimension's value is the month itself, named below.
                let value = dimension == .month ? "" : dimension.value(of: cell)
                days[DayGroup(dimension: index, value: value, day: cell.day), default: Group()].add(sum, sign: 1)
            }
        }
        // Then the day rows, and the sums per month.
        var months: [MonthGroup: Group] = [:]
        for (group, sum) in days {
            let (month, day) = group.day.monthAndDay
            let value = Dimension.allCases[group.dimension] == .month ? month : group.value
            if kept[group.dimension].day { try add(sum, to: key(groupPrefixes[group.dimension].day, day, value), in: rows) }
            if kept[group.dimension].month || kept[group.dimension].total {
                months[MonthGroup(dimension: group.dimension, value: value, month: month), default: Group()].add(sum, sign: 1)
            }
        }
        // Then the month rows, and the sums of all time.
        var totals: [ValueGroup: Group] = [:]
        for (group, sum) in months {
            if kept[group.dimension].month { try add(sum, to: key(groupPrefixes[group.dimension].month, group.month, group.value), in: rows) }
            if kept[group.dimension].total {
                totals[ValueGroup(dimension: group.dimension, value: group.value), default: Group()].add(sum, sign: 1)
            }
        }
        for (group, sum) in totals {
            guard let prefix = groupPrefixes[group.dimension].total else { continue }
            try add(sum, to: prefix + group.value, in: rows)
        }
    }

    /// A dimension's (by index in `Dimension.allCases`) group of one value on one day.
    private struct DayGroup: Hashable {
        var dimension: Int
        var value: String
        var day: Timestamp
    }

    /// A dimension's group of one value, of all time.
    private struct ValueGroup: Hashable {
        var dimension: Int
        var value: String
    }

    /// A dimension's group of one value in one month (`2026-01`).
    private struct MonthGroup: Hashable {
        var dimension: Int
        var value: String
        var month: String
    }

    /// Which of a dimension's groups the rows keep.
    private struct Kept {
        var month: Bool, day: Bool, total: Bool
        var any: Bool { month || day || total }
    }

    /// Adds `sum` to the group row at `key` (the row goes when it counts no lead).
    private static func add(_ sum: Group, to key: String, in rows: ProjectionRows<Row>) throws {
        try rows.modify(key) { row in
            var group = Group()
            if case let .group(existing)? = row { group = existing }
            // Taken out of the row first, so that its counts change in place, not in a copy.
            row = nil
            group.add(sum, sign: 1)
            if group.sent != 0 { row = .group(group) }
        }
    }

    /// Every group kept, for each dimension (the month dimension has no all-time groups).
    private static let everyGroup = groupPrefixes.map { Kept(month: true, day: true, total: $0.total != nil) }

    /// The rows a fold may leave out when only `dimension`'s report is
    /// read: over the whole log (its all-time groups), or with `days`, for
    /// a `--since`/`--until` report (its month and day groups). Every
    /// other dimension's groups, and this one's it does not read.
    public static func rowsLeftOut(reading dimension: Dimension, days: Bool) -> Set<String> {
        var out = Set<String>()
        for other in Dimension.allCases {
            out.formUnion([other.monthKeys, other.dayKeys, other.totalKeys])
        }
        if days {
            out.subtract([dimension.monthKeys, dimension.dayKeys])
        } else {
            out.remove(dimension.allTimeKeys)
        }
        return out
    }

    /// Each dimension's month, day and all-time group prefixes, in `Dimension.allCases` order.
    private static let groupPrefixes = Dimension.allCases.map {
        (month: $0.monthKeys, day: $0.dayKeys, total: $0 == .month ? nil : $0.totalKeys)
    }

    /// `<prefix><period>/<value>`, built in one allocation (ten a lead event).
    private static func key(_ prefix: String, _ period: String, _ value: String) -> String {
        var key = prefix
        key.reserveCapacity(prefix.utf8.count + period.utf8.count + 1 + value.utf8.count)
        key += period
        key += "/"
        key += value
        return key
    }
}
