/// Weeks as retrospectives count them: Monday 00:00 UTC to the next Monday.
public struct Week: Sendable, Hashable, Comparable {
    /// The Monday the week starts on, at midnight UTC.
    public var start: Timestamp

    static let day: Int64 = 86_400_000_000

    /// The week `moment` falls in.
    public init(containing moment: Timestamp) {
        let days = moment.microseconds.floorDivided(by: Self.day)
        // 1970-01-01 was a Thursday: three days after a Monday.
        let monday = days - (days + 3).floorModulo(7)
        start = Timestamp(microseconds: monday * Self.day)
    }

    /// The next Monday.
    public var end: Timestamp { Timestamp(microseconds: start.microseconds + 7 * Self.day) }
    public var next: Week { Week(containing: end) }

    /// The date of its Monday, `2026-03-02`: the week's name in JSON.
    public var name: String { start.yearMonthDay }

    public static func < (lhs: Week, rhs: Week) -> Bool { lhs.start < rhs.start }

    /// The weeks that `from ..< to` touches, each cut to the period.
    public static func spans(from: Timestamp, to: Timestamp) -> [(week: Week, from: Timestamp, to: Timestamp)] {
        var spans: [(Week, Timestamp, Timestamp)] = []
        var week = Week(containing: from)
        while week.start < to {
            spans.append((week, max(week.start, from), min(week.end, to)))
            week = week.next
        }
        return spans
    }
}

extension Int64 {
    func floorModulo(_ divisor: Int64) -> Int64 {
        let remainder = self % divisor
        return remainder < 0 ? remainder + divisor : remainder
    }
}
