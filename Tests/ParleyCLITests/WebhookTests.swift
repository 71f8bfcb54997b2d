import Crypto
import Foundation
import ParleyCore
import Testing

/// A receiver of webhooks in a process of its own (scripts/webhook-receiver),
/// that fails some requests on purpose: 500 on every third, 429 with
/// `Retry-After: 1` on the second. Its own process, so the test process's
/// busy threads cannot delay it or its clock.
final class FlakyReceiver: @unchecked Sendable {
    // Set once in init, then only read.
    struct Attempt: Sendable {
        var path: String
        var position: Int64
        var body: String
        var signature: String?
        var at: Double
        var answered: Int
    }

    private let process = Process()
    private let log: URL
    let port: Int

    init(in folder: URL) throws {
        log = folder.appending(path: "receiver.jsonl")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process.executableURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appending(path: "scripts/webhook-receiver")
        process.arguments = [log.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        // Not the test's own stderr: a child holding it open keeps `swift test` waiting.
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while !line.contains(0x0A) {
            let chunk = pipe.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        guard let port = Int(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw ServerTestError("the webhook receiver did not start")
        }
        self.port = port
    }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    /// Every attempt so far, in the order they came.
    var attempts: [Attempt] {
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            guard let value = try? JSONValue.parse(String(line)) else { return nil }
            return Attempt(path: value["path"]?.stringValue ?? "", position: value["position"]?.integerValue ?? 0,
                           body: value["body"]?.stringValue ?? "", signature: value["signature"]?.stringValue,
                           at: value["at"].flatMap { if case let .double(d) = $0 { d } else { $0.integerValue.map(Double.init) } } ?? 0,
                           answered: Int(value["answered"]?.integerValue ?? 0))
        }
    }

    /// The positions answered 2xx at `path`, in the order they came.
    func delivered(_ path: String) -> [Int64] {
        attempts.filter { $0.path == path && (200..<300).contains($0.answered) }.map(\.position)
    }
}

@Suite(.serialized) struct WebhookTests {
    @Test func deliveriesComeOnceInOrderThroughFailuresAndARestart() async throws {
        let workspace = try Workspace()
        _ = try workspace.teamWithTokens()
        let receiver = try FlakyReceiver(in: workspace.folder)
        defer { receiver.stop() }
        let base = "http://127.0.0.1:\(receiver.port)"
        let secret = "0123456789abcdef-secret"
        try workspace.ok("webhook", "add", base + "/json", "--types", "tension.*,lead.sent", "--secret", secret, "--as", "lee@mgmt")
        try workspace.ok("webhook", "add", base + "/slack", "--types", "tension.flagged", "--format", "slack", "--as", "lee@mgmt")
        // Only management aims the server at addresses; the secret never enters the log.
        #expect(try workspace.run("webhook", "add", base + "/x", "--as", "mia@marketing").status == 7)
        // Types that name nothing would leave the webhook silent for good: refused, with the nearest name.
        let recorded = try workspace.events().count
        let typo = try workspace.run("webhook", "add", base + "/x", "--types", "tension.*,lead.acepted", "--as", "lee@mgmt")
        #expect(typo.status == 2 && typo.stderr.contains("there is no event type \"lead.acepted\"; did you mean lead.accepted?"), "\(typo.stderr)")
        let family = try workspace.run("webhook", "add", base + "/x", "--types", "tensoin.*", "--as", "lee@mgmt")
        #expect(family.status == 2 && family.stderr.contains("no event type starts with \"tensoin.\""), "\(family.stderr)")
        #expect(try workspace.events().count == recorded)
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
            let start = attempts[0].at
            #expect(next.map { $0.at - attempts[refused].at >= 0.9 } ?? false,
                    "Retry-After honoured: \(attempts.map { "\($0.path) \($0.position) \($0.answered) at \($0.at - start)" })")
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
