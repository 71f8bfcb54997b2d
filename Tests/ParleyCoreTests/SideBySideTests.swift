import Testing
@testable import ParleyCore

/// Two independent reads at once: both results come back, each from its own
/// closure, and an error in either is the call's.
@Suite struct SideBySideTests {
    private struct Failed: Error, Equatable { var part: Int }

    @Test func bothResultsComeBackFromTheirOwnPart() throws {
        for _ in 0..<50 {
            let (sum, words) = try sideBySide({ (1...10_000).reduce(0, +) }, { (0..<1_000).map(String.init) })
            #expect(sum == 50_005_000)
            #expect(words.count == 1_000 && words.last == "999")
        }
    }

    @Test func anErrorInEitherPartIsTheCallsAndTheFirstsWinsWhenBothFail() {
        #expect(throws: Failed(part: 1)) { try sideBySide({ throw Failed(part: 1) }, { 2 }) as (Int, Int) }
        #expect(throws: Failed(part: 2)) { try sideBySide({ 1 }, { throw Failed(part: 2) }) as (Int, Int) }
        #expect(throws: Failed(part: 1)) { try sideBySide({ throw Failed(part: 1) }, { throw Failed(part: 2) }) as (Int, Int) }
    }
}
