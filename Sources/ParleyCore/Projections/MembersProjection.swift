/// The member directory: who is on which team now, and the history of moves.
public enum MembersProjection: Projection {
    public static let typePrefixes = ["member."]

    public struct Row: Codable, Sendable, Equatable {
        public struct Move: Codable, Sendable, Equatable {
            public var at: Timestamp
            public var from: String
            public var to: String
        }

        public var handle: String
        public var name: String
        public var team: String
        public var role: String?
        public var joinedAt: Timestamp
        public var leftAt: Timestamp?
        public var moves: [Move] = []

        public var isActive: Bool { leftAt == nil }
    }

    public static let name = "members"
    public static let version = 1

    public static func apply(_ event: RecordedEvent, data: Payload, to rows: ProjectionRows<Row>) throws {
        guard event.stream.hasPrefix("member/") else { return }
        let handle = String(event.stream.dropFirst("member/".count))
        switch event.type {
        case MemberJoined.type:
            rows.set(handle, Row(handle: handle, name: data[MemberJoined.name] ?? handle,
                                     team: data[MemberJoined.team] ?? "", role: data[MemberJoined.role],
                                     joinedAt: event.occurredAt))
        case MemberMoved.type:
            guard var row = try rows.row(handle), let team = data[MemberMoved.team], team != row.team else { return }
            row.moves.append(Row.Move(at: event.occurredAt, from: row.team, to: team))
            row.team = team
            rows.set(handle, row)
        case MemberLeft.type:
            guard var row = try rows.row(handle) else { return }
            row.leftAt = event.occurredAt
            rows.set(handle, row)
        default:
            break
        }
    }

    /// The directory: current members first (by team, then handle), then those who left.
    public static func directory(_ rows: some Sequence<Row>) -> [Row] {
        rows.sorted { ($0.isActive ? 0 : 1, $0.team, $0.handle) < ($1.isActive ? 0 : 1, $1.team, $1.handle) }
    }
}

/// The role matrix: each team's responsibility, KPI and accountability, as last defined.
public enum RolesProjection: Projection {
    public static let typePrefixes = ["role."]

    public struct Row: Codable, Sendable, Equatable {
        public var team: String
        public var responsibility: String
        public var kpi: String?
        public var accountableTo: String?
        public var definedBy: String
        public var definedAt: Timestamp
    }

    public static let name = "roles"
    public static let version = 1

    public static func apply(_ event: RecordedEvent, data: Payload, to rows: ProjectionRows<Row>) throws {
        guard event.type == RoleDefined.type else { return }
        guard let team = data[RoleDefined.team] else { return }
        rows.set(team, Row(team: team, responsibility: data[RoleDefined.responsibility] ?? "",
                               kpi: data[RoleDefined.kpi], accountableTo: data[RoleDefined.accountableTo],
                               definedBy: event.actor, definedAt: event.occurredAt))
    }
}
