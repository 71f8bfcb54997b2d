import CoreMetrics
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ParleyApp
import ParleyCore
import ServiceLifecycle

extension ParleyServer {
    /// `GET /api/v1/feed`: the log as Server-Sent Events, one per event in
    /// position order, from after `Last-Event-ID` (or `after`), exclusive.
    ///
    /// A subscriber holds a cursor, not a buffer: it reads a page `WHERE
    /// position > cursor` from SQLite, sends it, and waits for the log to
    /// grow. SQLite has one writer and positions are given inside its
    /// transaction, so a position is never committed after a higher one:
    /// reading past the cursor never skips an event, at the switch from
    /// catch-up to live or anywhere else. With `limit`, the feed sends at
    /// most that many events that are in the log now, then ends.
    func addFeedRoute(to api: RouterGroup<ParleyRequestContext>, heartbeatSeconds: Double) {
        api.get("/feed") { request, context in
            let member = try context.member()
            let query = QueryParameters(request)
            let resume = request.headers[HTTPField.Name("Last-Event-ID")!].flatMap { Int64($0.trimmingCharacters(in: .whitespaces)) }
            let start = try resume ?? query.integer("after", in: 0...Int64.max) ?? 0
            let limit = try query.integer("limit", in: 1...1_000_000).map(Int.init)
            return feed(for: member, after: start, limit: limit, heartbeatSeconds: heartbeatSeconds)
        }
    }

    /// The feed's stream for `member` (a token or a dashboard session), from after `start`.
    func feed(for member: AuthenticatedMember, after start: Int64, limit: Int?, heartbeatSeconds: Double) -> Response {
        let app = self.app, growth = self.growth, metrics = self.metrics
        let body = ResponseBody { writer in
            growth.subscribe()
            metrics.feedSubscribers.increment()
            defer {
                growth.unsubscribe()
                metrics.feedSubscribers.decrement()
            }
            var cursor = start
            var sent = 0
            var quietSince = ContinuousClock.now
            // A comment first, so clients and proxies see the stream open at once.
            try await writer.write(ByteBuffer(string: ": parley feed after \(start)\n\n"))
            // The server waits for open requests when it stops: a feed ends then.
            try await withGracefulShutdownHandler {
                while !Task.isCancelled && !growth.isClosed {
                    let pageSize = min(500, limit.map { $0 - sent } ?? 500)
                    let filter = EventFilter(after: cursor, limit: pageSize)
                    let page = try await app.perform { app in
                        var events: [RecordedEvent] = []
                        try app.events(filter) { events.append($0); return true }
                        return events
                    }
                    if !page.isEmpty {
                        var text = ""
                        for event in page {
                            text += "id: \(event.position)\nevent: \(event.type)\ndata: \(event.jsonLine)\n\n"
                        }
                        try await writer.write(ByteBuffer(string: text))
                        metrics.feedEvents.increment(by: page.count)
                        cursor = page[page.count - 1].position
                        sent += page.count
                        quietSince = ContinuousClock.now
                    }
                    if let limit, sent >= limit || page.count < pageSize { break }
                    if page.count == pageSize { continue }
                    // Caught up: wait for the log to grow. Other processes write
                    // unannounced, so look again at least every second.
                    await growth.wait(beyond: cursor, atMost: min(1, heartbeatSeconds))
                    if ContinuousClock.now - quietSince >= .milliseconds(Int(heartbeatSeconds * 1000)) {
                        try await writer.write(ByteBuffer(string: ": heartbeat\n\n"))
                        quietSince = ContinuousClock.now
                    }
                    // A revoked token, or a member who left, ends the stream.
                    let stillValid = (try? await app.perform { try $0.tokenIsInForce(member.tokenID) }) ?? false
                    if !stillValid { break }
                }
            } onGracefulShutdown: {
                growth.close()
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [
            .contentType: "text/event-stream",
            .cacheControl: "no-cache",
            HTTPField.Name("X-Accel-Buffering")!: "no",
        ], body: body)
    }
}
