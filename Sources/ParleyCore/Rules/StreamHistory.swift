/// What the rules need to know about one stream, folded from its events.
/// Retracted events, and the retractions themselves, no longer count.
///
/// A class: the store keeps one per stream a batch touches and folds each
/// new event into it in place.
public final class StreamHistory {
    public let stream: String
    /// The stream's id: `L-1042` of `lead/L-1042`.
    public let id: String
    /// Every event of the stream, retracted or not.
    public private(set) var all: [RecordedEvent]
    /// Retraction events by the id of the event they retract.
    public private(set) var retractions: [EventID: RecordedEvent] = [:]

    public struct Lead {
        public var sent: RecordedEvent?
        public var recycled = false
        public var verdict: RecordedEvent?
        public var outcome: RecordedEvent?
    }

    public struct Tension {
        public var flagged: RecordedEvent?
        public var resolved: RecordedEvent?
        public var escalated = false
    }

    public struct Meeting {
        public var held: RecordedEvent?
        public var actions: Set<String> = []
        public var completed: [String: RecordedEvent] = [:]
    }

    public struct Content {
        public var requested: RecordedEvent?
        public var delivered: RecordedEvent?
    }

    public struct Resource {
        public var shared: RecordedEvent?
    }

    public private(set) var lead = Lead()
    public private(set) var member = MemberState([])
    /// The versions of the agreement the stream holds and their signatures
    /// (`criteria/mql`, `sla/main`, `agreement/<name>`).
    public private(set) var versions = AgreementVersions()
    public private(set) var tension = Tension()
    public private(set) var meeting = Meeting()
    public private(set) var content = Content()
    public private(set) var resource = Resource()

    /// Folds `events`, the stream's events in version order.
    public init(_ events: [RecordedEvent], stream: String? = nil) {
        all = events
        self.stream = stream ?? events.first?.stream ?? ""
        id = self.stream.split(separator: "/", maxSplits: 1).dropFirst().first.map(String.init) ?? ""
        refold()
    }

    /// Folds `all` from scratch.
    private func refold() {
        retractions = [:]
        lead = Lead()
        versions = AgreementVersions()
        tension = Tension()
        meeting = Meeting()
        content = Content()
        resource = Resource()
        for event in all where event.type == EventRetracted.type {
            if let target = event.payload[EventRetracted.target].flatMap(EventID.init) {
                retractions[target] = event
            }
        }
        let effective = all.filter { $0.type != EventRetracted.type && retractions[$0.id] == nil }
        member = MemberState(effective)
        for event in effective { apply(event) }
    }

    /// The stream's version: that of its last event, 0 when empty.
    public var version: Int64 { all.last?.version ?? 0 }

    /// Adds the stream's next event. A retraction refolds the stream; any
    /// other event is folded in as it comes.
    public func append(_ event: RecordedEvent) {
        all.append(event)
        if event.type == EventRetracted.type {
            refold()
            return
        }
        member.apply(event)
        apply(event)
    }

    private func apply(_ event: RecordedEvent) {
        // Only the types whose fields matter here pay for parsing.
        var data: JSONValue { event.payload }
        switch event.type {
        case LeadSent.type: lead = Lead(sent: event)
        case LeadRecycled.type: lead.recycled = true; lead.verdict = nil
        case LeadAccepted.type, LeadRejected.type: if lead.verdict == nil { lead.verdict = event }
        case LeadConverted.type, LeadLost.type: if lead.outcome == nil { lead.outcome = event }
        case CriteriaChanged.type, SLASet.type, AgreementProposed.type:
            // sla.set written before SLAs had numbers takes the next one.
            versions.propose(data[EventCatalogue.proposedVersion], by: event.actor, at: event.occurredAt)
        case CriteriaAgreed.type, SLAAgreed.type, AgreementAgreed.type:
            let payload = data
            if let version = payload[EventCatalogue.signedVersion], let team = payload[EventCatalogue.signingTeam] {
                versions.sign(version, team: team, by: event.actor, at: event.occurredAt)
            }
        case TensionFlagged.type: tension.flagged = event
        case TensionEscalated.type: tension.escalated = true
        case TensionResolved.type: tension.resolved = event
        case TensionReopened.type: tension.resolved = nil; tension.escalated = false
        case MeetingHeld.type:
            meeting.held = event
            for item in data[MeetingHeld.actionItems] ?? [] { meeting.actions.insert(item.action) }
        case ActionCompleted.type:
            if let action = data[ActionCompleted.action], meeting.completed[action] == nil { meeting.completed[action] = event }
        case ContentRequested.type: content.requested = event
        case ContentDelivered.type: if content.delivered == nil { content.delivered = event }
        case ResourceShared.type: resource.shared = event
        default: break
        }
    }
}

/// A member's standing, folded from their `member/<handle>` stream.
public struct MemberState {
    public private(set) var joined: RecordedEvent?
    public private(set) var left: Timestamp?
    public private(set) var team: String?

    public var isActive: Bool { joined != nil && left == nil }

    public init(_ events: [RecordedEvent]) {
        for event in events { apply(event) }
    }

    mutating func apply(_ event: RecordedEvent) {
        switch event.type {
        case MemberJoined.type:
            joined = event
            left = nil
            team = event.payload[MemberJoined.team]
        case MemberMoved.type:
            if let newTeam = event.payload[MemberMoved.team] { team = newTeam }
        case MemberLeft.type:
            left = event.occurredAt
        default:
            break
        }
    }
}

extension RecordedEvent {
    /// The payload as a JSON value, upcast to its type's current schema
    /// (an empty object if the stored text does not parse, which `verify`
    /// would report).
    public var payload: JSONValue {
        Self.payload(utf8: data.utf8, type: type, schema: schema)
    }

    /// ``payload`` from the text's UTF-8 (read in place when contiguous),
    /// for a reader that holds the text but has not made a String of it.
    public static func payload(utf8: some Collection<UInt8>, type: String, schema: Int) -> JSONValue {
        guard let value = try? JSONValue.parse(utf8) else { return .object([]) }
        return (try? Upcasters.upcast(type: type, schema: schema, data: value)) ?? value
    }
}
