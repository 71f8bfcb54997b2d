import Foundation
import GRDB
public import ParleyCore

/// A dashboard session as the `dashboard_sessions` table keeps it: the
/// SHA-256 of its cookie, never the cookie.
public struct StoredSession: Sendable, Equatable {
    public var idSHA256: [UInt8]
    public var member: String
    public var tokenID: String
    public var csrf: String
    public var openedAt: Timestamp

    public init(idSHA256: [UInt8], member: String, tokenID: String, csrf: String, openedAt: Timestamp) {
        self.idSHA256 = idSHA256; self.member = member; self.tokenID = tokenID; self.csrf = csrf; self.openedAt = openedAt
    }
}

extension EventLog {
    /// Keeps `session`, and forgets every session opened before `cutoff`
    /// (those have expired), in one transaction.
    public func keepSession(_ session: StoredSession, forgettingBefore cutoff: Timestamp) throws {
        try inWriteTransaction { db in
            try db.execute(sql: "DELETE FROM dashboard_sessions WHERE opened_at < ?", arguments: [cutoff.microseconds])
            try db.execute(sql: """
                INSERT INTO dashboard_sessions (id_sha256, member, token_id, csrf, opened_at) VALUES (?, ?, ?, ?, ?)
                """, arguments: [Data(session.idSHA256), session.member, session.tokenID, session.csrf, session.openedAt.microseconds])
        }
    }

    /// The session whose cookie hashes to `idSHA256`, if it is kept.
    public func session(idSHA256: [UInt8]) throws -> StoredSession? {
        try mappingErrors {
            try writer.read { db in
                try Row.fetchOne(db, sql: "SELECT * FROM dashboard_sessions WHERE id_sha256 = ?", arguments: [Data(idSHA256)]).map { row in
                    StoredSession(idSHA256: Array(row["id_sha256"] as Data), member: row["member"], tokenID: row["token_id"],
                                  csrf: row["csrf"], openedAt: Timestamp(microseconds: row["opened_at"]))
                }
            }
        }
    }

    /// Forgets the session whose cookie hashes to `idSHA256` (signing out).
    public func forgetSession(idSHA256: [UInt8]) throws {
        try inWriteTransaction { db in
            try db.execute(sql: "DELETE FROM dashboard_sessions WHERE id_sha256 = ?", arguments: [Data(idSHA256)])
        }
    }
}
