import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import ParleyCore
import Testing

/// A `parley serve` process on a free loopback port, over a workspace's log.
final class LiveServer: @unchecked Sendable {
    // Set once in init, then only read.
    let process: Process
    let base: String
    let workspace: Workspace
    private let output: URL

    /// Starts the server and waits for the line that names its port.
    init(_ workspace: Workspace, arguments: [String] = []) throws {
        self.workspace = workspace
        let started = try workspace.start(["serve", "--port", "0"] + arguments, environment: ["LOG_LEVEL": "warning"])
        process = started.0
        output = started.1
        var found: String?
        for _ in 0..<400 where found == nil {
            let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").first(where: { $0.contains("http://") }) {
                found = String(line[line.range(of: "http://")!.lowerBound...])
            } else if !process.isRunning {
                break
            } else {
                Thread.sleep(forTimeInterval: 0.05)
            }
        }
        guard let found else {
            process.terminate()
            throw ServerTestError("the server did not start: \((try? String(contentsOf: started.2, encoding: .utf8)) ?? "")")
        }
        base = found
    }

    deinit {
        if process.isRunning { process.terminate() }
    }

    /// One answer: status, headers and body.
    struct Answer {
        var status: Int
        var headers: HTTPHeaders
        var body: String
        var json: JSONValue? { try? JSONValue.parse(body) }
    }

    /// Sends one request and reads the whole answer.
    func send(_ method: HTTPMethod, _ path: String, token: String? = nil, body: String? = nil,
              headers: [(String, String)] = []) async throws -> Answer {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await Self.client.execute(request, timeout: .seconds(60))
        let bytes = try await response.body.collect(upTo: 64 << 20)
        return Answer(status: Int(response.status.code), headers: response.headers, body: String(buffer: bytes))
    }

    /// A client that shows redirects instead of following them (never shut
    /// down: it lives as long as the test process).
    static let client = HTTPClient(eventLoopGroupProvider: .singleton,
                                   configuration: HTTPClient.Configuration(redirectConfiguration: .disallow))

    /// Stops the server with SIGTERM and returns its exit status.
    func stop() -> Int32 {
        process.terminate()
        process.waitUntilExit()
        return process.terminationStatus
    }
}

struct ServerTestError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension Workspace {
    /// A log with a manager, a marketer and a sales rep, and a token for each.
    func teamWithTokens() throws -> (lee: String, mia: String, sam: String) {
        try ok("init")
        try ok("member", "add", "lee@mgmt", "--name", "Lee Park", "--team", "management", "--as", "lee@mgmt")
        try ok("member", "add", "mia@marketing", "--name", "Mia Chen", "--team", "marketing", "--as", "lee@mgmt")
        try ok("member", "add", "sam@sales", "--name", "Sam Ortiz", "--team", "sales", "--as", "lee@mgmt")
        func token(_ handle: String) throws -> String {
            try ok("token", "issue", handle, "--as", "lee@mgmt").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return (try token("lee@mgmt"), try token("mia@marketing"), try token("sam@sales"))
    }

    /// The log's events as JSON values, via `parley log --json`.
    func events() throws -> [JSONValue] {
        try ok("log", "--json").stdout.split(separator: "\n").map { try JSONValue.parse(String($0)) }
    }
}
