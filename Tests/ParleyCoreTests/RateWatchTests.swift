import Testing
@testable import ParleyCore

/// A rate detector's deadlines: kept in due order however they come, and
/// passed in that order, each an observation.
@Suite struct RateWatchTests {
    static func deadline(_ lead: String, _ due: Int64) -> RateWatch.Deadline {
        RateWatch.Deadline(lead: lead, due: Timestamp(microseconds: due * 3_600_000_000), position: due)
    }

    @Test func deadlinesStayInDueOrderWithTiesInTheOrderTheyCame() {
        let dues: [(String, Int64)] = [("a", 5), ("b", 3), ("c", 5), ("d", 1), ("e", 7), ("f", 3), ("g", 7), ("h", 0)]
        var watch = RateWatch()
        for (lead, due) in dues { watch.expect(Self.deadline(lead, due)) }
        // A stable sort by due of the order they came in.
        let expected = dues.enumerated().sorted { ($0.element.1, $0.offset) < ($1.element.1, $1.offset) }.map(\.element.0)
        #expect(watch.pending.map(\.lead) == expected)
        #expect(watch.meet("c")?.lead == "c")
        #expect(watch.meet("c") == nil)
        #expect(watch.pending.map(\.lead) == expected.filter { $0 != "c" })
    }

    @Test func passingObservesEachDeadlineBeforeTheMomentInDueOrder() {
        var config = SignalConfig()
        config.baselineWeeks = 2
        // A small false-alarm budget keeps the CUSUM's threshold cheap to work out (a debug build solves its Markov chain).
        config.budgetYears = 0.01
        var watch = RateWatch()
        // A baseline to judge against: a hundred answers in time over the week before.
        for hour in 0..<100 { watch.observe(false, at: Timestamp(microseconds: Int64(hour) * 3_600_000_000), position: Int64(hour), config: config) }
        for (index, due) in [130, 120, 150, 125, 140, 200].enumerated() { watch.expect(Self.deadline("L-\(index)", Int64(due))) }
        var byHand = watch
        watch.pass(until: Timestamp(microseconds: 145 * 3_600_000_000), config: config)
        // The same, one deadline at a time.
        for due in [120, 125, 130, 140] {
            let first = byHand.pending.removeFirst()
            #expect(first.due.microseconds == Int64(due) * 3_600_000_000)
            byHand.observe(true, at: first.due, position: first.position, config: config)
        }
        #expect(watch == byHand)
        #expect(watch.pending.map(\.lead) == ["L-2", "L-5"])
        // Nothing due before the moment: nothing changes.
        let before = watch
        watch.pass(until: Timestamp(microseconds: 150 * 3_600_000_000), config: config)
        #expect(watch == before)
    }

    @Test func eachKindHasANumberOfItsOwn() {
        #expect(Set(SignalKind.allCases.map(\.ordinal)) == Set(0..<SignalKind.allCases.count))
    }
}
