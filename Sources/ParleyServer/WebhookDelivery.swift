import AsyncHTTPClient
import CoreMetrics
import Crypto
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import ParleyApp
import ParleyCore
import ServiceLifecycle
import Synchronization

/// Posts events to the webhooks management added: at least once, in
/// order per webhook. A webhook's cursor (`delivered_up_to`) moves only
/// after its receiver answered 2xx, so a restart resumes where delivery
/// stopped. A failure is retried with backoff (1, 2, 4, … 60 s), or after
/// the receiver's `Retry-After`; other webhooks go on meanwhile.
struct WebhookDelivery: Service {
    let app: App
    let growth: LogGrowth
    let metrics: ServerMetrics
    let logger: Logger
    /// Seconds the first retry waits (tests make it short).
    var firstBackoff: Double = 1

    func run() async throws {
        let client = HTTPClient(eventLoopGroupProvider: .singleton,
                                configuration: HTTPClient.Configuration(redirectConfiguration: .disallow,
                                                                        timeout: .init(connect: .seconds(5), read: .seconds(10))))
        let stopping = Mutex(false)
        await withGracefulShutdownHandler {
            var retryAt: [String: ContinuousClock.Instant] = [:]
            while !stopping.withLock({ $0 }) && !Task.isCancelled {
                let hooks = (try? await app.perform { try $0.webhooks() }) ?? []
                var lowest = Int64.max
                for hook in hooks {
                    if let at = retryAt[hook.id], ContinuousClock.now < at { continue }
                    if let wait = await deliver(hook, client: client) {
                        retryAt[hook.id] = ContinuousClock.now + .milliseconds(Int(wait * 1000))
                    } else {
                        retryAt[hook.id] = nil
                    }
                    lowest = min(lowest, hook.deliveredUpTo)
                }
                await growth.wait(beyond: lowest == .max ? Int64.max : lowest, atMost: 1)
            }
        } onGracefulShutdown: {
            stopping.withLock { $0 = true }
        }
        try? await client.shutdown()
    }

    /// Delivers what `hook` has not had yet, a page at a time.
    ///
    /// - Returns: seconds to wait before trying again after a failure, or nil.
    private func deliver(_ hook: Webhook, client: HTTPClient) async -> Double? {
        let filter = EventFilter(after: hook.deliveredUpTo, limit: 100)
        guard let events = try? await app.perform({ app in
            var page: [RecordedEvent] = []
            try app.events(filter) { page.append($0); return true }
            return page
        }), !events.isEmpty else { return nil }
        // `passed`: every event up to here is delivered or not wanted; `marked`: what the table says.
        var passed = hook.deliveredUpTo, marked = hook.deliveredUpTo
        for event in events {
            guard hook.wants(event.type) else {
                passed = event.position
                continue
            }
            if let failure = await post(event, to: hook, client: client) {
                if passed > marked { try? await markDelivered(hook.id, passed) }
                metrics.webhookFailures.increment()
                let reason = failure.reason
                try? await app.perform { try $0.webhookFailed(hook.id, reason) }
                logger.warning("webhook delivery failed", metadata: ["webhook": "\(hook.id)", "position": "\(event.position)", "reason": "\(reason)"])
                let backoff = min(60, firstBackoff * pow(2, Double(min(hook.failures, 10))))
                return failure.retryAfter.map { min($0, 600) } ?? backoff
            }
            metrics.webhookDeliveries.increment()
            // The cursor moves after each delivery: a restart repeats at most the one in flight.
            passed = event.position
            try? await markDelivered(hook.id, passed)
            marked = passed
        }
        if passed > marked { try? await markDelivered(hook.id, passed) }
        return nil
    }

    private func markDelivered(_ id: String, _ position: Int64) async throws {
        try await app.perform { try $0.webhookDelivered(id, upTo: position) }
    }

    private struct Failure {
        var reason: String
        var retryAfter: Double?
    }

    private func post(_ event: RecordedEvent, to hook: Webhook, client: HTTPClient) async -> Failure? {
        let body = hook.format == "slack"
            ? JSONValue.object([("text", .string(Self.sentence(event)))]).canonicalText
            : event.jsonLine
        var request = HTTPClientRequest(url: hook.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "parley-webhook")
        request.headers.add(name: "X-Parley-Webhook", value: hook.id)
        request.headers.add(name: "X-Parley-Position", value: String(event.position))
        request.headers.add(name: "X-Parley-Event", value: event.id.description)
        if let secret = hook.secret {
            let code = HMAC<SHA256>.authenticationCode(for: Data(body.utf8), using: SymmetricKey(data: Data(secret.utf8)))
            request.headers.add(name: "X-Parley-Signature", value: "sha256=" + code.map { String(format: "%02x", $0) }.joined())
        }
        request.body = .bytes(ByteBuffer(string: body))
        do {
            let response = try await client.execute(request, timeout: .seconds(15))
            _ = try? await response.body.collect(upTo: 64 * 1024)
            if (200..<300).contains(response.status.code) { return nil }
            let retryAfter = response.headers.first(name: "Retry-After").flatMap(Double.init)
            return Failure(reason: "HTTP \(response.status.code)", retryAfter: response.status == .tooManyRequests ? (retryAfter ?? 30) : retryAfter)
        } catch {
            return Failure(reason: "\(error)", retryAfter: nil)
        }
    }

    /// One readable sentence for a chat: who did what.
    static func sentence(_ event: RecordedEvent) -> String {
        EventSummary.line(event, data: Payload(event.payload))
    }
}
