/// Something a member asks Parley to record: send a lead, reject it, change
/// the criteria, hold a meeting, …
///
/// A command is decided, not written as it is: ``decide(_:actor:at:)``
/// turns it into events from the state of the streams it needs (the next
/// tension number, the team of the member who agrees, the meeting that set
/// an action item), and the store then checks those events against the
/// rules like any other. Every front end (the CLI, an import, the server)
/// sends the same commands, so each default is decided once, here.
public enum Command: Sendable, Equatable {
    case addMember(MemberJoined)
    case moveMember(MemberMoved)
    case removeMember(MemberLeft)
    case defineRole(RoleDefined)

    /// Marketing hands a lead over; with no `criteria_version` it is sent
    /// under the version in force when it was sent.
    case sendLead(LeadSent)
    case reassignLead(LeadReassigned)
    case acceptLead(LeadAccepted)
    case rejectLead(LeadRejected)
    case recycleLead(LeadRecycled)
    case giveFeedback(LeadFeedback)
    case convertLead(LeadConverted)
    case loseLead(LeadLost)

    /// Marketing records the next version of the lead criteria.
    case changeCriteria(rules: String, rationale: String?)
    /// A team signs a version of an agreement off; `team` nil: the actor's own.
    case agree(AgreementSubject, version: Int64, team: String?)
    /// Proposes the next version of the SLA, numbered by Parley; a marketing
    /// or sales member proposing it signs it for their team.
    case setSLA(SLASet)
    /// Proposes the next version of a named agreement (personas, the
    /// messaging guide, …), signed for the proposer's team as `setSLA` is.
    case proposeAgreement(name: String, text: String, rationale: String?)
    case setGoal(GoalSet)

    case flagTension(FlagTension)
    case commentTension(TensionCommented)
    case escalateTension(TensionEscalated)
    case resolveTension(TensionResolved)
    case reopenTension(TensionReopened)

    case holdMeeting(HoldMeeting)
    /// Marks an action item done, in the stream of the meeting that set it.
    case completeAction(ActionCompleted)

    case requestContent(RequestContent)
    case deliverContent(ContentDelivered)
    case shareResource(ShareResource)
    case useResource(ResourceUsed)

    /// Someone has seen a signal and is acting on it.
    case acknowledgeSignal(SignalAcknowledged)
    /// Someone closes a signal (a false alarm, expected, other).
    case dismissSignal(SignalDismissed)
    /// Management sets a detector's thresholds.
    case configureSignals(SignalConfigured)

    /// A member gets a token for the server (its secret is kept apart, never in the event).
    case issueToken(TokenIssued)
    /// A token stops working.
    case revokeToken(TokenRevoked)

    /// Management has the server post events to an address; Parley numbers it (`W-1`).
    case addWebhook(url: String, types: [String]?, format: String?, signed: Bool)
    /// The server stops posting to an address.
    case removeWebhook(WebhookRemoved)

    /// Corrects a mistake: the event stays, and no longer counts.
    case retract(target: EventID, reason: String)
}

/// What the teams sign: the lead criteria, the SLA, or a named agreement.
public enum AgreementSubject: Sendable, Equatable, Hashable {
    case criteria
    case sla
    case named(String)

    /// The stream that holds its versions.
    public var stream: String {
        switch self {
        case .criteria: CriteriaChanged.stream
        case .sla: SLASet.stream
        case .named(let name): "agreement/\(name)"
        }
    }
}

extension Command {
    /// A tension to flag; Parley numbers it (`T-3`) unless `id` is given.
    public struct FlagTension: Sendable, Equatable {
        public var id: String?
        public var title: String, severity: String, category: String
        public var teams: [String]?, description: String?, refs: [String]?

        public init(id: String? = nil, title: String, severity: String, category: String,
                    teams: [String]? = nil, description: String? = nil, refs: [String]? = nil) {
            self.id = id; self.title = title; self.severity = severity; self.category = category
            self.teams = teams; self.description = description; self.refs = refs
        }
    }

    /// A meeting held; Parley numbers it (`M-7`) unless `id` is given, and
    /// numbers its action items (`A-12`) across all meetings.
    public struct HoldMeeting: Sendable, Equatable {
        public struct Item: Sendable, Equatable {
            public var owner: String, text: String, due: String?
            public init(owner: String, text: String, due: String? = nil) {
                self.owner = owner; self.text = text; self.due = due
            }
        }

        public var id: String?
        public var title: String, attendees: [String], agenda: String?, decisions: [String]?
        public var actionItems: [Item]

        public init(id: String? = nil, title: String, attendees: [String], agenda: String? = nil,
                    decisions: [String]? = nil, actionItems: [Item] = []) {
            self.id = id; self.title = title; self.attendees = attendees; self.agenda = agenda
            self.decisions = decisions; self.actionItems = actionItems
        }
    }

    /// A request for content; Parley numbers it (`C-5`) unless `id` is given.
    public struct RequestContent: Sendable, Equatable {
        public var id: String?
        public var topic: String, lead: String?, neededBy: String?

        public init(id: String? = nil, topic: String, lead: String? = nil, neededBy: String? = nil) {
            self.id = id; self.topic = topic; self.lead = lead; self.neededBy = neededBy
        }
    }

    /// A resource shared; Parley numbers it (`R-2`) unless `id` is given.
    public struct ShareResource: Sendable, Equatable {
        public var id: String?
        public var title: String, link: String, team: String, kind: String?

        public init(id: String? = nil, title: String, link: String, team: String, kind: String? = nil) {
            self.id = id; self.title = title; self.link = link; self.team = team; self.kind = kind
        }
    }
}
