/// What a command needs to know of the log to be decided.
public enum DecisionNeed: Hashable, Sendable {
    /// The events of one stream, folded (``StreamHistory``).
    case stream(String)
    /// The next free number of ids like `T-3` in streams `kind/PREFIX-n`.
    case nextNumber(kind: String, prefix: String)
    /// The next free action-item number (`A-12`), across all meetings.
    case nextActionNumber
    /// The stream of the meeting that set an action item.
    case meetingOfAction(String)
    /// The event with an id.
    case event(EventID)
}

/// The log as a command sees it: the answers to its ``DecisionNeed``s,
/// gathered by the store inside the write transaction that appends the
/// command's events.
public struct DecisionState {
    public var streams: [String: StreamHistory] = [:]
    public var nextNumbers: [String: Int] = [:]
    public var nextActionNumber = 1
    public var meetingOfAction: [String: String] = [:]
    public var events: [EventID: RecordedEvent] = [:]

    public init() {}

    /// The folded stream (empty when the log has none of its events).
    public func history(_ stream: String) -> StreamHistory {
        streams[stream] ?? StreamHistory([], stream: stream)
    }

    /// The next number for `kind/PREFIX-n` (1 when none is in use).
    public func nextNumber(kind: String, prefix: String) -> Int {
        nextNumbers[Self.numberKey(kind: kind, prefix: prefix)] ?? 1
    }

    public static func numberKey(kind: String, prefix: String) -> String { "\(kind)/\(prefix)" }
}

extension Command {
    /// What ``decide(_:actor:at:)`` reads, for `actor`.
    public func needs(actor: String) -> [DecisionNeed] {
        switch self {
        case .changeCriteria: [.stream(CriteriaChanged.stream)]
        case .agree(_, _, nil): [.stream("member/\(actor)")]
        case .setSLA: [.stream(SLASet.stream), .stream("member/\(actor)")]
        case .proposeAgreement(let name, _, _): [.stream(AgreementSubject.named(name).stream), .stream("member/\(actor)")]
        case .flagTension(let flag) where flag.id == nil: [.nextNumber(kind: "tension", prefix: "T")]
        case .holdMeeting(let meeting):
            (meeting.id == nil ? [.nextNumber(kind: "meeting", prefix: "M")] : []) + (meeting.actionItems.isEmpty ? [] : [.nextActionNumber])
        case .completeAction(let completed): [.meetingOfAction(completed.action)]
        case .requestContent(let request) where request.id == nil: [.nextNumber(kind: "content", prefix: "C")]
        case .shareResource(let share) where share.id == nil: [.nextNumber(kind: "resource", prefix: "R")]
        case .retract(let target, _): [.event(target)]
        case .addWebhook: [.nextNumber(kind: "webhook", prefix: "W")]
        case .removeWebhook(let removed): [.stream("webhook/\(removed.webhook)")]
        default: []
        }
    }

    /// The events this command records, from the log as `state` shows it.
    /// Pure: the same state gives the same events. The store then checks
    /// them against the rules (``EventRules``) like any other event.
    ///
    /// - Parameters:
    ///   - actor: the member recording it.
    ///   - at: when it happened (nil: when it is recorded).
    /// - Throws: ``ParleyError`` when the input is invalid or names
    ///   something that does not exist.
    public func decide(_ state: DecisionState, actor: String, at: Timestamp? = nil) throws(ParleyError) -> [ProposedEvent] {
        func event<P: EventPayload>(_ payload: P, stream: String? = nil, expectedVersion: Int64? = nil) throws(ParleyError) -> [ProposedEvent] {
            do {
                return [try payload.event(actor: actor, stream: stream, occurredAt: at, expectedVersion: expectedVersion)]
            } catch {
                throw ParleyError(error)
            }
        }
        switch self {
        case .addMember(let payload): return try event(payload)
        case .moveMember(let payload): return try event(payload)
        case .removeMember(let payload): return try event(payload)
        case .defineRole(let payload): return try event(payload)
        case .sendLead(let payload): return try event(payload)
        case .reassignLead(let payload): return try event(payload)
        case .acceptLead(let payload): return try event(payload)
        case .rejectLead(let payload): return try event(payload)
        case .recycleLead(let payload): return try event(payload)
        case .giveFeedback(let payload): return try event(payload)
        case .convertLead(let payload): return try event(payload)
        case .loseLead(let payload): return try event(payload)
        case .setGoal(let payload): return try event(payload)
        case .commentTension(let payload): return try event(payload)
        case .escalateTension(let payload): return try event(payload)
        case .resolveTension(let payload): return try event(payload)
        case .reopenTension(let payload): return try event(payload)
        case .deliverContent(let payload): return try event(payload)
        case .useResource(let payload): return try event(payload)
        case .acknowledgeSignal(let payload): return try event(payload)
        case .dismissSignal(let payload): return try event(payload)
        case .configureSignals(let payload): return try event(payload)
        case .issueToken(let payload): return try event(payload, expectedVersion: 0)
        case .revokeToken(let payload): return try event(payload)
        case let .addWebhook(url, types, format, signed):
            let id = "W-\(state.nextNumber(kind: "webhook", prefix: "W"))"
            return try event(WebhookAdded(webhook: id, url: url, types: types, format: format, signed: signed ? "yes" : nil), expectedVersion: 0)
        case .removeWebhook(let payload):
            let history = state.history("webhook/\(payload.webhook)")
            guard history.all.contains(where: { $0.type == WebhookAdded.type }) else {
                throw .notFound("there is no webhook \(payload.webhook)", remedy: "the webhook list shows each one's id")
            }
            if history.all.contains(where: { $0.type == WebhookRemoved.type }) {
                throw ParleyError(.notAllowed, code: "rule-violation", "webhook \(payload.webhook) was already removed")
            }
            return try event(payload)

        case let .changeCriteria(rules, rationale):
            // Rules that do not parse could never be checked against a lead.
            do {
                _ = try CriteriaRules.parse(rules)
            } catch {
                throw ParleyError(.invalid, code: "invalid-event", error.description, field: "data.rules")
            }
            let history = state.history(CriteriaChanged.stream)
            return try event(CriteriaChanged(version: history.versions.latest + 1, rules: rules, rationale: rationale),
                             expectedVersion: history.version)

        case let .agree(subject, version, team):
            guard let team = team ?? state.history("member/\(actor)").member.team else {
                throw ParleyError(.notAllowed, code: "rule-violation", "\(actor) is not a member, so has no team to agree for",
                                  remedy: "add them as a member first, or name the team", hint: .addMember(actor))
            }
            switch subject {
            case .criteria: return try event(CriteriaAgreed(version: version, team: team))
            case .sla: return try event(SLAAgreed(version: version, team: team))
            case .named(let name): return try event(AgreementAgreed(agreement: name, version: version, team: team))
            }

        case .setSLA(var payload):
            let history = state.history(SLASet.stream)
            let version = payload.version ?? history.versions.latest + 1
            payload.version = version
            return try event(payload, expectedVersion: history.version) + Self.ownSignature(.sla, version: version, state, actor: actor, at: at)

        case let .proposeAgreement(name, text, rationale):
            let history = state.history(AgreementSubject.named(name).stream)
            let version = history.versions.latest + 1
            return try event(AgreementProposed(agreement: name, version: version, text: text, rationale: rationale), expectedVersion: history.version)
                + Self.ownSignature(.named(name), version: version, state, actor: actor, at: at)

        case .flagTension(let flag):
            let tension = flag.id ?? "T-\(state.nextNumber(kind: "tension", prefix: "T"))"
            return try event(TensionFlagged(tension: tension, title: flag.title, severity: flag.severity, category: flag.category,
                                            teams: flag.teams, description: flag.description, refs: flag.refs),
                             expectedVersion: 0)

        case .holdMeeting(let meeting):
            let id = meeting.id ?? "M-\(state.nextNumber(kind: "meeting", prefix: "M"))"
            let first = state.nextActionNumber
            let items = meeting.actionItems.enumerated().map { index, item in
                MeetingHeld.ActionItem(action: "A-\(first + index)", owner: item.owner, text: item.text, due: item.due)
            }
            return try event(MeetingHeld(meeting: id, title: meeting.title, attendees: meeting.attendees, agenda: meeting.agenda,
                                         decisions: meeting.decisions, actionItems: items.isEmpty ? nil : items),
                             expectedVersion: 0)

        case .completeAction(let completed):
            guard let stream = state.meetingOfAction[completed.action] else {
                throw .notFound("no meeting has an action item \(completed.action)", remedy: "the meetings list their action items",
                                hint: .listMeetings)
            }
            return try event(completed, stream: stream)

        case .requestContent(let request):
            let id = request.id ?? "C-\(state.nextNumber(kind: "content", prefix: "C"))"
            return try event(ContentRequested(request: id, topic: request.topic, lead: request.lead, neededBy: request.neededBy),
                             expectedVersion: 0)

        case .shareResource(let share):
            let id = share.id ?? "R-\(state.nextNumber(kind: "resource", prefix: "R"))"
            return try event(ResourceShared(resource: id, title: share.title, link: share.link, team: share.team, kind: share.kind),
                             expectedVersion: 0)

        case let .retract(target, reason):
            guard let retracted = state.events[target] else {
                throw .notFound("no event with id \(target)", remedy: "the log lists the events and their ids", hint: .listEvents)
            }
            return try event(EventRetracted(target: target.description, reason: reason), stream: retracted.stream)
        }
    }
}

extension Command {
    /// The proposer's signature on the version they propose, when they are
    /// in a team that signs (marketing or sales): proposing it is agreeing to it.
    static func ownSignature(_ subject: AgreementSubject, version: Int64, _ state: DecisionState, actor: String,
                             at: Timestamp?) throws(ParleyError) -> [ProposedEvent] {
        guard let team = state.history("member/\(actor)").member.team, AgreementVersions.signingTeams.contains(team) else { return [] }
        return try Command.agree(subject, version: version, team: team).decide(state, actor: actor, at: at)
    }
}

extension CriteriaChanged {
    /// The one stream of the lead criteria.
    public static let stream = "criteria/mql"
}
