import Testing
@testable import ParleyCore

/// The thread that reads ahead: every value once, in order, then its error.
@Suite struct PrefetcherTests {
    private struct Stop: Error, Equatable {}

    @Test func valuesArriveInOrderWhetherTakenOneByOneOrByChunk() throws {
        let count = 5_000
        let prefetcher = Prefetcher<Int>(name: "test", ahead: 1024) { yield in
            for value in 0..<count {
                guard yield(value) else { return }
            }
        }
        var taken: [Int] = []
        // Both ways, mixed: the rest of a chunk begun one by one comes first. An early end
        // stops the loop (and fails the count below), never spins it.
        while taken.count < count {
            if taken.count % 3 == 0 {
                guard let value = try prefetcher.next() else { break }
                taken.append(value)
            } else {
                guard let chunk = try prefetcher.nextChunk() else { break }
                #expect(!chunk.isEmpty)
                taken += chunk
            }
        }
        #expect(taken.count == count)
        #expect(taken.indices.first { taken[$0] != $0 } == nil, "the first value out of order")
        #expect(try prefetcher.next() == nil)
        #expect(try prefetcher.nextChunk() == nil)
    }

    @Test func chunksHoldAsManyValuesAsAskedButTheLast() throws {
        let prefetcher = Prefetcher<Int>(name: "test", ahead: 300, chunk: 100) { yield in
            for value in 0..<1_050 {
                guard yield(value) else { return }
            }
        }
        var sizes: [Int] = []
        var taken: [Int] = []
        while let chunk = try prefetcher.nextChunk() {
            sizes.append(chunk.count)
            taken += chunk
        }
        #expect(sizes == Array(repeating: 100, count: 10) + [50])
        #expect(taken == Array(0..<1_050))
    }

    @Test func anErrorComesAfterEveryValueBeforeIt() throws {
        let prefetcher = Prefetcher<Int>(name: "test") { yield in
            for value in 0..<1_000 {
                guard yield(value) else { return }
            }
            throw Stop()
        }
        var taken: [Int] = []
        #expect(throws: Stop()) {
            while let chunk = try prefetcher.nextChunk() { taken += chunk }
        }
        #expect(taken.count == 1_000)
        #expect(taken.indices.first { taken[$0] != $0 } == nil, "the first value out of order")
    }
}
