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
        init(_ lead: String, _ routed: RoutingProjection.Lead) {
            self.lead = lead
            source = routed.source
            assignments = routed.assignments.map { assignment in
                Assignment(kind: assignment.reassigned ? "reassigned" : "sent", to: assignment.to, at: assignment.at, by: assignment.by,
                           reason: assignment.reason, position: assignment.position)
            }
        }

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

    /// Every lead selected, in the order it was first sent; without
    /// ``RoutingQuery/eachLead``, only those moved more than twice.
    public var leads: [Lead]
    /// How many leads were selected, and their reassignments.
    public var leadCount: Int
    public var reassignments: Int
    public var reps: [RepRow]
    public var sources: [SourceRow]
    /// Leads moved more than twice: a lead nobody wants, or routing that does not work.
    public var movedOften: [Lead] { leads.filter { $0.moves > RoutingProjection.movedOftenAbove } }

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
    /// List every lead selected with its hand-overs (else only those moved
    /// more than twice: a report over every lead then reads only the totals).
    public var eachLead: Bool
    public var window: ReplayWindow

    public init(lead: String? = nil, rep: String? = nil, since: Timestamp? = nil, eachLead: Bool = true, window: ReplayWindow = ReplayWindow()) {
        self.lead = lead
        self.rep = rep
        self.since = since
        self.eachLead = eachLead
        self.window = window
    }
}

extension App {
    /// Each lead's assignment history and the totals per rep and source,
    /// from the routing view (retracted sends and reassignments left out).
    public func routing(_ query: RoutingQuery, progress: ProgressReporter = .none) throws(ParleyError) -> RoutingReport {
        let view = try source(RoutingProjection.self, query.window, progress: progress)
        return try mapped {
            if let lead = query.lead {
                let leads = try view.row(RoutingProjection.leadKey(lead))?.asLead.map { [RoutingReport.Lead(lead, $0)] } ?? []
                return RoutingReport(leads.filter { query.selects($0) })
            }
            guard query.eachLead || query.rep != nil || query.since != nil else {
                // Every lead: the view's totals, and the leads moved often.
                var report = RoutingReport(leads: [], leadCount: 0, reassignments: 0, reps: [], sources: [])
                for (key, row) in try view.rows(prefix: "rep/") {
                    guard let tally = row.repTally else { continue }
                    report.reps.append(.init(rep: String(key.dropFirst(4)), sent: Int(tally.sent), movedIn: Int(tally.movedIn),
                                             movedOut: Int(tally.movedOut), holding: Int(tally.holding)))
                }
                for (key, row) in try view.rows(prefix: "source/") {
                    guard let tally = row.sourceTally else { continue }
                    report.sources.append(.init(source: String(key.dropFirst(7)), leads: Int(tally.leads),
                                                reassignments: Int(tally.reassignments), moved: Int(tally.moved)))
                    report.leadCount += Int(tally.leads)
                    report.reassignments += Int(tally.reassignments)
                }
                for key in try view.rows(prefix: "often/").keys {
                    let lead = String(key.dropFirst(6))
                    if let routed = try view.row(RoutingProjection.leadKey(lead))?.asLead { report.leads.append(.init(lead, routed)) }
                }
                report.leads.sort { $0.assignments[0].position < $1.assignments[0].position }
                report.sortTotals()
                return report
            }
            let leads = try view.rows(prefix: "lead/").compactMap { key, row in
                row.asLead.map { RoutingReport.Lead(String(key.dropFirst(5)), $0) }
            }
            return RoutingReport(leads.filter { query.selects($0) }.sorted { $0.assignments[0].position < $1.assignments[0].position })
        }
    }
}

extension RoutingQuery {
    func selects(_ lead: RoutingReport.Lead) -> Bool {
        guard let first = lead.assignments.first else { return false }
        if let since, first.at < since { return false }
        if let rep, !lead.assignments.contains(where: { $0.to == rep }) { return false }
        return true
    }
}

extension RoutingReport {
    /// The report of `leads` (each listed), with their totals.
    init(_ leads: [Lead]) {
        var reps: [String: RepRow] = [:]
        var sources: [String: SourceRow] = [:]
        for lead in leads {
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
        self.init(leads: leads, leadCount: leads.count, reassignments: leads.reduce(0) { $0 + $1.moves },
                  reps: Array(reps.values), sources: Array(sources.values))
        sortTotals()
    }

    /// Reps by handle; sources by leads, most first.
    mutating func sortTotals() {
        reps.sort { $0.rep < $1.rep }
        sources.sort { $0.leads != $1.leads ? $0.leads > $1.leads : $0.source < $1.source }
    }
}
