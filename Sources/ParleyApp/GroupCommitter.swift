import Foundation
public import ParleyCore
import ParleyStore

/// Writes from many concurrent callers (the server's requests), committed
/// in groups: each write queues to one writer, which takes every write
/// waiting and runs them in one transaction, committed with one sync
/// (``EventLog/executeGroup(_:)``). A write the rules refuse fails alone
/// and writes nothing. While a group commits, the next one gathers; a write that
/// finds the writer idle commits at once, so a lone write never waits.
///
/// The queue is owned by a lock (``Guarded``); the writer runs on the
/// facade's blocking threads, never on the caller's executor.
public final class GroupCommitter: Sendable {
    private struct Job {
        var write: EventLog.GroupedWrite
        var done: CheckedContinuation<Result<[App.Recorded], ParleyError>, Never>
    }

    private struct Queue {
        var waiting: [Job] = []
        /// A writer is draining the queue.
        var draining = false
    }

    /// The most writes committed in one transaction.
    public static let largestGroup = 1_000

    private let app: App
    private let queue = Guarded(Queue())
    /// Told the size of each group once it is committed.
    private let committed: @Sendable (Int) -> Void

    public init(app: App, committed: @escaping @Sendable (Int) -> Void = { _ in }) {
        self.app = app
        self.committed = committed
    }

    /// Decides `command` for `actor` and records its events, in the next group.
    public func run(_ command: Command, as actor: String, at: Timestamp? = nil) async throws(ParleyError) -> [App.Recorded] {
        try await submit(EventLog.GroupedWrite { reader in
            try command.decide(try reader.state(for: command.needs(actor: actor)), actor: actor, at: at)
        })
    }

    /// Records `events`, all or none, in the next group.
    public func record(_ events: [ProposedEvent], policy: RulePolicy = .everything) async throws(ParleyError) -> [App.Recorded] {
        try await submit(EventLog.GroupedWrite(policy: policy) { _ in events })
    }

    private func submit(_ write: EventLog.GroupedWrite) async throws(ParleyError) -> [App.Recorded] {
        let result = await withCheckedContinuation { (done: CheckedContinuation<Result<[App.Recorded], ParleyError>, Never>) in
            let startWriter = queue.withLock { queue in
                queue.waiting.append(Job(write: write, done: done))
                if queue.draining { return false }
                queue.draining = true
                return true
            }
            if startWriter { App.blockingWork.async { self.drain() } }
        }
        return try result.get()
    }

    /// Commits what waits, group after group, until nothing does.
    private func drain() {
        while true {
            let jobs = queue.withLock { queue -> [Job] in
                guard !queue.waiting.isEmpty else {
                    queue.draining = false
                    return []
                }
                let taken = Array(queue.waiting.prefix(Self.largestGroup))
                queue.waiting.removeFirst(taken.count)
                return taken
            }
            guard !jobs.isEmpty else { return }
            commit(jobs)
        }
    }

    private func commit(_ jobs: [Job]) {
        let results: [Result<[EventLog.AppendOutcome], any Error>]
        do {
            results = try app.log.executeGroup(jobs.map(\.write))
        } catch {
            let failure = ParleyError(mapping: error)
            for job in jobs { job.done.resume(returning: .failure(failure)) }
            return
        }
        committed(jobs.count)
        for (job, result) in zip(jobs, results) {
            switch result {
            case let .success(outcomes): job.done.resume(returning: .success(outcomes.map(App.Recorded.init)))
            case let .failure(error): job.done.resume(returning: .failure(ParleyError(mapping: error)))
            }
        }
    }
}
