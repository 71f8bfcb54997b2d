import Crypto
import Foundation
public import ParleyCore
import ParleyStore

/// A browser signed in to the dashboard: the member, the token it proved,
/// and the CSRF token its forms carry.
public struct DashboardSession: Sendable, Equatable {
    /// The cookie's value: 32 random bytes in hex. Only its SHA-256 is kept.
    public var id: String
    public var member: String
    public var tokenID: String
    /// Every form of the session carries it; a post without it is refused.
    public var csrf: String
    public var openedAt: Timestamp
}

extension App {
    /// How long a dashboard session lasts, at most (its token may end it sooner).
    public static let sessionLifetimeSeconds: Int64 = 12 * 3600

    /// Opens a session for the member of a token just proved, kept in the
    /// database so that it outlives a restart of the server. Sessions past
    /// their lifetime are forgotten on the way.
    public func openSession(for member: AuthenticatedMember, at now: Timestamp = .now()) throws(ParleyError) -> DashboardSession {
        let session = DashboardSession(id: Self.randomHex(32), member: member.handle, tokenID: member.tokenID,
                                       csrf: Self.randomHex(32), openedAt: now)
        let cutoff = Timestamp(microseconds: now.microseconds - Self.sessionLifetimeSeconds * 1_000_000)
        try mapped {
            try log.keepSession(StoredSession(idSHA256: Self.sessionHash(session.id), member: session.member, tokenID: session.tokenID,
                                              csrf: session.csrf, openedAt: now), forgettingBefore: cutoff)
        }
        return session
    }

    /// The session a cookie names, while it lasts and its token is in force;
    /// nil for an unknown, expired or ended one.
    public func session(_ id: String, at now: Timestamp = .now()) throws(ParleyError) -> DashboardSession? {
        guard id.utf8.count == 64, let stored = try mapped({ try log.session(idSHA256: Self.sessionHash(id)) }) else { return nil }
        guard now.microseconds - stored.openedAt.microseconds < Self.sessionLifetimeSeconds * 1_000_000,
              try tokenIsInForce(stored.tokenID, at: now) else { return nil }
        return DashboardSession(id: id, member: stored.member, tokenID: stored.tokenID, csrf: stored.csrf, openedAt: stored.openedAt)
    }

    /// Ends the session a cookie names (signing out); nothing if there is none.
    public func closeSession(_ id: String) throws(ParleyError) {
        try mapped { try log.forgetSession(idSHA256: Self.sessionHash(id)) }
    }

    private static func sessionHash(_ id: String) -> [UInt8] {
        Array(SHA256.hash(data: Data(id.utf8)))
    }
}
