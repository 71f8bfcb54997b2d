/// What is still open between the teams, besides leads waiting on sales
/// (``FollowUpProjection`` has those): tensions, action items, content
/// requests, agreements (criteria, SLA, documents) not yet signed by both
/// teams, resources nobody used.
///
/// Rows: `tension/<id>` (open) and `resolved/<id>` (resolved, kept in case
/// it is reopened), `action/<id>`, `content/<id>` (dropped when delivered),
/// `criteria/<version>`, `sla/versions`, `agreement/<name>`,
/// `resource/<id>` (dropped when first used), `team/<handle>`. What is open
/// is read by prefix: ``openPrefixes``.
public enum IssuesProjection: Projection {
    public static let typePrefixes = ["tension.", "meeting.", "action.", "content.", "criteria.", "member.", "sla.", "agreement.", "resource."]

    public static let name = "issues"
    /// 2: resolved tensions under their own prefix. 3: tensions and rows coded as lists.
    /// 4: SLA and agreement sign-offs, unused resources.
    public static let version = 4

    /// The prefixes of the rows that can be open issues.
    public static let openPrefixes = ["tension/", "action/", "content/", "criteria/", "sla/", "agreement/", "resource/"]

    /// Days a shared resource may go unused before `issues` lists it.
    public static let unusedContentDays: Int64 = 30

    public struct Tension: Codable, Sendable, Equatable {
        public var tension: String
        public var title: String
        public var severity: String
        public var category: String
        public var teams: [String]
        public var flaggedBy: String
        public var flaggedAt: Timestamp
        public var lastActivity: Timestamp
        public var escalated: Bool
        public var resolved: Bool
    }

    public struct Action: Codable, Sendable, Equatable {
        /// `done`, `overdue` (past its due date at `now`) or `open`.
        public func state(at now: Timestamp) -> String {
            if completedAt != nil { return "done" }
            guard let deadline = OpenIssue.deadline(due) else { return "open" }
            return deadline < now ? "overdue" : "open"
        }

        public var action: String
        public var meeting: String
        public var owner: String
        public var text: String
        public var due: String?
        public var heldAt: Timestamp
        public var completedAt: Timestamp?
    }

    public struct Content: Codable, Sendable, Equatable {
        public var request: String
        public var topic: String
        public var requestedBy: String
        public var requestedAt: Timestamp
        public var neededBy: String?
    }

    public struct Criteria: Codable, Sendable, Equatable {
        public var version: Int64
        public var changedBy: String
        public var changedAt: Timestamp
        /// Teams that agreed (the changer's team counts as agreeing).
        public var agreed: [String]
    }

    /// The SLA's or a named agreement's versions and signatures.
    public struct Signing: Codable, Sendable, Equatable {
        /// `sla`, or the agreement's name.
        public var name: String
        public var isSLA: Bool
        public var versions: AgreementVersions
    }

    /// A resource shared and not used yet.
    public struct Resource: Codable, Sendable, Equatable {
        public var resource: String
        public var title: String
        public var sharedBy: String
        public var sharedAt: Timestamp
    }

    public enum Row: Codable, Sendable, Equatable {
        case tension(Tension)
        case action(Action)
        case content(Content)
        case criteria(Criteria)
        /// A member's current team (`team/<handle>`), so a criteria change counts as its team's agreement.
        case team(String)
        case signing(Signing)
        case resource(Resource)

        // Coded as `[case number, value]` (see PositionalCoding): `issues` reads every open one.
        public func encode(to encoder: any Encoder) throws {
            switch self {
            case let .tension(tension): try RowCase.encode(0, tension, to: encoder)
            case let .action(action): try RowCase.encode(1, action, to: encoder)
            case let .content(content): try RowCase.encode(2, content, to: encoder)
            case let .criteria(criteria): try RowCase.encode(3, criteria, to: encoder)
            case let .team(team): try RowCase.encode(4, team, to: encoder)
            case let .signing(signing): try RowCase.encode(5, signing, to: encoder)
            case let .resource(resource): try RowCase.encode(6, resource, to: encoder)
            }
        }

        public init(from decoder: any Decoder) throws {
            var (number, list) = try RowCase.decode(from: decoder)
            switch number {
            case 0: self = .tension(try list.decode(Tension.self))
            case 1: self = .action(try list.decode(Action.self))
            case 2: self = .content(try list.decode(Content.self))
            case 3: self = .criteria(try list.decode(Criteria.self))
            case 4: self = .team(try list.decode(String.self))
            case 5: self = .signing(try list.decode(Signing.self))
            case 6: self = .resource(try list.decode(Resource.self))
            default: throw RowCase.unknown(number, list)
            }
        }
    }

    public static func apply(_ event: RecordedEvent, data: Payload, to rows: ProjectionRows<Row>) throws {
        let type = event.type
        guard type.hasPrefix("tension.") || type == MeetingHeld.type || type == ActionCompleted.type || type.hasPrefix("content.")
                || type.hasPrefix("criteria.") || type == MemberJoined.type || type == MemberMoved.type || type.hasPrefix("sla.")
                || type.hasPrefix("agreement.") || type.hasPrefix("resource.") else { return }
        switch type {
        case MemberJoined.type, MemberMoved.type:
            if let team = type == MemberJoined.type ? data[MemberJoined.team] : data[MemberMoved.team] {
                rows.set("team/\(String(event.stream.dropFirst(7)))", .team(team))
            }
        case TensionFlagged.type:
            let id = data[TensionFlagged.tension] ?? ""
            rows.set("tension/\(id)", .tension(Tension(
                tension: id, title: data[TensionFlagged.title] ?? "", severity: data[TensionFlagged.severity] ?? "low",
                category: data[TensionFlagged.category] ?? "other", teams: data[TensionFlagged.teams] ?? [],
                flaggedBy: event.actor, flaggedAt: event.occurredAt, lastActivity: event.occurredAt, escalated: false, resolved: false)))
        case let type where type.hasPrefix("tension."):
            let id = data[EventCatalogue.tension] ?? ""
            var key = "tension/\(id)"
            var row = try rows.row(key)
            if row == nil {
                key = "resolved/\(id)"
                row = try rows.row(key)
            }
            guard case var .tension(tension)? = row else { return }
            tension.lastActivity = max(tension.lastActivity, event.occurredAt)
            switch type {
            case TensionEscalated.type: tension.escalated = true
            case TensionResolved.type: tension.resolved = true
            case TensionReopened.type: tension.resolved = false; tension.escalated = false
            default: break
            }
            // Filed where reads look for it: open or resolved.
            let filed = "\(tension.resolved ? "resolved" : "tension")/\(id)"
            if filed != key { rows.set(key, nil) }
            rows.set(filed, .tension(tension))
        case MeetingHeld.type:
            let meeting = data[MeetingHeld.meeting] ?? ""
            for item in data[MeetingHeld.actionItems] ?? [] {
                rows.set("action/\(item.action)", .action(Action(action: item.action, meeting: meeting, owner: item.owner, text: item.text,
                                                                 due: item.due, heldAt: event.occurredAt)))
            }
        case ActionCompleted.type:
            let key = "action/\(data[ActionCompleted.action] ?? "")"
            guard case var .action(action)? = try rows.row(key) else { return }
            action.completedAt = event.occurredAt
            rows.set(key, .action(action))
        case ContentRequested.type:
            let id = data[ContentRequested.request] ?? ""
            rows.set("content/\(id)", .content(Content(request: id, topic: data[ContentRequested.topic] ?? "", requestedBy: event.actor,
                                                       requestedAt: event.occurredAt, neededBy: data[ContentRequested.neededBy])))
        case ContentDelivered.type:
            rows.set("content/\(data[ContentDelivered.request] ?? "")", nil)
        case CriteriaChanged.type:
            let version = data[CriteriaChanged.version] ?? 0
            var team: String?
            if case let .team(name)? = try rows.row("team/\(event.actor)") { team = name }
            rows.set("criteria/\(version)", .criteria(Criteria(version: version, changedBy: event.actor, changedAt: event.occurredAt,
                                                               agreed: team.map { [$0] } ?? [])))
        case CriteriaAgreed.type:
            let key = "criteria/\(data[CriteriaAgreed.version] ?? 0)"
            guard case var .criteria(criteria)? = try rows.row(key), let team = data[CriteriaAgreed.team] else { return }
            if !criteria.agreed.contains(team) { criteria.agreed.append(team) }
            rows.set(key, .criteria(criteria))
        case SLASet.type, SLAAgreed.type, AgreementProposed.type, AgreementAgreed.type:
            let isSLA = type.hasPrefix("sla.")
            let name = isSLA ? "sla" : data[EventCatalogue.agreement] ?? ""
            let key = isSLA ? "sla/versions" : "agreement/\(name)"
            var signing = Signing(name: name, isSLA: isSLA, versions: AgreementVersions())
            if case let .signing(stored)? = try rows.row(key) { signing = stored }
            switch type {
            case SLASet.type: signing.versions.propose(data[SLASet.version], by: event.actor, at: event.occurredAt)
            case AgreementProposed.type: signing.versions.propose(data[AgreementProposed.version], by: event.actor, at: event.occurredAt)
            default:
                let signature = type == SLAAgreed.type ? (data[SLAAgreed.version], data[SLAAgreed.team])
                    : (data[AgreementAgreed.version], data[AgreementAgreed.team])
                if let version = signature.0, let team = signature.1 {
                    signing.versions.sign(version, team: team, by: event.actor, at: event.occurredAt)
                }
            }
            rows.set(key, .signing(signing))
        case ResourceShared.type:
            let id = data[ResourceShared.resource] ?? ""
            rows.set("resource/\(id)", .resource(Resource(resource: id, title: data[ResourceShared.title] ?? "", sharedBy: event.actor,
                                                         sharedAt: event.occurredAt)))
        case ResourceUsed.type:
            rows.set("resource/\(data[ResourceUsed.resource] ?? "")", nil)
        default:
            break
        }
    }
}

extension IssuesProjection.Tension {
    // A list of the fields in this order (see PositionalCoding): `issues` reads every open tension.
    public func encode(to encoder: any Encoder) throws {
        var list = encoder.unkeyedContainer()
        try list.encode(tension)
        try list.encode(title)
        try list.encode(severity)
        try list.encode(category)
        try list.encode(teams)
        try list.encode(flaggedBy)
        try list.encode(flaggedAt)
        try list.encode(lastActivity)
        try list.encode(escalated)
        try list.encode(resolved)
    }

    public init(from decoder: any Decoder) throws {
        var list = try decoder.unkeyedContainer()
        tension = try list.decode(String.self)
        title = try list.decode(String.self)
        severity = try list.decode(String.self)
        category = try list.decode(String.self)
        teams = try list.decode([String].self)
        flaggedBy = try list.decode(String.self)
        flaggedAt = try list.decode(Timestamp.self)
        lastActivity = try list.decode(Timestamp.self)
        escalated = try list.decode(Bool.self)
        resolved = try list.decode(Bool.self)
    }
}
