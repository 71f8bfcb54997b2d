import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdAuth
import Logging
import ParleyApp
import ParleyCore
import Synchronization

/// Proves who a request is from: its `Authorization: Bearer` token, and
/// nothing else (a token in a query string would land in proxies' logs,
/// so one there is refused). Repeated failures from one address are
/// slowed down with 429.
struct TokenAuthenticator: AuthenticatorMiddleware {
    typealias Context = ParleyRequestContext
    let app: App
    let failures: FailedAuthentications

    func authenticate(request: Request, context: Context) async throws -> AuthenticatedMember? {
        if let query = request.uri.query, query.contains("token=") || query.contains("access_token=") {
            throw Problem(.badRequest, code: "token-in-query", "a token in the address would be written to logs",
                          remedy: "send it as Authorization: Bearer TOKEN, and revoke this one")
        }
        // A request without a token guesses nothing: it is told so, not slowed down.
        guard let bearer = request.headers.bearer else {
            var problem = Problem(.unauthorized, code: "unauthenticated", "this route needs a token",
                                  remedy: "send Authorization: Bearer TOKEN (parley token issue gives one)")
            problem.headers[.wwwAuthenticate] = "Bearer"
            throw problem
        }
        if let wait = failures.waitBeforeTrying(from: context.clientAddress) {
            var problem = Problem(.tooManyRequests, code: "too-many-failures", "too many failed attempts from \(context.clientAddress)",
                                  remedy: "wait \(wait) seconds")
            problem.headers[.retryAfter] = String(wait)
            throw problem
        }
        // Spaces around the token are not part of it (a header's value may be
        // padded); trimmed in Swift, not through Foundation's NSString, on every request.
        let token = bearer.token
        let start = token.firstIndex { $0 != " " && $0 != "\t" } ?? token.endIndex
        let end = token.lastIndex { $0 != " " && $0 != "\t" }.map(token.index(after:)) ?? start
        let text = String(token[start..<end])
        let outcome: Result<AuthenticatedMember, ParleyError>
        do {
            outcome = .success(try await app.perform { try $0.authenticate(bearer: text) })
        } catch {
            outcome = .failure(error)
        }
        switch outcome {
        case let .success(member):
            return member
        case let .failure(error):
            if error.kind == .unauthenticated { failures.record(from: context.clientAddress) }
            throw Problem(error)
        }
    }
}

/// Failed authentications per client address, in windows of a minute:
/// after ``limit`` in one window, the address waits out the window.
final class FailedAuthentications: Sendable {
    /// Failures an address may have in a window, by default.
    static let defaultLimit = 10
    static let window: Int64 = 60
    let limit: Int

    private struct Window {
        var start: Int64
        var count: Int
    }

    private let windows = Mutex<[String: Window]>([:])
    private let clock: @Sendable () -> Int64

    init(limit: Int = FailedAuthentications.defaultLimit, clock: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }) {
        self.limit = limit
        self.clock = clock
    }

    /// Seconds to wait before trying again, or nil when `address` may try now.
    func waitBeforeTrying(from address: String) -> Int64? {
        let now = clock()
        return windows.withLock { windows in
            guard let window = windows[address], now - window.start < Self.window else { return nil }
            return window.count >= limit ? Self.window - (now - window.start) : nil
        }
    }

    func record(from address: String) {
        let now = clock()
        windows.withLock { windows in
            if let window = windows[address], now - window.start < Self.window {
                windows[address]!.count = window.count + 1
            } else {
                if windows.count > 10_000 { windows = windows.filter { now - $0.value.start < Self.window } }
                windows[address] = Window(start: now, count: 1)
            }
        }
    }
}
