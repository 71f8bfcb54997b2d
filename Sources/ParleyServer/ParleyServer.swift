import CoreMetrics
import Foundation
import HTTPTypes
public import Hummingbird
import HummingbirdAuth
public import Logging
import NIOCore
public import ParleyApp
import ParleyCore
import ServiceLifecycle

/// `parley serve`: the application facade over HTTP. It parses,
/// authenticates, calls ``App`` and renders; it decides nothing itself.
///
/// ```swift
/// let server = ParleyServer(app: try App.open(at: "parley.db"))
/// try await server.run(ParleyServer.Configuration(port: 8080))
/// ```
public struct ParleyServer: Sendable {
    public struct Configuration: Sendable {
        public var host: String
        /// 0: any free port (``run(_:onRunning:)`` says which).
        public var port: Int
        /// Seconds between heartbeat comments on an idle feed.
        public var heartbeatSeconds: Double
        /// Seconds before a failed webhook delivery is first retried (it doubles after).
        public var webhookFirstBackoff: Double

        public init(host: String = "127.0.0.1", port: Int = 8080, heartbeatSeconds: Double = 15, webhookFirstBackoff: Double = 1) {
            self.host = host
            self.port = port
            self.heartbeatSeconds = heartbeatSeconds
            self.webhookFirstBackoff = webhookFirstBackoff
        }
    }

    let app: App
    let metrics: ServerMetrics
    let growth = LogGrowth()
    let failures: FailedAuthentications
    let logger: Logger
    /// Where commands and batches of events are committed in groups (nil:
    /// a transaction per request).
    let writes: GroupCommitter?

    /// - Parameters:
    ///   - groupCommit: commit concurrent requests' writes in groups, one
    ///     sync each (``GroupCommitter``); false: one transaction per request.
    ///   - failedSignInsPerMinute: failed authentications an address may
    ///     make in a minute before it is made to wait (429).
    public init(app: App, logger: Logger = Logger(label: "parley.server"), groupCommit: Bool = true, failedSignInsPerMinute: Int = 10) {
        self.app = app
        self.logger = logger
        failures = FailedAuthentications(limit: failedSignInsPerMinute)
        let metrics = ServerMetrics()
        self.metrics = metrics
        writes = groupCommit ? GroupCommitter(app: app) { writes in
            metrics.groups.increment()
            metrics.groupedWrites.increment(by: writes)
            metrics.transactions.increment()
        } : nil
    }

    /// The router: every route of the API, behind its middleware.
    public func router(heartbeatSeconds: Double = 15) -> Router<ParleyRequestContext> {
        let router = Router(context: ParleyRequestContext.self)
        router.add(middleware: ProblemMiddleware())
        addPublicRoutes(to: router)
        let api = router.group("/api/v1").add(middleware: TokenAuthenticator(app: app, failures: failures))
        addCommandRoutes(to: api)
        addEventRoutes(to: api)
        addViewRoutes(to: api)
        addTokenRoutes(to: api)
        addFeedRoute(to: api, heartbeatSeconds: heartbeatSeconds)
        addDashboardRoutes(to: router, heartbeatSeconds: heartbeatSeconds)
        return router
    }

    /// Serves until SIGINT or SIGTERM, then stops taking requests, ends
    /// the feeds and finishes the writes in flight.
    ///
    /// - Parameter onRunning: told the port the server listens on.
    public func run(_ configuration: Configuration, onRunning: @escaping @Sendable (Int) -> Void = { _ in }) async throws {
        let application = Application(
            router: router(heartbeatSeconds: configuration.heartbeatSeconds),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "parley"),
            services: [WebhookDelivery(app: app, growth: growth, metrics: metrics, logger: logger,
                                       firstBackoff: configuration.webhookFirstBackoff)],
            onServerRunning: { channel in onRunning(channel.localAddress?.port ?? configuration.port) },
            logger: logger
        )
        let head = try await app.perform { try $0.head() }
        growth.grew(to: head.lastPosition)
        try await application.runService()
    }

    /// What a request writes through the group committer: a command run
    /// as a member, or a batch of events.
    enum Write: Sendable {
        case command(Command, actor: String)
        case events([ProposedEvent])
    }

    /// Records `write` in the next group (or in a transaction of its own
    /// when group commit is off), counting it, and wakes the feeds.
    func append(_ write: Write) async throws -> [App.Recorded] {
        guard let writes else {
            return try await append { app in
                switch write {
                case let .command(command, actor): try app.run(command, as: actor)
                case let .events(events): try app.record(events)
                }
            }
        }
        return try await counting(transactions: 0) {
            switch write {
            case let .command(command, actor): try await writes.run(command, as: actor)
            case let .events(events): try await writes.record(events)
            }
        }
    }

    /// Records through the facade off the event loop, in a transaction of
    /// its own, counting it, and wakes the feeds.
    func append(_ work: @escaping @Sendable (App) throws -> [App.Recorded]) async throws -> [App.Recorded] {
        try await counting(transactions: 1) { try await app.perform(work) }
    }

    private func counting(transactions: Int, _ body: () async throws -> [App.Recorded]) async throws -> [App.Recorded] {
        let start = ContinuousClock.now
        do {
            let recorded = try await body()
            metrics.recordAppend(since: start)
            metrics.transactions.increment(by: transactions)
            let appended = recorded.filter { !$0.alreadyRecorded }
            metrics.appends.increment(by: appended.count)
            if let last = recorded.map(\.event.position).max() { growth.grew(to: last) }
            return recorded
        } catch {
            metrics.refused.increment()
            throw error
        }
    }
}
