import Crypto
import Foundation
import Synchronization
public import ParleyCore
import ParleyStore

/// A token as people see it: never its secret.
public struct TokenEntry: Sendable, Equatable, Encodable {
    public var id: String
    public var member: String
    public var label: String?
    public var issuedAt: Timestamp
    public var expiresAt: Timestamp?
    public var revokedAt: Timestamp?

    /// `active`, `expired` or `revoked`, at `now`.
    public func state(at now: Timestamp) -> String {
        if revokedAt != nil { return "revoked" }
        if let expiresAt, expiresAt <= now { return "expired" }
        return "active"
    }

    init(_ stored: StoredToken) {
        id = stored.id; member = stored.member; label = stored.label
        issuedAt = stored.issuedAt; expiresAt = stored.expiresAt; revokedAt = stored.revokedAt
    }

    public func encode(to encoder: any Encoder) throws {
        var out = encoder.container(keyedBy: JSONKey.self)
        try out.put(id, "id")
        try out.put(member, "member")
        try out.put(label, "label")
        try out.put(issuedAt, "issued_at")
        try out.put(expiresAt, "expires_at")
        try out.put(revokedAt, "revoked_at")
        try out.put(state(at: .now()), "state")
    }
}

/// A token just issued: the only time its secret is known.
public struct IssuedToken: Sendable, Encodable {
    public var token: TokenEntry
    /// The text to send as `Authorization: Bearer …`. Parley keeps only its SHA-256.
    public var secret: String
    public var recorded: [App.Recorded]

    public func encode(to encoder: any Encoder) throws {
        var out = encoder.container(keyedBy: JSONKey.self)
        try out.put(token, "token")
        try out.put(secret, "secret")
    }
}

/// Who a request proved to be.
public struct AuthenticatedMember: Sendable, Equatable {
    public var handle: String
    public var tokenID: String

    public init(handle: String, tokenID: String) {
        self.handle = handle
        self.tokenID = tokenID
    }
}

extension App {
    /// Issues a token for `member`, recorded as `token.issued` by `actor`
    /// (the member themselves, or management).
    ///
    /// - Parameter expiresAt: when it stops working (nil: never).
    /// - Returns: the token with its secret, which is shown this once.
    public func issueToken(for member: String, label: String?, expiresAt: Timestamp?, as actor: String) throws(ParleyError) -> IssuedToken {
        var generator = SystemRandomNumberGenerator()
        let id = "tok-" + Self.hex((0..<6).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
        let secretBytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let secret = Self.tokenPrefix + id + "." + Self.hex(secretBytes)
        let now = Timestamp.now()
        if let expiresAt, expiresAt <= now {
            throw ParleyError(.invalid, code: "invalid-input", "the token would expire at \(expiresAt.rfc3339), which has passed",
                              remedy: "give a time in the future", field: "expires_at")
        }
        let stored = StoredToken(id: id, member: member, label: label, secretSHA256: Array(SHA256.hash(data: Data(secret.utf8))),
                                 issuedAt: now, expiresAt: expiresAt)
        let outcomes = try mapped { try log.issue(stored, actor: actor) }
        return IssuedToken(token: TokenEntry(stored), secret: secret, recorded: outcomes.map(Recorded.init))
    }

    /// Every token (never their secrets), newest first; only `member`'s when given.
    public func tokens(member: String? = nil) throws(ParleyError) -> [TokenEntry] {
        try mapped { try log.tokens(member: member).map(TokenEntry.init) }
    }

    /// The tokens `member` may see: all of them for management, else their own.
    public func tokens(visibleTo member: String) throws(ParleyError) -> [TokenEntry] {
        let state = try memberState(member)
        return try tokens(member: state.isActive && state.team == "management" ? nil : member)
    }

    /// Revokes a token, recorded as `token.revoked` by `actor` (its member, or management).
    @discardableResult
    public func revokeToken(_ id: String, reason: String? = nil, as actor: String) throws(ParleyError) -> [Recorded] {
        try mapped { try log.revokeToken(id, actor: actor, reason: reason).map(Recorded.init) }
    }

    /// The member a bearer token stands for, when it is known, in force,
    /// and its member still on a team.
    ///
    /// - Throws: ``ParleyError`` of kind ``ParleyError/Kind/unauthenticated``,
    ///   with one message for every refusal (a caller learns nothing of which tokens exist).
    public func authenticate(bearer text: String, at now: Timestamp = .now()) throws(ParleyError) -> AuthenticatedMember {
        let refused = ParleyError(.unauthenticated, code: "unauthenticated", "the token is unknown, expired or revoked, or its member left",
                                  remedy: "ask for a new token")
        guard text.hasPrefix(Self.tokenPrefix) else { throw refused }
        let body = text.dropFirst(Self.tokenPrefix.count)
        guard let dot = body.firstIndex(of: "."), dot > body.startIndex else { throw refused }
        let id = String(body[..<dot])
        guard id.utf8.count <= 64, let (stored, memberVersion) = try mapped({ try log.tokenAndMemberVersion(id: id) }) else {
            // Hash anyway, so an unknown id takes as long as a known one.
            _ = SHA256.hash(data: Data(text.utf8)) == SHA256.hash(data: Data())
            throw refused
        }
        // The digest's `==` compares in constant time.
        guard SHA256.hash(data: Data(text.utf8)) == stored.secretSHA256,
              try isInForce(stored, memberVersion: memberVersion, at: now) else { throw refused }
        return AuthenticatedMember(handle: stored.member, tokenID: stored.id)
    }

    /// Whether the token with `id` still works: not revoked or expired, its member still on a team.
    public func tokenIsInForce(_ id: String, at now: Timestamp = .now()) throws(ParleyError) -> Bool {
        guard let (stored, memberVersion) = try mapped({ try log.tokenAndMemberVersion(id: id) }) else { return false }
        return try isInForce(stored, memberVersion: memberVersion, at: now)
    }

    /// `memberVersion`: the version of the member's stream, read with the token.
    private func isInForce(_ stored: StoredToken, memberVersion: Int64, at now: Timestamp) throws(ParleyError) -> Bool {
        if stored.revokedAt != nil { return false }
        if let expiresAt = stored.expiresAt, expiresAt <= now { return false }
        if let active = standings.isActive(stored.member, atVersion: memberVersion) { return active }
        // Folded from the stream, and kept for the version it was folded at.
        let (state, version) = try memberStateAndVersion(stored.member)
        standings.keep(stored.member, active: state.isActive, atVersion: version)
        return state.isActive
    }

    /// A member's standing now, folded from their stream as the rules fold
    /// it (a retracted event does not count).
    func memberState(_ handle: String) throws(ParleyError) -> MemberState {
        try memberStateAndVersion(handle).state
    }

    /// ``memberState(_:)``, and the version of the stream it was folded from.
    private func memberStateAndVersion(_ handle: String) throws(ParleyError) -> (state: MemberState, version: Int64) {
        let stream = "member/\(handle)"
        var events: [RecordedEvent] = []
        try self.events(EventFilter(stream: stream)) { events.append($0); return true }
        return (StreamHistory(events, stream: stream).member, events.last?.version ?? 0)
    }

    /// What every token's text starts with, so a leaked one is easy to find (in a repository, a log).
    public static let tokenPrefix = "parley."

    /// `count` random bytes from the system's generator, in hex.
    static func randomHex(_ count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return hex((0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }

    private static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Whether each member is on a team, as folded from their stream at a
/// version: authentication reads the stream's version with the token, and
/// folds the stream again only when it has moved. Streams only grow, and
/// a retraction is appended to the stream it corrects, so a standing kept
/// for a version is the standing at that version. Owned by a lock; shared
/// by every copy of one ``App``.
final class MemberStandings: Sendable {
    private let known = Mutex<[String: (version: Int64, active: Bool)]>([:])

    /// Whether `handle` is active at `version` of their stream, if known.
    func isActive(_ handle: String, atVersion version: Int64) -> Bool? {
        known.withLock { known in known[handle].flatMap { $0.version == version ? $0.active : nil } }
    }

    func keep(_ handle: String, active: Bool, atVersion version: Int64) {
        known.withLock { known in
            // Never back to an older version than one a concurrent fold kept.
            if let kept = known[handle], kept.version > version { return }
            known[handle] = (version, active)
        }
    }
}
