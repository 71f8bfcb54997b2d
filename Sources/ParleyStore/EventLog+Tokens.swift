import Foundation
import GRDB
public import ParleyCore

/// A server access token as the `tokens` table keeps it: never its secret,
/// only the secret's SHA-256.
public struct StoredToken: Sendable, Equatable {
    /// The public id, as in the `token.issued` event.
    public var id: String
    public var member: String
    public var label: String?
    /// SHA-256 of the whole token text.
    public var secretSHA256: [UInt8]
    public var issuedAt: Timestamp
    public var expiresAt: Timestamp?
    public var revokedAt: Timestamp?

    public init(id: String, member: String, label: String?, secretSHA256: [UInt8], issuedAt: Timestamp,
                expiresAt: Timestamp?, revokedAt: Timestamp? = nil) {
        self.id = id; self.member = member; self.label = label; self.secretSHA256 = secretSHA256
        self.issuedAt = issuedAt; self.expiresAt = expiresAt; self.revokedAt = revokedAt
    }
}

extension EventLog {
    /// Records `token.issued` for `token` by `actor` and keeps the token's
    /// hash, in one transaction: both or neither.
    public func issue(_ token: StoredToken, actor: String) throws -> [AppendOutcome] {
        let command = Command.issueToken(TokenIssued(token: token.id, member: token.member, label: token.label,
                                                     expiresAt: token.expiresAt?.rfc3339))
        return try inWriteTransaction { db in
            let outcomes = try run(command, actor: actor, at: token.issuedAt, in: db)
            try db.execute(sql: """
                INSERT INTO tokens (id, member, label, secret_sha256, issued_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [token.id, token.member, token.label, Data(token.secretSHA256), token.issuedAt.rfc3339,
                                 token.expiresAt?.rfc3339])
            return outcomes
        }
    }

    /// Records `token.revoked` by `actor` and marks the token revoked, in one transaction.
    ///
    /// - Throws: ``StoreError`` `notFound` when there is no such token.
    public func revokeToken(_ id: String, actor: String, reason: String?) throws -> [AppendOutcome] {
        try inWriteTransaction { db in
            guard let token = try Self.token(db, id: id) else {
                throw StoreError(.notFound, "there is no token \(id)", remedy: "the token list shows each token's id")
            }
            let now = Timestamp.now()
            let outcomes = try run(.revokeToken(TokenRevoked(token: id, member: token.member, reason: reason)), actor: actor, at: now, in: db)
            try db.execute(sql: "UPDATE tokens SET revoked_at = ? WHERE id = ?", arguments: [now.rfc3339, id])
            return outcomes
        }
    }

    /// Every token, newest first; only `member`'s when given.
    public func tokens(member: String? = nil) throws -> [StoredToken] {
        try mappingErrors {
            try writer.read { db in
                var sql = "SELECT * FROM tokens"
                var arguments: StatementArguments = []
                if let member { sql += " WHERE member = ?"; arguments = [member] }
                sql += " ORDER BY issued_at DESC, id"
                return try Row.fetchAll(db, sql: sql, arguments: arguments).map(Self.token(row:))
            }
        }
    }

    private func run(_ command: Command, actor: String, at: Timestamp, in db: Database) throws -> [AppendOutcome] {
        let session = try AppendSession(db, policy: .everything)
        let state = try LogReader(db: db).state(for: command.needs(actor: actor))
        return try command.decide(state, actor: actor, at: at).map { try session.append($0) }
    }

    /// The token with `id`, and the version of its member's stream (0 when
    /// the stream is empty): what authenticating a request reads, in one
    /// statement, so both come from one snapshot. A member's standing
    /// changes only with their stream, so the version says whether a
    /// standing worked out before still holds.
    ///
    /// Every request to the server reads this. From a file it goes through
    /// a read-only connection of its own (``LookupConnection``), and reads
    /// the columns straight from SQLite's statement: through the pool,
    /// taking a reader, checking the schema's version and building a `Row`
    /// cost several times the read itself, and a quarter of the server's
    /// rate of appends.
    public func tokenAndMemberVersion(id: String) throws -> (token: StoredToken, memberVersion: Int64)? {
        try mappingErrors {
            // One statement needs no transaction of its own to read one snapshot.
            let read = { (db: Database) throws -> (token: StoredToken, memberVersion: Int64)? in
                let row = try RawStatement(db, cached: """
                    SELECT id, member, label, secret_sha256, issued_at, expires_at, revoked_at,
                           (SELECT MAX(version) FROM events WHERE stream = 'member/' || tokens.member)
                    FROM tokens WHERE id = ?
                    """)
                defer { row.reset() }
                row.bind(1, id)
                guard try row.step() else { return nil }
                let time = { (column: Int32) -> Timestamp? in row.isNull(column) ? nil : Timestamp(rfc3339: row.string(column)) }
                let token = StoredToken(id: row.string(0), member: row.string(1), label: row.isNull(2) ? nil : row.string(2),
                                        secretSHA256: row.bytes(3), issuedAt: time(4) ?? Timestamp(microseconds: 0),
                                        expiresAt: time(5), revokedAt: time(6))
                return (token, row.int64(7))
            }
            guard let path else { return try writer.unsafeReentrantRead(read) }
            return try lookups.connection(to: path).unsafeReentrantRead(read)
        }
    }

    private static func token(_ db: Database, id: String) throws -> StoredToken? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM tokens WHERE id = ?"), arguments: [id]).map(token(row:))
    }

    private static func token(row: Row) -> StoredToken {
        let time: (String?) -> Timestamp? = { $0.flatMap(Timestamp.init(rfc3339:)) }
        return StoredToken(id: row["id"], member: row["member"], label: row["label"],
                           secretSHA256: Array((row["secret_sha256"] as Data?) ?? Data()),
                           issuedAt: time(row["issued_at"]) ?? Timestamp(microseconds: 0),
                           expiresAt: time(row["expires_at"]), revokedAt: time(row["revoked_at"]))
    }
}
