public import ParleyCore

/// Who each lead was routed to, when, by whom and why, and what that adds
/// up to per rep and per source: `parley routing`.
public struct RoutingReport: Sendable, Equatable, Encodable {
    /// One hand-over of a lead: the send, or a reassignment.
    public struct Assignment: Sendable, Equatable, Encodable {
        /// `sent` (also sent again after recycling) or `reassigned`.
        public var kind: String
        /// The rep it went to; nil for a send to nobody in particular.
        public var to: String?
        public var at: Timestamp
        public var by: String
        /// The reassignment's reason, when one was given.
        public var reason: String?
        public var position: Int64

        public func encode(to encoder: any Encoder) throws {
            var out = encoder.container(keyedBy: JSONKey.self)
            try out.put(kind, "kind")
            try out.put(to, "to")
            try out.put(at, "at")
            try out.put(by, "by")
            try out.put(reason, "reason")
            try out.put(position, "position")
        }
    }

    public struct Lead: Sendable, Equatable, Encodable {
        public var lead: String
        public var source: String
        public var assignments: [Assignment]
        /// Reassignments.
        public var moves: Int { assignments.count { $0.kind == "reassigned" } }
        /// Who holds it now (the last assignment).
        public var owner: String? { assignments.last?.to }

        public func encode(to encoder: any Encoder) throws {
            var out = encoder.container(keyedBy: JSONKey.self)
            try out.put(lead, "lead")
            try out.put(source, "source")
            try out.put(owner, "owner")
            try out.put(moves, "moves")
            try out.put(assignments, "assignments")
        }
    }

    public struct RepRow: Sendable, Equatable, Encodable {
        public var rep: String
        /// Leads sent straight to them.
        public var sent = 0
        /// Leads reassigned to them.
        public var movedIn = 0
        /// Leads reassigned away from them.
        public var movedOut = 0
        /// Leads they hold now.
        public var holding = 0

        public func encode(to encoder: any Encoder) throws {
            var out = encoder.container(keyedBy: JSONKey.self)
            try out.put(rep, "rep")
            try out.put(sent, "sent")
            try out.put(movedIn, "moved_in")
            try out.put(movedOut, "moved_out")
            try out.put(holding, "holding")
        }
    }

    public struct SourceRow: Sendable, Equatable, Encodable {
        public var source: String
        public var leads = 0
        /// Reassignments of the source's leads.
        public var reassignments = 0
        /// Leads of the source moved at least once.
        public var moved = 0

        public func encode(to encoder: any Encoder) throws {
            var out = encoder.container(keyedBy: JSONKey.self)
            try out.put(source, "source")
            try out.put(leads, "leads")
            try out.put(reassignments, "reassignments")
            try out.put(moved, "moved")
        }
    }

    /// Every lead selected, in the order it was first sent.
    public var leads: [Lead]
    public var reps: [RepRow]
    public var sources: [SourceRow]
    /// Leads moved more than twice: a lead nobody wants, or routing that does not work.
    public var movedOften: [Lead] { leads.filter { $0.moves > 2 } }

    public func encode(to encoder: any Encoder) throws {
        var out = encoder.container(keyedBy: JSONKey.self)
        try out.put(leads, "leads")
        try out.put(reps, "reps")
        try out.put(sources, "sources")
        try out.put(movedOften.map(\.lead), "moved_often")
    }
}

/// What `routing` selects.
public struct RoutingQuery: Sendable, Equatable {
    /// One lead only.
    public var lead: String?
    /// Leads that were ever assigned to this rep.
    public var rep: String?
    /// Leads first sent at or after this time.
    public var since: Timestamp?
    public var window: ReplayWindow

    public init(lead: String? = nil, rep: String? = nil, since: Timestamp? = nil, window: ReplayWindow = ReplayWindow()) {
        self.lead = lead
        self.rep = rep
        self.since = since
        self.window = window
    }
}

extension App {
    /// Each lead's assignment history and the totals per rep and source,
    /// read from the sends and reassignments (retracted ones left out).
    public func routing(_ query: RoutingQuery) throws(ParleyError) -> RoutingReport {
        var filter = EventFilter(stream: query.lead.map { "lead/\($0)" } ?? "lead/*",
                                 until: query.window.asOf.map { Timestamp(microseconds: $0.microseconds + 1) },
                                 knownAt: query.window.knownAt,
                                 types: [LeadSent.type, LeadReassigned.type, EventRetracted.type])
        filter.limit = nil
        var leads: [String: RoutingReport.Lead] = [:]
        var order: [String] = []
        var retracted: Set<String> = []
        var assignmentIDs: [String: (lead: String, index: Int)] = [:]
        try events(filter) { event in
            let data = event.payload
            switch event.type {
            case EventRetracted.type:
                if let target = data[EventRetracted.target] { retracted.insert(target) }
            case LeadSent.type:
                guard let lead = data[LeadSent.lead] else { return true }
                let assignment = RoutingReport.Assignment(kind: "sent", to: data[LeadSent.assignedTo], at: event.occurredAt,
                                                          by: event.actor, position: event.position)
                if leads[lead] == nil {
                    order.append(lead)
                    leads[lead] = RoutingReport.Lead(lead: lead, source: data[LeadSent.source] ?? "unknown", assignments: [])
                }
                leads[lead]!.assignments.append(assignment)
                assignmentIDs[event.id.description] = (lead, leads[lead]!.assignments.count - 1)
            default:
                guard let lead = data[LeadReassigned.lead], leads[lead] != nil else { return true }
                leads[lead]!.assignments.append(RoutingReport.Assignment(
                    kind: "reassigned", to: data[LeadReassigned.to], at: event.occurredAt, by: event.actor,
                    reason: data[LeadReassigned.reason], position: event.position))
                assignmentIDs[event.id.description] = (lead, leads[lead]!.assignments.count - 1)
            }
            return true
        }
        // A retraction removes the hand-over it names; what is left keeps its order.
        var removed: [String: Set<Int>] = [:]
        for id in retracted { if let (lead, index) = assignmentIDs[id] { removed[lead, default: []].insert(index) } }
        for (lead, indices) in removed {
            leads[lead]!.assignments = leads[lead]!.assignments.enumerated().filter { !indices.contains($0.offset) }.map(\.element)
        }
        let selected = order.compactMap { leads[$0] }.filter { lead in
            guard let first = lead.assignments.first else { return false }
            if let since = query.since, first.at < since { return false }
            if let rep = query.rep, !lead.assignments.contains(where: { $0.to == rep }) { return false }
            return true
        }
        var reps: [String: RoutingReport.RepRow] = [:]
        var sources: [String: RoutingReport.SourceRow] = [:]
        for lead in selected {
            sources[lead.source, default: .init(source: lead.source)].leads += 1
            sources[lead.source]!.reassignments += lead.moves
            if lead.moves > 0 { sources[lead.source]!.moved += 1 }
            for (index, assignment) in lead.assignments.enumerated() {
                let moved = assignment.kind == "reassigned"
                if let to = assignment.to {
                    if moved { reps[to, default: .init(rep: to)].movedIn += 1 } else { reps[to, default: .init(rep: to)].sent += 1 }
                }
                if moved, index > 0, let from = lead.assignments[index - 1].to { reps[from, default: .init(rep: from)].movedOut += 1 }
            }
            if let owner = lead.owner { reps[owner, default: .init(rep: owner)].holding += 1 }
        }
        return RoutingReport(leads: selected,
                             reps: reps.values.sorted { $0.rep < $1.rep },
                             sources: sources.values.sorted { $0.leads != $1.leads ? $0.leads > $1.leads : $0.source < $1.source })
    }
}
