import Foundation
import HTTPTypes
public import Hummingbird
public import HummingbirdAuth
import Logging
import NIOCore
public import ParleyApp

/// What a request carries through the router: who it proved to be, and
/// where it came from (for slowing down repeated failed authentication).
public struct ParleyRequestContext: AuthRequestContext, RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The member the bearer token stands for, once authenticated.
    public var identity: AuthenticatedMember?
    /// The client's IP address.
    public let clientAddress: String
    /// The dashboard's session, for a signed-in browser.
    var session: DashboardSession?

    public init(source: ApplicationRequestContextSource) {
        coreContext = CoreRequestContextStorage(source: source)
        identity = nil
        session = nil
        clientAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
    }

    /// The largest body read: a batch of events (one event is smaller, see ``ServerLimits``).
    public var maxUploadSize: Int { ServerLimits.batchBytes }

    /// The authenticated member.
    func member() throws -> AuthenticatedMember {
        guard let identity else {
            throw Problem(.unauthorized, code: "unauthenticated", "this route needs a token", remedy: "send Authorization: Bearer TOKEN")
        }
        return identity
    }
}

/// What the server takes in one request.
public enum ServerLimits {
    /// One event's JSON, at most.
    public static let eventBytes = 64 * 1024
    /// A batch of events, at most.
    public static let batchBytes = 4 * 1024 * 1024
    /// Events in one batch, at most.
    public static let batchEvents = 1_000
    /// Events in one page of `GET /api/v1/events`, at most.
    public static let pageEvents = 1_000
}

extension Parameters {
    /// The path parameter `name` as the client meant it: the router hands
    /// segments over still percent-encoded (`L-%C3%BC` for `L-ü`).
    func decoded(_ name: String) -> String? {
        get(name).map { $0.removingPercentEncoding ?? $0 }
    }
}
