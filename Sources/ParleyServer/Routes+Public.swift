import CoreMetrics
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ParleyApp
import ParleyCore

extension ParleyServer {
    /// What needs no token: health, metrics and the API's own description.
    func addPublicRoutes(to router: Router<ParleyRequestContext>) {
        router.get("/healthz") { _, _ in
            let head = try await app.perform { try $0.head() }
            return Self.json(.object([
                ("status", .string("ok")),
                ("events", .integer(Int64(head.count))),
                ("last_position", .integer(head.lastPosition)),
            ]))
        }
        router.get("/metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: ResponseBody(byteBuffer: ByteBuffer(string: metrics.text)))
        }
        router.get("/api/v1/openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"],
                     body: ResponseBody(byteBuffer: ByteBuffer(string: OpenAPIDocument.served)))
        }
    }
}
