import Foundation

/// State shared between threads, owned by the lock that guards it: the
/// state is reachable only inside the methods below, which hold the lock,
/// so no access compiles without it (as GRDB's `Mutex` and NIO's
/// `NIOLockedValueBox`). Unlike `Synchronization.Mutex`, a thread can wait
/// on it until the state is what it needs (``wait(until:then:)``): the
/// handovers of the catch-up (a queue, a share's next batch, a chunk's
/// rows) need that.
///
/// Values put in are handed over: the thread that put one in uses it only
/// through the lock from then on.
public final class Guarded<State>: @unchecked Sendable {
    // Unchecked: the compiler cannot see that `state` is touched only with
    // `condition` locked (NSCondition is not a Mutex it knows). It is: the
    // property is private, and every method below locks first.
    // `Synchronization.Mutex` would let it check, but offers no wait.
    private let condition = NSCondition()
    private var state: State

    public init(_ state: State) {
        self.state = state
    }

    /// Runs `body` with the lock held.
    @discardableResult
    public func withLock<Result>(_ body: (inout State) throws -> Result) rethrows -> Result {
        condition.lock()
        defer { condition.unlock() }
        return try body(&state)
    }

    /// Runs `body` with the lock held, then wakes every thread waiting on
    /// the state, which `body` may have changed.
    @discardableResult
    public func update<Result>(_ body: (inout State) throws -> Result) rethrows -> Result {
        condition.lock()
        defer {
            condition.broadcast()
            condition.unlock()
        }
        return try body(&state)
    }

    /// Waits until `ready` holds of the state, then runs `body` with the
    /// lock still held, and wakes the other waiters.
    @discardableResult
    public func wait<Result>(until ready: (State) -> Bool, then body: (inout State) throws -> Result) rethrows -> Result {
        condition.lock()
        defer {
            condition.broadcast()
            condition.unlock()
        }
        while !ready(state) { condition.wait() }
        return try body(&state)
    }
}

/// Carries a value to the one thread that moves it out and uses it from
/// then on (the producer of a ``Prefetcher``, a fold share's views, a value
/// to free on the ``Reclaimer``'s thread).
public final class Handover<Value>: Sendable {
    private let value: Guarded<Value?>

    public init(_ value: consuming Value) {
        self.value = Guarded(value)
    }

    /// Moves the value out: once, on the thread it was handed to.
    public func take() -> Value { value.withLock { $0.take()! } }
}
