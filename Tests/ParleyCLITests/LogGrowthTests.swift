import Foundation
@testable import ParleyServer
import Synchronization
import Testing

/// "The log grew", which feed subscribers and the webhook deliverer wait on:
/// a commit wakes the waiters whose position it passed, and no others.
@Suite struct LogGrowthTests {
    /// Set when a wait returned.
    final class Flag: Sendable {
        private let value = Mutex(false)
        func set() { value.withLock { $0 = true } }
        var isSet: Bool { value.withLock { $0 } }
    }

    /// Starts a wait beyond `position` that gives up after `seconds`, and a flag it sets when it returns.
    private func waiting(_ growth: LogGrowth, beyond position: Int64, atMost seconds: Double) -> (Task<Void, Never>, Flag) {
        let returned = Flag()
        let task = Task {
            await growth.wait(beyond: position, atMost: seconds)
            returned.set()
        }
        return (task, returned)
    }

    private func returned(_ flag: Flag) -> Bool { flag.isSet }

    @Test func aCommitWakesOnlyTheWaitersWhosePositionItPassed() async throws {
        let growth = LogGrowth()
        let (far, farReturned) = waiting(growth, beyond: 10, atMost: 30)
        let (near, nearReturned) = waiting(growth, beyond: 3, atMost: 30)
        try await Task.sleep(for: .milliseconds(100))
        growth.grew(to: 5)
        await near.value
        #expect(returned(nearReturned))
        // Given time to return, the waiter beyond 10 is still waiting: 5 did not pass it.
        try await Task.sleep(for: .milliseconds(300))
        #expect(!returned(farReturned))
        let woken = ContinuousClock.now
        growth.grew(to: 11)
        await far.value
        #expect(ContinuousClock.now - woken < .seconds(10), "woken by the commit, not by its 30 s limit")
    }

    @Test func aWaitBeyondWhatTheLogAlreadyPassedReturnsAtOnce() async {
        let growth = LogGrowth()
        growth.grew(to: 8)
        let start = ContinuousClock.now
        await growth.wait(beyond: 7, atMost: 30)
        #expect(ContinuousClock.now - start < .seconds(10))
    }

    @Test func shutdownWakesEveryWaiterAndAWaitEndsAtItsLimit() async throws {
        let growth = LogGrowth()
        let (waiter, waiterReturned) = waiting(growth, beyond: .max, atMost: 30)
        try await Task.sleep(for: .milliseconds(100))
        growth.grew(to: 1_000)
        try await Task.sleep(for: .milliseconds(200))
        #expect(!returned(waiterReturned), "no position passes Int64.max")
        growth.close()
        await waiter.value
        #expect(growth.isClosed)

        let limited = LogGrowth()
        let start = ContinuousClock.now
        await limited.wait(beyond: .max, atMost: 0.2)
        #expect(ContinuousClock.now - start >= .milliseconds(150))
    }
}
