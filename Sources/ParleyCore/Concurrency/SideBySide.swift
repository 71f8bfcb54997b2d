import Dispatch
import Synchronization

/// Runs `first` and `second` at the same time, on two threads (the caller's
/// and one of Dispatch's), and returns both results once both are done; if
/// either throws, its error (the first's when both do). For two
/// independent reads of one log, each on a connection of its own: each
/// closure owns what it builds until it returns, and the results pass
/// back through a lock.
public func sideBySide<First: Sendable, Second: Sendable>(_ first: @Sendable () throws -> First,
                                                         _ second: @Sendable () throws -> Second) throws -> (First, Second) {
    let results = Mutex<(first: Result<First, any Error>?, second: Result<Second, any Error>?)>((nil, nil))
    DispatchQueue.concurrentPerform(iterations: 2) { part in
        if part == 0 {
            let result = Result { try first() }
            results.withLock { $0.first = result }
        } else {
            let result = Result { try second() }
            results.withLock { $0.second = result }
        }
    }
    let (first, second) = results.withLock { ($0.first, $0.second) }
    // concurrentPerform returns only once both parts have run, so both are set.
    return (try first!.get(), try second!.get())
}
