import Testing
@testable import ParleyCore

/// Counts kept in key order: the same counts however they were added up.
@Suite struct SortedCountsTests {
    /// A reference to check against: the same counts in a dictionary.
    private func dictionary(_ counts: SortedCounts<Int64>) -> [Int64: Int64] {
        Dictionary(uniqueKeysWithValues: Array(counts))
    }

    @Test func keysStayInOrderAndZeroCountsGo() {
        var counts = SortedCounts<Int64>()
        for key: Int64 in [5, 1, 9, 1, 3] { counts.add(1, to: key) }
        #expect(counts.keys == [1, 3, 5, 9])
        #expect(counts.counts == [2, 1, 1, 1])
        #expect(counts[1] == 2 && counts[4] == 0)
        counts.add(-1, to: 3)
        #expect(counts.keys == [1, 5, 9])
        counts.add(-1, to: 4)
        #expect(counts.keys == [1, 4, 5, 9] && counts[4] == -1)
    }

    @Test func addingUpMatchesADictionaryWhicheverWayItMerges() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            // Few keys take the one-by-one path, many the merge.
            func random(_ size: Int) -> (SortedCounts<Int64>, [Int64: Int64]) {
                var counts = SortedCounts<Int64>()
                var reference: [Int64: Int64] = [:]
                for _ in 0..<size {
                    let key = Int64.random(in: 0..<40, using: &generator), change = Int64.random(in: -2...2, using: &generator)
                    counts.add(change, to: key)
                    reference[key, default: 0] += change
                }
                return (counts, reference.filter { $0.value != 0 })
            }
            var (a, expected) = random(Int.random(in: 0..<30, using: &generator))
            #expect(dictionary(a) == expected)
            let (b, other) = random(Int.random(in: 0..<30, using: &generator))
            let sign: Int64 = Bool.random(using: &generator) ? 1 : -1
            a.add(b, sign: sign)
            for (key, count) in other { expected[key, default: 0] += sign * count }
            expected = expected.filter { $0.value != 0 }
            #expect(dictionary(a) == expected)
            #expect(a.keys == a.keys.sorted() && !a.counts.contains(0))
            // Equal values for equal counts, however they came about.
            #expect(a == SortedCounts(keys: Array(expected.keys), counts: Array(expected.values)))
        }
    }

    @Test func countsAddedFromARowsBytesAddUpAsTheListsDo() throws {
        // Keys out of order, one twice and one counted zero: as rows written before the counts were kept in order have them.
        var writer = RowWriter()
        writer.list(count: 4)
        for key in ["b", "a", "b", "c"] { writer.string(key) }
        writer.list(count: 4)
        for count: Int64 in [1, 2, 3, 0] { writer.int(count) }
        writer.int(7)  // what follows the lists
        var counts: SortedCounts<String> = ["a": 1, "d": 5]
        var reader = RowReader(writer.bytes)
        try counts.add(reading: &reader) { try $0.string() }
        #expect(counts == ["a": 3, "b": 4, "d": 5])
        #expect(try reader.int() == 7, "the reader is past both lists")
        // Fewer counts than keys is damage, not a guess.
        var short = RowWriter()
        short.list(count: 2)
        short.string("a")
        short.string("b")
        short.list(count: 1)
        short.int(1)
        var damaged = RowReader(short.bytes)
        #expect(throws: DecodingError.self) { try counts.add(reading: &damaged) { try $0.string() } }
    }

    @Test func listsInAnyOrderAddUp() {
        let counts = SortedCounts<String>(keys: ["b", "a", "b", "c"], counts: [1, 2, 3, 0])
        #expect(counts.keys == ["a", "b"])
        #expect(counts.counts == [2, 4])
        #expect(counts == ["b": 4, "a": 2])
    }
}
