import Foundation
import Synchronization

/// A signed-in browser: the token it proved, and the CSRF token its forms carry.
struct DashboardSession: Sendable {
    let id: String
    let member: String
    let tokenID: String
    /// Every form of the session carries it; a post without it is refused.
    let csrf: String
    let created: Date
}

/// The dashboard's sessions, in memory: a restart signs everyone out.
/// A session lives as long as its token is in force, at most ``lifetime``.
final class DashboardSessions: Sendable {
    static let cookie = "parley_session"
    static let lifetime: TimeInterval = 12 * 3600

    private let sessions = Mutex<[String: DashboardSession]>([:])

    func open(member: String, tokenID: String) -> DashboardSession {
        let session = DashboardSession(id: Self.random(), member: member, tokenID: tokenID, csrf: Self.random(), created: Date())
        sessions.withLock { sessions in
            let now = Date()
            sessions = sessions.filter { now.timeIntervalSince($0.value.created) < Self.lifetime }
            sessions[session.id] = session
        }
        return session
    }

    func session(_ id: String) -> DashboardSession? {
        sessions.withLock { sessions in
            guard let session = sessions[id] else { return nil }
            if Date().timeIntervalSince(session.created) >= Self.lifetime {
                sessions[id] = nil
                return nil
            }
            return session
        }
    }

    func close(_ id: String) {
        _ = sessions.withLock { $0.removeValue(forKey: id) }
    }

    /// 32 random bytes, hex.
    static func random() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: .min ... .max, using: &generator)) }.joined()
    }
}
