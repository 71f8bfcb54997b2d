import Foundation
import HTTPTypes
import Logging
import Synchronization

/// "The log grew": what feed subscribers wait on. The server announces
/// each position it commits; a subscriber waits until the log is past its
/// cursor, a time has passed (other processes, the CLI, write the same
/// file unannounced, so subscribers look again now and then), or the
/// server is shutting down. It holds no events: subscribers read them
/// from SQLite, `WHERE position > cursor`, a page at a time.
final class LogGrowth: Sendable {
    private struct State {
        var lastPosition: Int64 = 0
        var closed = false
        /// Each waiter with the position the log must pass to wake it.
        var waiters: [UInt64: (beyond: Int64, continuation: CheckedContinuation<Void, Never>)] = [:]
        /// Waits in progress; of those, the ones whose time ran out before they were registered.
        var pending: Set<UInt64> = []
        var expired: Set<UInt64> = []
        var nextWaiter: UInt64 = 0
        var subscribers = 0
    }

    private let state = Mutex(State())

    /// True once the server began shutting down: feeds end.
    var isClosed: Bool { state.withLock { $0.closed } }

    /// How many feeds are open.
    var subscribers: Int { state.withLock { $0.subscribers } }

    func subscribe() { state.withLock { $0.subscribers += 1 } }
    func unsubscribe() { state.withLock { $0.subscribers -= 1 } }

    /// The server committed events up to `position`: wakes the waiters
    /// whose position it passed, and only those (a webhook deliverer with
    /// nothing to wait for is not woken by every commit).
    func grew(to position: Int64) {
        let woken = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            let last = max(state.lastPosition, position)
            state.lastPosition = last
            let passed = state.waiters.filter { $0.value.beyond < last }
            for id in passed.keys { state.waiters.removeValue(forKey: id) }
            return passed.values.map(\.continuation)
        }
        for waiter in woken { waiter.resume() }
    }

    /// Wakes every subscriber for good: the server is stopping.
    func close() {
        let woken = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.closed = true
            defer { state.waiters.removeAll() }
            return state.waiters.values.map(\.continuation)
        }
        for waiter in woken { waiter.resume() }
    }

    /// Returns once the log is known to be past `position`, after
    /// `seconds`, on shutdown, or when the task is cancelled.
    func wait(beyond position: Int64, atMost seconds: Double) async {
        let id = state.withLock { state -> UInt64 in
            state.nextWaiter += 1
            state.pending.insert(state.nextWaiter)
            return state.nextWaiter
        }
        let timer = Task {
            guard (try? await Task.sleep(for: .milliseconds(Int(seconds * 1000)))) != nil else { return }
            self.wake(id)
        }
        defer {
            timer.cancel()
            state.withLock { state in
                state.pending.remove(id)
                state.expired.remove(id)
            }
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let now = state.withLock { state -> Bool in
                    if state.lastPosition > position || state.closed || state.expired.remove(id) != nil { return true }
                    state.waiters[id] = (position, continuation)
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            wake(id)
        }
    }

    private func wake(_ id: UInt64) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if let waiter = state.waiters.removeValue(forKey: id) { return waiter.continuation }
            if state.pending.contains(id) { state.expired.insert(id) }
            return nil
        }
        waiter?.resume()
    }
}
