import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import ParleyCore
import Synchronization
import Testing

/// A receiver of webhooks on a loopback port, in the test process, that
/// fails some requests on purpose: 500 on every third, 429 with
/// `Retry-After: 1` on the second (early, so the retry comes from the same
/// server process: a restarted server does not remember a receiver's wait).
final class FlakyReceiver: Sendable {
    struct Attempt: Sendable {
        var path: String
        var position: Int64
        var body: String
        var signature: String?
        var at: ContinuousClock.Instant
        var answered: Int
    }

    /// Every attempt, in the order they came.
    final class Log: Sendable {
        let list = Mutex<[Attempt]>([])
    }

    let log = Log()
    private let task: Task<Void, any Error>
    let port: Int

    init(failing: Bool = true) async throws {
        let log = self.log
        let counter = Counter()
        let router = Router()
        router.post("/:hook") { request, context -> Response in
            var request = request
            let body = String(buffer: try await request.collectBody(upTo: 1 << 20))
            let count = counter.next()
            let status: HTTPResponse.Status = !failing ? .ok : count == 2 ? .tooManyRequests : count % 3 == 0 ? .internalServerError : .ok
            log.list.withLock {
                $0.append(Attempt(path: context.parameters.get("hook") ?? "", position: Int64(request.headers[HTTPField.Name("X-Parley-Position")!] ?? "") ?? 0,
                                  body: body, signature: request.headers[HTTPField.Name("X-Parley-Signature")!], at: .now,
                                  answered: Int(status.code)))
            }
            var response = Response(status: status)
            if status == .tooManyRequests { response.headers[.retryAfter] = "1" }
            return response
        }
        let (stream, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) })
        task = Task { try await app.run() }
        var iterator = stream.makeAsyncIterator()
        port = await iterator.next() ?? 0
    }

    func stop() { task.cancel() }

    final class Counter: Sendable {
        private let value = Mutex(0)
        func next() -> Int { value.withLock { $0 += 1; return $0 } }
    }

    var attempts: [Attempt] { log.list.withLock { $0 } }

    /// The positions answered 2xx at `path`, in the order they came.
    func delivered(_ path: String) -> [Int64] {
        attempts.filter { $0.path == path && (200..<300).contains($0.answered) }.map(\.position)
    }
}

@Suite(.serialized) struct WebhookTests {
    @Test func deliveriesComeOnceInOrderThroughFailuresAndARestart() async throws {
        let workspace = try Workspace()
        _ = try workspace.teamWithTokens()
        let receiver = try await FlakyReceiver()
        defer { receiver.stop() }
        let base = "http://127.0.0.1:\(receiver.port)"
        let secret = "0123456789abcdef-secret"
        try workspace.ok("webhook", "add", base + "/json", "--types", "tension.*,lead.sent", "--secret", secret, "--as", "lee@mgmt")
        try workspace.ok("webhook", "add", base + "/slack", "--types", "tension.flagged", "--format", "slack", "--as", "lee@mgmt")
        // Only management aims the server at addresses; the secret never enters the log.
        #expect(try workspace.run("webhook", "add", base + "/x", "--as", "mia@marketing").status == 7)
        #expect(try workspace.events().allSatisfy { !$0.canonicalText.contains(secret) })

        var server: LiveServer? = try LiveServer(workspace, arguments: ["--webhook-retry", "0.2"])
        for index in 1...8 { try workspace.ok("lead", "send", "L-\(index)", "--source", "webinar", "--to", "sam@sales", "--as", "mia@marketing") }
        try workspace.ok("lead", "accept", "L-1", "--as", "sam@sales")
        try workspace.ok("tension", "flag", "--title", "Webinar leads are mostly students", "--severity", "high", "--category", "lead-quality",
                         "--as", "sam@sales")
        let wanted = { () throws -> [Int64] in
            try workspace.events().filter { ["lead.sent", "tension.flagged"].contains($0["type"]?.stringValue ?? "") }
                .compactMap { $0["position"]?.integerValue }
        }
        try await waitUntil { Set(receiver.delivered("json")).isSuperset(of: try wanted()) }

        // Stopped, then started again: delivery resumes where it stopped.
        #expect(server!.stop() == 0)
        server = nil
        for index in 9...12 { try workspace.ok("lead", "send", "L-\(index)", "--source", "webinar", "--to", "sam@sales", "--as", "mia@marketing") }
        server = try LiveServer(workspace, arguments: ["--webhook-retry", "0.2"])
        defer { _ = server?.stop() }
        try await waitUntil { Set(receiver.delivered("json")).isSuperset(of: try wanted()) }

        let delivered = receiver.delivered("json")
        #expect(delivered == (try wanted()), "each wanted event once, in position order")
        let attempts = receiver.attempts
        #expect(attempts.contains { $0.answered == 500 } && attempts.contains { $0.answered == 429 }, "the receiver failed some on purpose")
        // After the 429, the next attempt waited for Retry-After.
        if let refused = attempts.firstIndex(where: { $0.answered == 429 }), refused + 1 < attempts.count {
            let next = attempts[(refused + 1)...].first { $0.path == attempts[refused].path }
            #expect(next.map { $0.at - attempts[refused].at >= .milliseconds(900) } ?? false, "Retry-After honoured")
        }
        // Signed with HMAC-SHA256 of the body.
        for attempt in attempts where attempt.path == "json" {
            let code = HMAC<SHA256>.authenticationCode(for: Data(attempt.body.utf8), using: SymmetricKey(data: Data(secret.utf8)))
            #expect(attempt.signature == "sha256=" + code.map { String(format: "%02x", $0) }.joined())
        }
        // The slack hook got one readable sentence for the tension.
        try await waitUntil { !receiver.delivered("slack").isEmpty }
        let slack = try #require(attempts.last { $0.path == "slack" && $0.answered == 200 } ?? receiver.attempts.last { $0.path == "slack" })
        #expect(slack.body.contains(#""text":"sam@sales flagged a high lead-quality tension"#) && slack.body.contains("Webinar leads are mostly students"),
                "\(slack.body)")
        // The list shows each hook's state and its last failure.
        let list = try workspace.ok("webhook", "list", "--json").stdout
        #expect(list.contains(#""last_failure":"HTTP"#) && list.contains(#""signed":true"#) && !list.contains(secret), "\(list)")
        try workspace.ok("webhook", "remove", "W-2", "--as", "lee@mgmt")
        #expect(try workspace.run("webhook", "remove", "W-2", "--as", "lee@mgmt").status == 7)
    }

    private func waitUntil(_ condition: () throws -> Bool, seconds: Double = 60) async throws {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while try !condition() {
            if ContinuousClock.now > deadline { throw ServerTestError("timed out waiting for deliveries") }
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}
