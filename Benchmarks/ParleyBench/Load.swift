import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Many writers at once through HTTP: concurrent clients, each posting one
/// event at a time to a live `parley serve` on loopback, on a fresh log
/// (synchronous=FULL, as always), once with group commit and once with a
/// transaction per request, in one run. The load client runs in this
/// process, on the same cores as the server, and stops by itself.
struct Load: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Concurrent writers over HTTP: group commit against a transaction per request.")

    @Option(help: "The parley binary to measure.") var parley: String
    @Option(help: "Working folder (the logs are left there).") var dir: String
    @Option(help: "Concurrent clients.") var clients = 64
    @Option(help: "Seconds each server is loaded for.") var seconds = 10.0

    func validate() throws {
        guard (1...1024).contains(clients) else { throw ValidationError("--clients takes 1 to 1024") }
        guard seconds > 0 && seconds <= 300 else { throw ValidationError("--seconds takes up to 300") }
    }

    /// What one server did under the load.
    struct Outcome {
        var events = 0
        var failed = 0
        var seconds: Double
        var latencies: [Double]
        var groups: Double
        /// What each request did: posted an event, or only read.
        var unit = "events"

        var rate: Double { Double(events) / seconds }
        func percentile(_ p: Double) -> Double { latencies.isEmpty ? 0 : latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] }
    }

    func run() async throws {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: clients)
        // No spans: even with no tracer set up, the client makes a span and its attributes for
        // every request (a fiftieth of both cores under this load), time the server does not get.
        configuration.tracing.tracer = nil
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        var outcomes: [(String, Outcome)] = []
        do {
            for (name, arguments) in [("group commit", [String]()), ("a transaction per request", ["--no-group-commit"])] {
                progress("\(clients) clients against parley serve \(arguments.joined(separator: " ")) for \(seconds) s…")
                outcomes.append((name, try await load(client, serverArguments: arguments, label: arguments.isEmpty ? "grouped" : "single")))
            }
            progress("\(clients) clients reading GET /metrics for \(seconds) s (HTTP alone)…")
            outcomes.append(("HTTP alone (GET /metrics)", try await load(client, serverArguments: [], label: "http", writing: false)))
            try await client.shutdown()
        } catch {
            try? await client.shutdown()
            throw error
        }
        let grouped = outcomes[0].1, single = outcomes[1].1, http = outcomes[2].1
        print("")
        print("Parley load: \(clients) concurrent clients posting one event each to parley serve over loopback, "
              + "synchronous=FULL, \(ProcessInfo.processInfo.activeProcessorCount) cores (client included), \(Int(seconds)) s each")
        for (name, outcome) in outcomes {
            print(String(format: "%@: %.0f %@/s, p50 %.1f ms, p99 %.1f ms, %d failed%@", name.padding(toLength: 26, withPad: " ", startingAt: 0),
                         outcome.rate, outcome.unit, outcome.percentile(0.5) * 1000, outcome.percentile(0.99) * 1000, outcome.failed,
                         outcome.groups > 0 ? String(format: ", %.1f writes a group", Double(outcome.events) / outcome.groups) : ""))
        }
        print(String(format: "group commit: %.2f× a transaction per request; %.2f× HTTP alone (the same clients and server, "
                     + "a route that reads no token, no body and no database: the ceiling of these cores)", grouped.rate / single.rate,
                     grouped.rate / http.rate))
        print("targets: ≥ 8,000 durable events/s, ≥ 4× a transaction per request, p99 < 50 ms")
    }

    /// Starts a server on a fresh log, loads it, reads its metrics, stops it.
    /// `writing`: each request posts one event (else it reads `/metrics`).
    private func load(_ client: HTTPClient, serverArguments: [String], label: String, writing: Bool = true) async throws -> Outcome {
        let db = dir + "/load-\(label).db"
        for file in [db, db + "-wal", db + "-shm", db + ".head"] { try? FileManager.default.removeItem(atPath: file) }
        _ = try runProcess(parley, ["init", "--db", db])
        for (handle, team) in [("mia@marketing", "marketing"), ("sam@sales", "sales")] {
            _ = try runProcess(parley, ["member", "add", handle, "--name", handle, "--team", team, "--as", "mia@marketing", "--db", db])
        }
        let token = try output(parley, ["token", "issue", "mia@marketing", "--expires", "1h", "--as", "mia@marketing", "--db", db])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let (server, base) = try startServer(parley: parley, db: db, arguments: serverArguments)
        defer {
            server.terminate()
            server.waitUntilExit()
        }
        guard base.hasPrefix("http://127.0.0.1:") else { throw ValidationError("the load targets loopback only; the server said \(base)") }

        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start + .seconds(seconds)
        let results = try await withThrowingTaskGroup(of: (Int, Int, [Double]).self) { group in
            for writer in 0..<clients {
                group.addTask {
                    var done = 0, failed = 0, latencies: [Double] = []
                    var request = HTTPClientRequest(url: base + (writing ? "/api/v1/events" : "/metrics"))
                    request.method = writing ? .POST : .GET
                    request.headers.add(name: "Authorization", value: "Bearer \(token)")
                    request.headers.add(name: "Content-Type", value: "application/json")
                    var number = 0
                    while clock.now < deadline {
                        number += 1
                        let lead = "W\(writer)-\(number)"
                        if writing {
                            request.body = .bytes(ByteBuffer(string:
                                #"{"stream":"lead/\#(lead)","type":"lead.sent","data":{"lead":"\#(lead)","source":"webinar","assigned_to":"sam@sales"}}"#))
                        }
                        let sent = clock.now
                        let response = try await client.execute(request, timeout: .seconds(30))
                        _ = try await response.body.collect(upTo: 1 << 20)
                        let elapsed = clock.now - sent
                        latencies.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
                        if response.status == (writing ? .created : .ok) { done += 1 } else { failed += 1 }
                    }
                    return (done, failed, latencies)
                }
            }
            return try await group.reduce(into: [(Int, Int, [Double])]()) { $0.append($1) }
        }
        let elapsed = clock.now - start
        var outcome = Outcome(seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18,
                              latencies: results.flatMap(\.2).sorted(), groups: 0)
        outcome.events = results.reduce(0) { $0 + $1.0 }
        outcome.failed = results.reduce(0) { $0 + $1.1 }
        let metrics = try await client.execute(HTTPClientRequest(url: base + "/metrics"), timeout: .seconds(10))
        let text = String(buffer: try await metrics.body.collect(upTo: 1 << 20))
        outcome.groups = text.split(separator: "\n").first { $0.hasPrefix("parley_groups_committed_total ") }
            .flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0
        guard writing else {
            outcome.unit = "requests"
            return outcome
        }
        // The log holds what was acknowledged.
        let stored = try output(parley, ["log", "--type", "lead.sent", "--json", "--db", db]).split(separator: "\n").count
        guard stored == outcome.events else { throw ValidationError("\(outcome.events) events acknowledged, \(stored) in the log") }
        return outcome
    }

    private func progress(_ text: String) {
        FileHandle.standardError.write(Data("bench: \(text)\n".utf8))
    }
}
