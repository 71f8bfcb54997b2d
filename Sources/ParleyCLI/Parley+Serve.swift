import ArgumentParser
import Foundation
import Logging
import ParleyApp
import ParleyServer

extension Parley {
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "serve",
            abstract: "Serve the log over HTTP to both teams, each member with their own token.",
            discussion: """
                Every command and view of the CLI, under /api/v1, as JSON; the log as a live feed (Server-Sent Events) at /api/v1/feed; /healthz and /metrics (Prometheus). Each request carries `Authorization: Bearer TOKEN`, and the token's member is the actor of what it records. The API is described at /api/v1/openapi.json. It listens on loopback unless --host says otherwise: put it behind a TLS proxy to reach it from elsewhere (docs/api.md). SIGINT or SIGTERM stops it after the writes in flight. Writes from concurrent requests are committed in groups, one sync for each group; a request the rules refuse fails alone.

                Examples:
                  parley token issue mia@marketing --label laptop --as lee@mgmt
                  parley serve --port 8080
                  curl -H "Authorization: Bearer $TOKEN" \\
                      http://127.0.0.1:8080/api/v1/views/issues
                """
        )
        @OptionGroup var database: DatabaseOptions
        @Option(help: ArgumentHelp("The address to listen on.", valueName: "address")) var host = "127.0.0.1"
        @Option(help: ArgumentHelp("The port (0: any free one; the first line printed says which).", valueName: "port")) var port = 8080
        @Option(help: ArgumentHelp("Seconds before a failed webhook delivery is retried the first time; it doubles up to a minute.", valueName: "seconds"))
        var webhookRetry = 1.0
        @Flag(inversion: .prefixedNo, help: ArgumentHelp(
            "Commit the writes of concurrent requests together, with one sync per group (the default); --no-group-commit gives each request a transaction of its own, which is slower under load."))
        var groupCommit = true
        @Option(help: ArgumentHelp("Failed authentications an address may make in a minute before it must wait (429).", valueName: "count"))
        var failedSignInsPerMinute = 10

        func validate() throws {
            guard (0...65535).contains(port) else { throw ValidationError("--port takes 0 to 65535; got \(port)") }
            guard webhookRetry > 0 && webhookRetry <= 60 else { throw ValidationError("--webhook-retry takes 0 to 60 seconds; got \(webhookRetry)") }
            guard failedSignInsPerMinute >= 1 else { throw ValidationError("--failed-sign-ins-per-minute takes 1 or more; got \(failedSignInsPerMinute)") }
        }

        func run() async throws {
            let app = try database.open()
            var logger = Logger(label: "parley.server")
            logger.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
            let server = ParleyServer(app: app, logger: logger, groupCommit: groupCommit, failedSignInsPerMinute: failedSignInsPerMinute)
            let host = self.host
            try await server.run(ParleyServer.Configuration(host: host, port: port, webhookFirstBackoff: webhookRetry)) { port in
                Output.standard.line("parley serving \(app.path ?? "the log") at http://\(host):\(port)")
                Output.standard.flush()
            }
        }
    }
}
