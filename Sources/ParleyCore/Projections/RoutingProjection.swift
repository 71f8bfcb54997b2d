/// Who each lead was routed to, when, by whom and why, and the totals per
/// rep and per source that `parley routing` shows: kept as a view, so that
/// the totals are a few rows to read instead of a pass over every lead.
///
/// Rows: `lead/<id>` (its hand-overs, in order), `rep/<handle>`,
/// `source/<name>`, and `often/<id>` for each lead moved more than twice.
public enum RoutingProjection: Projection {
    public static let typePrefixes = [LeadSent.type, LeadReassigned.type]

    public static let name = "routing"
    public static let version = 1

    /// More reassignments than this: a lead nobody wants, or routing that does not work.
    public static let movedOftenAbove = 2

    /// One hand-over of a lead: a send (also a send again after recycling), or a reassignment.
    public struct Assignment: Codable, Sendable, Equatable {
        public var reassigned: Bool
        /// The rep it went to; nil for a send to nobody in particular.
        public var to: String?
        public var at: Timestamp
        public var by: String
        /// The reassignment's reason, when one was given.
        public var reason: String?
        public var position: Int64
    }

    public struct Lead: Codable, Sendable, Equatable {
        /// The source of its first send.
        public var source: String
        /// In the order they were recorded; never empty.
        public var assignments: [Assignment]

        public var moves: Int { assignments.count { $0.reassigned } }
        /// Who holds it now (the last hand-over's rep).
        public var owner: String? { assignments.last?.to }
    }

    public struct RepTally: Codable, Sendable, Equatable {
        /// Leads sent straight to them.
        public var sent: Int64 = 0
        /// Leads reassigned to them.
        public var movedIn: Int64 = 0
        /// Leads reassigned away from them.
        public var movedOut: Int64 = 0
        /// Leads they hold now.
        public var holding: Int64 = 0
    }

    public struct SourceTally: Codable, Sendable, Equatable {
        public var leads: Int64 = 0
        /// Reassignments of the source's leads.
        public var reassignments: Int64 = 0
        /// Leads moved at least once.
        public var moved: Int64 = 0
    }

    public indirect enum Row: Codable, Sendable, Equatable {
        case lead(Lead)
        case rep(RepTally)
        case source(SourceTally)
        /// The lead at the same id is moved more than twice.
        case often
    }

    public static func leadKey(_ lead: String) -> String { "lead/\(lead)" }

    public static func apply(_ event: RecordedEvent, data: Payload, to rows: ProjectionRows<Row>) throws {
        guard let id = data[EventCatalogue.lead] else { return }
        let key = leadKey(id)
        let sent = event.type == LeadSent.type
        // New when the event is the first of the lead's own stream (see ProjectionRows.take(_:new:)).
        let (slot, row) = try rows.take(key, new: sent && event.version == 1 && event.stream == key)
        let known = row?.asLead
        guard sent || known != nil else {
            // A reassignment of a lead never sent: nothing to move.
            rows.put(row, at: slot)
            return
        }
        let assignment = Assignment(reassigned: !sent, to: sent ? data[LeadSent.assignedTo] : data[LeadReassigned.to],
                                    at: event.occurredAt, by: event.actor,
                                    reason: sent ? nil : data[LeadReassigned.reason], position: event.position)
        var lead = known ?? Lead(source: data[LeadSent.source] ?? "unknown", assignments: [])
        let from = lead.owner
        lead.assignments.append(assignment)
        let moves = lead.moves
        rows.put(.lead(lead), at: slot)

        // The totals change by sums held until the chunk settles: a chunk moves a few reps' and sources' rows thousands of times.
        let held = HeldTallies.of(rows)
        if let from { held.reps[from, default: RepTally()].holding -= 1 }
        if let to = assignment.to {
            held.reps[to, default: RepTally()].holding += 1
            if sent { held.reps[to, default: RepTally()].sent += 1 } else { held.reps[to, default: RepTally()].movedIn += 1 }
        }
        if sent {
            if known == nil { held.sources[lead.source, default: SourceTally()].leads += 1 }
            return
        }
        if let from { held.reps[from, default: RepTally()].movedOut += 1 }
        held.sources[lead.source, default: SourceTally()].reassignments += 1
        if moves == 1 { held.sources[lead.source, default: SourceTally()].moved += 1 }
        if moves == movedOftenAbove + 1 { rows.set("often/\(id)", .often) }
    }

    /// Adds the changes held to the reps' and sources' rows.
    public static func settle(_ rows: ProjectionRows<Row>) throws {
        guard rows.held != nil else { return }
        let held = HeldTallies.of(rows)
        for (handle, change) in held.reps {
            try rows.modify("rep/\(handle)") { row in row = .rep((row?.repTally ?? RepTally()).adding(change)) }
        }
        for (name, change) in held.sources {
            try rows.modify("source/\(name)") { row in row = .source((row?.sourceTally ?? SourceTally()).adding(change)) }
        }
        held.reps = [:]
        held.sources = [:]
    }

    /// The changes to the totals the fold has not yet added to their rows.
    final class HeldTallies {
        var reps: [String: RepTally] = [:]
        var sources: [String: SourceTally] = [:]

        /// The changes held for `rows` (made on first use).
        static func of(_ rows: ProjectionRows<Row>) -> HeldTallies {
            if let held = rows.held { return unsafeDowncast(held, to: HeldTallies.self) }
            let held = HeldTallies()
            rows.held = held
            return held
        }
    }
}

extension RoutingProjection.RepTally {
    func adding(_ change: Self) -> Self {
        Self(sent: sent + change.sent, movedIn: movedIn + change.movedIn, movedOut: movedOut + change.movedOut, holding: holding + change.holding)
    }
}

extension RoutingProjection.SourceTally {
    func adding(_ change: Self) -> Self {
        Self(leads: leads + change.leads, reassignments: reassignments + change.reassignments, moved: moved + change.moved)
    }
}

extension RoutingProjection.Row {
    public var asLead: RoutingProjection.Lead? { if case let .lead(lead) = self { lead } else { nil } }
    public var repTally: RoutingProjection.RepTally? { if case let .rep(tally) = self { tally } else { nil } }
    public var sourceTally: RoutingProjection.SourceTally? { if case let .source(tally) = self { tally } else { nil } }

    // Coded as `[case number, value]`, and a lead as lists of its fields (see PositionalCoding): a view holds a row per lead.
    public func encode(to encoder: any Encoder) throws {
        switch self {
        case let .lead(lead): try RowCase.encode(0, lead, to: encoder)
        case let .rep(tally): try RowCase.encode(1, tally, to: encoder)
        case let .source(tally): try RowCase.encode(2, tally, to: encoder)
        case .often: try RowCase.encode(3, true, to: encoder)
        }
    }

    public init(from decoder: any Decoder) throws {
        var (number, list) = try RowCase.decode(from: decoder)
        switch number {
        case 0: self = .lead(try list.decode(RoutingProjection.Lead.self))
        case 1: self = .rep(try list.decode(RoutingProjection.RepTally.self))
        case 2: self = .source(try list.decode(RoutingProjection.SourceTally.self))
        case 3: self = .often
        default: throw RowCase.unknown(number, list)
        }
    }
}

extension RoutingProjection.Lead {
    public func encode(to encoder: any Encoder) throws {
        var list = encoder.unkeyedContainer()
        try list.encode(source)
        try list.encode(assignments)
    }

    public init(from decoder: any Decoder) throws {
        var list = try decoder.unkeyedContainer()
        source = try list.decode(String.self)
        assignments = try list.decode([RoutingProjection.Assignment].self)
    }
}

extension RoutingProjection.Assignment {
    public func encode(to encoder: any Encoder) throws {
        var list = encoder.unkeyedContainer()
        try list.encode(reassigned)
        try list.encode(optional: to)
        try list.encode(at)
        try list.encode(by)
        try list.encode(optional: reason)
        try list.encode(position)
    }

    public init(from decoder: any Decoder) throws {
        var list = try decoder.unkeyedContainer()
        reassigned = try list.decode(Bool.self)
        to = try list.decode(optional: String.self)
        at = try list.decode(Timestamp.self)
        by = try list.decode(String.self)
        reason = try list.decode(optional: String.self)
        position = try list.decode(Int64.self)
    }
}

// The same bytes as the Codable form above, written directly: a rebuild writes a row per lead.
extension RoutingProjection.Row: RowWritable {
    public func write(to writer: inout RowWriter) -> Bool {
        guard case let .lead(lead) = self else { return false }
        writer.list(count: 2)
        writer.int(0)
        writer.list(count: 2)
        writer.string(lead.source)
        writer.list(count: lead.assignments.count)
        for assignment in lead.assignments {
            writer.list(count: 6)
            writer.bool(assignment.reassigned)
            writer.optional(assignment.to) { $0.string($1) }
            writer.time(assignment.at)
            writer.string(assignment.by)
            writer.optional(assignment.reason) { $0.string($1) }
            writer.int(assignment.position)
        }
        return true
    }
}
