/// The practice's rules, written once: every path that records an event
/// (the commands, `parley record`, imports, later the server) checks it
/// here, against the history of its stream and of its actor, inside the
/// store's write transaction.
///
/// The functions are pure: same history, same verdict.
public enum EventRules {
    /// Everything the rules need to judge one event.
    public struct Context {
        /// The event's stream so far.
        public var stream: StreamHistory
        /// The actor's standing, folded from `member/<actor>`.
        public var actor: MemberState
        /// Whether any member has joined yet (the first may add themselves).
        public var membersExist: Bool
        /// For a lead sent or reassigned to someone, or a token issued to
        /// someone: their standing, folded from `member/<them>`.
        public var assignee: MemberState?
        /// When the log records the event: it may not say it happened later
        /// than that. Nil for an event copied with the time it was first
        /// recorded (a log moved whole keeps what it holds).
        public var recordedAt: Timestamp?

        public init(stream: StreamHistory, actor: MemberState, membersExist: Bool, assignee: MemberState? = nil,
                    recordedAt: Timestamp? = nil) {
            self.stream = stream
            self.actor = actor
            self.membersExist = membersExist
            self.assignee = assignee
            self.recordedAt = recordedAt
        }

        /// Who an event hands something to, if anyone: `assigned_to` of a
        /// send, `to` of a reassignment, `member` of a token issued.
        public static func assigneeHandle(of event: ProposedEvent) -> String? {
            switch event.type {
            case LeadSent.type: event.payload[LeadSent.assignedTo]
            case LeadReassigned.type: event.payload[LeadReassigned.to]
            case TokenIssued.type: event.payload[TokenIssued.member]
            default: nil
            }
        }
    }

    /// Checks `event` under `policy`.
    ///
    /// - Throws: ``RuleViolation`` naming the rule and who may do it.
    public static func check(_ event: ProposedEvent, in context: Context, policy: RulePolicy) throws(RuleViolation) {
        do {
            let actor = context.actor
            if policy.membership {
                try checkMembership(event, actor: actor, membersExist: context.membersExist, bootstrap: policy.bootstrap)
            }
            let history = context.stream
            if policy.teams {
                try checkTeam(event, actor: actor, history: history)
                if let handle = Context.assigneeHandle(of: event) {
                    if event.type == TokenIssued.type {
                        try checkAccess(for: handle, context.assignee)
                    } else {
                        try checkRouting(to: handle, context.assignee)
                    }
                }
            }
            if policy.state {
                if let recordedAt = context.recordedAt { try checkNotAhead(event, of: recordedAt) }
                try checkState(event, history: history)
            }
        } catch {
            var error = error
            error.line = event.line
            throw error
        }
    }

    // MARK: - Membership

    static func checkMembership(_ event: ProposedEvent, actor: MemberState, membersExist: Bool, bootstrap: Bool) throws(RuleViolation) {
        if event.type == MemberJoined.type, !membersExist || bootstrap { return }
        if actor.isActive { return }
        if let left = actor.left {
            throw RuleViolation(.membership, "\(event.actor) left on \(left.rfc3339) and may no longer record events",
                                remedy: "record as a current member", hint: .actAsMember)
        }
        throw RuleViolation(.membership, "\(event.actor) is not a member",
                            remedy: "add them as a member first, or record as a member", hint: .addMember(event.actor))
    }

    // MARK: - Teams

    /// Who may record which type, when not everyone may.
    static let teamOf: [String: (team: String, doing: String)] = [
        LeadSent.type: ("marketing", "send leads"),
        CriteriaChanged.type: ("marketing", "change the lead criteria"),
        LeadAccepted.type: ("sales", "accept leads"),
        LeadRejected.type: ("sales", "reject leads"),
        LeadFeedback.type: ("sales", "give feedback on leads"),
        SignalConfigured.type: ("management", "configure the signal detectors"),
        WebhookAdded.type: ("management", "add webhooks (they make the server post to an address)"),
        WebhookRemoved.type: ("management", "remove webhooks"),
    ]

    /// A lead goes to a current sales member, never to someone who left or
    /// never joined: it would wait on someone who will not answer.
    static func checkRouting(to handle: String, _ assignee: MemberState?) throws(RuleViolation) {
        let remedy = "send it to a current sales member"
        guard let assignee, assignee.joined != nil else {
            throw RuleViolation(.team, "\(handle) is not a member", remedy: remedy, hint: .addMember(handle))
        }
        if let left = assignee.left {
            throw RuleViolation(.team, "\(handle) left on \(left.rfc3339.prefix(10))", remedy: remedy)
        }
        if assignee.team != "sales" {
            throw RuleViolation(.team, "\(handle) is in \(assignee.team ?? "no team"), not sales", remedy: remedy)
        }
    }

    /// A token goes to a current member only: every event sent with it is theirs.
    static func checkAccess(for handle: String, _ member: MemberState?) throws(RuleViolation) {
        guard let member, member.joined != nil else {
            throw RuleViolation(.membership, "\(handle) is not a member", remedy: "add them as a member first", hint: .addMember(handle))
        }
        if let left = member.left {
            throw RuleViolation(.membership, "\(handle) left on \(left.rfc3339.prefix(10)) and may no longer have access")
        }
    }

    static func checkTeam(_ event: ProposedEvent, actor: MemberState, history: StreamHistory) throws(RuleViolation) {
        let team = actor.team ?? "no team"
        if let rule = teamOf[event.type], team != rule.team {
            throw RuleViolation(.team, "only \(rule.team) members may \(rule.doing); \(event.actor) is in \(team)",
                                remedy: "ask a \(rule.team) member, or record as one", hint: .actAsMember)
        }
        switch event.type {
        case TensionResolved.type where history.tension.escalated && team != "management":
            throw RuleViolation(.team, "tension \(history.id) is escalated: only management may resolve it; \(event.actor) is in \(team)")
        case TokenIssued.type, TokenRevoked.type:
            let member = event.payload[EventCatalogue.tokenMember] ?? ""
            if member != event.actor && team != "management" {
                throw RuleViolation(.team, "only management may give or take away another member's access; \(event.actor) is in \(team)",
                                    remedy: "ask a management member, or act for yourself", hint: .actAsMember)
            }
        case CriteriaAgreed.type, SLAAgreed.type, AgreementAgreed.type:
            let agreeing = event.payload[EventCatalogue.signingTeam] ?? ""
            // Only marketing's and sales' signatures put a version in force: one for another team would count for nothing.
            guard AgreementVersions.signingTeams.contains(agreeing) else {
                throw RuleViolation(.team, "a signature counts for marketing or sales, not \(agreeing)",
                                    remedy: team == "management" ? "name the team \(event.actor) signs for: marketing or sales"
                                                                 : "sign as a marketing or sales member")
            }
            if agreeing != team && team != "management" {
                throw RuleViolation(.team, "\(event.actor) is in \(team) and cannot agree for \(agreeing); a \(agreeing) member (or management) must agree")
            }
        default:
            break
        }
    }

    // MARK: - State

    static func checkState(_ event: ProposedEvent, history: StreamHistory) throws(RuleViolation) {
        let data = event.payload
        let id = history.id
        func refuse(_ message: String) -> RuleViolation { RuleViolation(.state, message) }
        func by(_ event: RecordedEvent) -> String { "by \(event.actor) on \(event.occurredAt.rfc3339)" }
        try checkTimeOrder(event, history: history)

        switch event.type {
        case MemberJoined.type:
            if let joined = history.member.joined, history.member.left == nil {
                throw RuleViolation(.state, "\(id) is already a member (joined \(by(joined)))", remedy: "move them to change their team",
                                    hint: .moveMember(id))
            }
        case MemberLeft.type, MemberMoved.type:
            guard history.member.isActive else { throw refuse("\(id) is not a current member") }
            if event.type == MemberMoved.type, let team = data[MemberMoved.team], team == history.member.team {
                throw refuse("\(id) is already in \(team)")
            }

        case TokenRevoked.type:
            let counted = history.all.filter { history.retractions[$0.id] == nil }
            guard let issued = counted.first(where: { $0.type == TokenIssued.type }) else {
                throw RuleViolation(.state, "there is no token \(id)", remedy: "the token list shows each token's id")
            }
            if let owner = issued.payload[TokenIssued.member], owner != data[TokenRevoked.member] {
                throw refuse("token \(id) is \(owner)'s, not \(data[TokenRevoked.member] ?? "")'s")
            }
            if let revoked = counted.first(where: { $0.type == TokenRevoked.type }) {
                throw refuse("token \(id) was already revoked \(by(revoked))")
            }

        case LeadSent.type:
            if let sent = history.lead.sent, !history.lead.recycled {
                throw refuse("lead \(id) was already sent \(by(sent)); recycle it before sending it again")
            }
        case let type where type.hasPrefix("lead."):
            guard history.lead.sent != nil else {
                throw RuleViolation(.state, "there is no lead \(id) in the log", remedy: "it must be sent first", hint: .sendLead(id))
            }
            switch type {
            case LeadAccepted.type, LeadRejected.type:
                if let verdict = history.lead.verdict {
                    throw refuse("lead \(id) was already \(verdict.type == LeadAccepted.type ? "accepted" : "rejected") \(by(verdict)); a lead gets one verdict (retract it to correct a mistake)")
                }
            case LeadConverted.type, LeadLost.type:
                if let outcome = history.lead.outcome {
                    throw refuse("lead \(id) was already \(outcome.type == LeadConverted.type ? "converted" : "lost") \(by(outcome))")
                }
            default:
                break
            }

        case CriteriaChanged.type, SLASet.type, AgreementProposed.type:
            // An SLA set without a number takes the next one.
            guard let version = data[EventCatalogue.proposedVersion] else { break }
            let current = history.versions.latest
            guard version == current + 1 else {
                throw refuse("\(Self.agreementName(event.type, id)) versions go up by one: the latest is \(current), so the next is \(current + 1), not \(version)")
            }
        case CriteriaAgreed.type, SLAAgreed.type, AgreementAgreed.type:
            let version = data[EventCatalogue.signedVersion] ?? 0
            let team = data[EventCatalogue.signingTeam] ?? ""
            let name = Self.agreementName(event.type, id)
            guard history.versions.version(version) != nil else {
                let numbers = history.versions.versions.map { String($0.number) }.joined(separator: ", ")
                throw refuse("there is no \(name) version \(version); the versions are \(numbers.ifEmpty("none yet"))")
            }
            if let agreed = history.versions.signature(version, team: team) {
                throw refuse("\(team) already agreed to \(name) version \(version) by \(agreed.by) on \(agreed.at.rfc3339)")
            }

        case TensionFlagged.type:
            if let flagged = history.tension.flagged {
                throw refuse("tension \(id) already exists (flagged \(by(flagged)))")
            }
        case let type where type.hasPrefix("tension."):
            guard history.tension.flagged != nil else { throw RuleViolation(.state, "there is no tension \(id)", remedy: "flag it first", hint: .flagTension) }
            switch type {
            case TensionEscalated.type:
                if let resolved = history.tension.resolved { throw refuse("tension \(id) was resolved \(by(resolved)); only an open tension can be escalated (reopen it first)") }
            case TensionResolved.type:
                if let resolved = history.tension.resolved { throw refuse("tension \(id) was already resolved \(by(resolved))") }
            case TensionReopened.type:
                if history.tension.resolved == nil { throw refuse("tension \(id) is open; only a resolved tension can be reopened") }
            default:
                break
            }

        case MeetingHeld.type:
            if let held = history.meeting.held { throw refuse("meeting \(id) was already recorded \(by(held))") }
        case ActionCompleted.type:
            let action = data[ActionCompleted.action] ?? ""
            guard history.meeting.actions.contains(action) else {
                throw refuse("meeting \(id) has no action item \(action)")
            }
            if let done = history.meeting.completed[action] { throw refuse("action \(action) was already completed \(by(done))") }

        case ContentRequested.type:
            if let requested = history.content.requested { throw refuse("content request \(id) already exists (made \(by(requested)))") }
        case ContentDelivered.type:
            guard history.content.requested != nil else { throw refuse("there is no content request \(id)") }
            if let delivered = history.content.delivered { throw refuse("content request \(id) was already delivered \(by(delivered))") }

        case ResourceShared.type:
            if let shared = history.resource.shared { throw refuse("resource \(id) was already shared \(by(shared))") }
        case ResourceUsed.type:
            guard history.resource.shared != nil else { throw RuleViolation(.state, "there is no resource \(id)", remedy: "share it first", hint: .shareResource) }

        case EventRetracted.type:
            let target = data[EventRetracted.target].flatMap(EventID.init)
            guard let target, let retracted = history.all.first(where: { $0.id == target }) else {
                throw refuse("there is no event \(data[EventRetracted.target] ?? "?") in \(history.stream.isEmpty ? "this stream" : history.stream); a retraction goes to the stream of the event it corrects")
            }
            if retracted.type == EventRetracted.type { throw refuse("a retraction cannot itself be retracted; record the event again instead") }
            if let earlier = history.retractions[target] { throw refuse("event \(target) was already retracted \(by(earlier))") }

        default:
            break
        }
    }
}

extension EventRules {
    /// How far ahead of the log's clock an event may say it happened: the
    /// clocks of the machines that write to one log differ a little.
    public static let clockSkew: Int64 = 5 * 60 * 1_000_000

    /// An event records what has happened: one dated later than the log
    /// learns of it (a year typed wrong, a due date taken for the time) would
    /// count in every view as something still to come.
    static func checkNotAhead(_ event: ProposedEvent, of recordedAt: Timestamp) throws(RuleViolation) {
        guard let at = event.occurredAt, at.microseconds > recordedAt.microseconds + clockSkew else { return }
        throw RuleViolation(.state, "\(event.type) at \(at.rfc3339) is in the future (it is \(recordedAt.minute) UTC now): the log records what has happened",
                            remedy: "give the time it happened, at or before now")
    }

    /// Time goes forward within a stream: an event cannot happen before the
    /// event it answers (a verdict before its lead was sent, a signature
    /// before its version was proposed, a comment before its tension was
    /// flagged, an action done before its meeting). An event without a time
    /// happens now, after all of them.
    static func checkTimeOrder(_ event: ProposedEvent, history: StreamHistory) throws(RuleViolation) {
        guard let at = event.occurredAt else { return }
        let id = history.id
        let answered: (time: Timestamp, what: String)?
        switch event.type {
        case LeadSent.type, TensionFlagged.type, MeetingHeld.type, ContentRequested.type, ResourceShared.type, CriteriaChanged.type, SLASet.type,
             AgreementProposed.type:
            answered = nil
        case let type where type.hasPrefix("lead."):
            answered = history.lead.sent.map { ($0.occurredAt, "lead \(id) was sent") }
        case CriteriaAgreed.type, SLAAgreed.type, AgreementAgreed.type:
            let version = event.payload[EventCatalogue.signedVersion] ?? 0
            answered = history.versions.version(version).map { ($0.proposedAt, "\(agreementName(event.type, id)) version \(version) was proposed") }
        case let type where type.hasPrefix("tension."):
            answered = history.tension.flagged.map { ($0.occurredAt, "tension \(id) was flagged") }
        case ActionCompleted.type:
            answered = history.meeting.held.map { ($0.occurredAt, "meeting \(id) was held") }
        case ContentDelivered.type:
            answered = history.content.requested.map { ($0.occurredAt, "content \(id) was requested") }
        case ResourceUsed.type:
            answered = history.resource.shared.map { ($0.occurredAt, "resource \(id) was shared") }
        default:
            answered = nil
        }
        if let answered, at < answered.time {
            throw RuleViolation(.state, "\(event.type) at \(at.rfc3339) would happen before \(answered.what), at \(answered.time.rfc3339)",
                                remedy: "record it at or after \(answered.time.rfc3339)")
        }
    }
}

extension EventRules {
    /// What an agreement's events call it in a message: "criteria", "SLA",
    /// or the agreement's name (`id`, of its stream `agreement/<name>`).
    static func agreementName(_ type: String, _ id: String) -> String {
        if type.hasPrefix("criteria.") { return "criteria" }
        if type.hasPrefix("sla.") { return "SLA" }
        return "agreement \(id)"
    }
}

extension String {
    func ifEmpty(_ replacement: String) -> String { isEmpty ? replacement : self }
}
