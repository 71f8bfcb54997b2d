// The payloads of the catalogue: Members and their teams' roles.

public struct MemberJoined: EventPayload {
    public static let type = "member.joined"
    public static let handle = PayloadKey<String>.required("handle", .handle, "the member's handle, name@team")
    public static let name = PayloadKey<String>.required("name", .line, "full name")
    public static let team = PayloadKey<String>.required("team", .team)
    public static let role = PayloadKey<String>.optional("role", .line, "what they do, e.g. \"demand gen\"")
    public static let spec = EventTypeSpec(type, stream: "member", idField: handle, "someone joins one of the teams", [handle, name, team, role])
    public var handle: String, name: String, team: String, role: String?
    public init(handle: String, name: String, team: String, role: String? = nil) {
        self.handle = handle; self.name = name; self.team = team; self.role = role
    }
}

public struct MemberLeft: EventPayload {
    public static let type = "member.left"
    public static let handle = PayloadKey<String>.required("handle", .handle)
    public static let spec = EventTypeSpec(type, stream: "member", idField: handle, "a member leaves", [handle])
    public var handle: String
    public init(handle: String) { self.handle = handle }
}

public struct MemberMoved: EventPayload {
    public static let type = "member.moved"
    public static let handle = PayloadKey<String>.required("handle", .handle)
    public static let team = PayloadKey<String>.optional("team", .team, "the new team")
    public static let spec = EventTypeSpec(type, stream: "member", idField: handle, "a member changes team", [handle, team])
    public var handle: String, team: String?
    public init(handle: String, team: String?) { self.handle = handle; self.team = team }
}

public struct RoleDefined: EventPayload {
    public static let type = "role.defined"
    public static let team = PayloadKey<String>.required("team", .team)
    public static let responsibility = PayloadKey<String>.required("responsibility", .note)
    public static let kpi = PayloadKey<String>.optional("kpi", .line, "how the responsibility is measured")
    public static let accountableTo = PayloadKey<String>.optional("accountable_to", .handle, "who the team answers to")
    public static let spec = EventTypeSpec(type, stream: "role", idField: team, "a team's responsibility, KPI and accountability",
                                           [team, responsibility, kpi, accountableTo])
    public var team: String, responsibility: String, kpi: String?, accountableTo: String?
    public init(team: String, responsibility: String, kpi: String? = nil, accountableTo: String? = nil) {
        self.team = team; self.responsibility = responsibility; self.kpi = kpi; self.accountableTo = accountableTo
    }
}
