// The payloads of the catalogue: Members and their teams' roles.

public struct MemberJoined: EventPayload {
    public static let type = "member.joined"
    public static let spec = EventTypeSpec(type, stream: "member", idField: "handle", "someone joins one of the teams", [
        .required("handle", .handle, "the member's handle, name@team"),
        .required("name", .line, "full name"),
        .required("team", .team),
        .optional("role", .line, "what they do, e.g. \"demand gen\""),
    ])
    public var handle: String, name: String, team: String, role: String?
    public init(handle: String, name: String, team: String, role: String? = nil) {
        self.handle = handle; self.name = name; self.team = team; self.role = role
    }
}

public struct MemberLeft: EventPayload {
    public static let type = "member.left"
    public static let spec = EventTypeSpec(type, stream: "member", idField: "handle", "a member leaves", [
        .required("handle", .handle),
    ])
    public var handle: String
    public init(handle: String) { self.handle = handle }
}

public struct MemberMoved: EventPayload {
    public static let type = "member.moved"
    public static let spec = EventTypeSpec(type, stream: "member", idField: "handle", "a member changes team", [
        .required("handle", .handle),
        .optional("team", .team, "the new team"),
    ])
    public var handle: String, team: String?
    public init(handle: String, team: String?) { self.handle = handle; self.team = team }
}

public struct RoleDefined: EventPayload {
    public static let type = "role.defined"
    public static let spec = EventTypeSpec(type, stream: "role", idField: "team", "a team's responsibility, KPI and accountability", [
        .required("team", .team),
        .required("responsibility", .note),
        .optional("kpi", .line, "how the responsibility is measured"),
        .optional("accountable_to", .handle, "who the team answers to"),
    ])
    public var team: String, responsibility: String, kpi: String?, accountableTo: String?
    public init(team: String, responsibility: String, kpi: String? = nil, accountableTo: String? = nil) {
        self.team = team; self.responsibility = responsibility; self.kpi = kpi; self.accountableTo = accountableTo
    }
}
