/// How sales follows up what marketing sends, against the SLA: the SLA in
/// force over time, verdicts and feedback in time or late per rep and per
/// source, and the leads still waiting for either.
///
/// Rows: `sla/<version>` (each SLA proposed), `sla/versions` (who signed
/// which), `sla/current` (the SLA in force, else the latest proposed),
/// `lead/<id>` (a lead still
/// waiting for a verdict or feedback; dropped once it has both),
/// `rep/<handle>`, `source/<name>` and `month/<yyyy-mm>` (counts, the
/// last by the month a verdict or feedback was given), and the deadlines the
/// pending leads wait on, filed under their due time
/// (`due/verdict/<µs>/<lead>`, `due/feedback/<µs>/<lead>`), so that a read
/// counts what is overdue at any moment from keys alone (``RowTally``).
public enum FollowUpProjection: Projection {
    public static let typePrefixes = ["lead.", "sla."]

    public static let name = "followup"
    /// 2: deadline rows. 3: grouped by rep and source. 4: a count per group.
    /// 5: rows coded as lists. 7: SLA versions, in force once both teams sign.
    /// 8: counts by month.
    public static let version = 8

    public struct SLA: Codable, Sendable, Hashable {
        public var version: Int64
        public var followUpHours: Int64
        public var feedbackWithinDays: Int64?
        public var monthlyMqlTarget: Int64?
        public var setBy: String
        public var setAt: Timestamp
        /// Which leads need a feedback rating: "accepted" (nil: the default) or "all".
        public var feedbackOn: String?

        /// Whether a rejection, which names its reason, is the lead's feedback.
        public var rejectionIsFeedback: Bool { feedbackOn != "all" }
    }

    /// The terms of the SLA a lead event is folded under.
    struct Terms {
        var followUpHours: Int64?
        var feedbackWithinDays: Int64?
        /// A rejection (with its reason) stands for the lead's feedback.
        var rejectionIsFeedback = true
    }

    /// A lead waiting for a verdict or for feedback.
    public struct Pending: Codable, Sendable, Hashable {
        public var lead: String
        public var rep: String?
        public var source: String
        /// When the SLA clock started: sent, or last reassigned.
        public var clockStart: Timestamp
        public var sentAt: Timestamp
        /// The SLA in force when the clock started.
        public var followUpHours: Int64?
        public var feedbackWithinDays: Int64?
        public var verdictAt: Timestamp?
        public var feedbackAt: Timestamp?

        /// When the verdict was due, if an SLA was in force.
        public var verdictDue: Timestamp? {
            followUpHours.map { Timestamp(microseconds: clockStart.microseconds + $0 * 3_600_000_000) }
        }

        /// Whether an event of `type` changes it: a new send, and a
        /// reassignment, verdict or feedback until it has one.
        func takes(_ type: String) -> Bool {
            switch type {
            case LeadSent.type: true
            case LeadReassigned.type, LeadAccepted.type, LeadRejected.type: verdictAt == nil
            case LeadFeedback.type: feedbackAt == nil
            default: false
            }
        }

        /// When feedback was due, if the SLA says.
        public var feedbackDue: Timestamp? {
            feedbackWithinDays.map { Timestamp(microseconds: sentAt.microseconds + $0 * 86_400_000_000) }
        }
    }

    /// Counts for a rep or a source.
    public struct Counts: Codable, Sendable, Hashable {
        public init() {}

        public var verdictsInTime: Int64 = 0
        public var verdictsLate: Int64 = 0
        public var feedbackInTime: Int64 = 0
        public var feedbackLate: Int64 = 0
    }

    /// Boxed: a pending lead is a large value, and rows move in and out of caches often.
    public indirect enum Row: Codable, Sendable, Hashable {
        case sla(SLA)
        case pending(Pending)
        case counts(Counts)
        case deadline(Deadline)
        /// How many deadlines a group has open (`due/<kind>/<rep|source>`).
        case openDeadlines(Int64)
        /// The SLA's versions and who signed which (`sla/versions`).
        case versions(AgreementVersions)

        // Coded as `[case number, value]` (see PositionalCoding).
        public func encode(to encoder: any Encoder) throws {
            switch self {
            case let .sla(sla): try RowCase.encode(0, sla, to: encoder)
            case let .pending(pending): try RowCase.encode(1, pending, to: encoder)
            case let .counts(counts): try RowCase.encode(2, counts, to: encoder)
            case let .deadline(deadline): try RowCase.encode(3, deadline, to: encoder)
            case let .openDeadlines(count): try RowCase.encode(4, count, to: encoder)
            case let .versions(versions): try RowCase.encode(5, versions, to: encoder)
            }
        }

        public init(from decoder: any Decoder) throws {
            var (number, list) = try RowCase.decode(from: decoder)
            switch number {
            case 0: self = .sla(try list.decode(SLA.self))
            case 1: self = .pending(try list.decode(Pending.self))
            case 2: self = .counts(try list.decode(Counts.self))
            case 3: self = .deadline(try list.decode(Deadline.self))
            case 4: self = .openDeadlines(try list.decode(Int64.self))
            case 5: self = .versions(try list.decode(AgreementVersions.self))
            default: throw RowCase.unknown(number, list)
            }
        }
    }

    public static func apply(_ event: RecordedEvent, data: Payload, to rows: ProjectionRows<Row>) throws {
        if event.type.hasPrefix("sla.") {
            try foldSLA(event, data, rows)
            return
        }
        guard event.type.hasPrefix("lead."), let id = data[EventCatalogue.lead] else { return }
        let held = HeldDeadlines.of(rows)
        let current = try held.sla ?? {
            var terms = Terms()
            if case let .sla(sla)? = try rows.row("sla/current") {
                terms = Terms(followUpHours: sla.followUpHours, feedbackWithinDays: sla.feedbackWithinDays,
                              rejectionIsFeedback: sla.rejectionIsFeedback)
            }
            held.sla = terms
            return terms
        }()
        let leadKey = "lead/\(id)"
        // The lead's row, taken out to change and put back (see ProjectionRows.take(_:new:)).
        // New when the event is the first of the lead's own stream.
        var (slot, row) = try rows.take(leadKey, new: event.version == 1 && event.stream == leadKey)
        let counted = follow(&row, id: id, event, data, sla: current, held: held)
        rows.put(row.take(), at: slot)
        if let counted {
            // Each key in turn, not from an array made for the purpose: this runs for most lead events.
            func count(_ key: String) throws {
                try rows.modify(key) { row in
                    var counts = Counts()
                    if case let .counts(existing)? = row { counts = existing }
                    counted.what.count(in: &counts)
                    row = .counts(counts)
                }
            }
            try count("rep/\(counted.rep ?? "(unassigned)")")
            try count("source/\(counted.source)")
            // And by the month it was given, for compliance over time.
            try count("month/\(event.occurredAt.yearMonth)")
        }
    }

    /// The key of SLA version `version`'s row.
    public static func slaKey(_ version: Int64) -> String {
        let digits = String(version)
        return "sla/" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
    }

    /// An SLA proposed or signed: the versions change, and so may the SLA
    /// that leads are measured against from here on (`sla/current`).
    private static func foldSLA(_ event: RecordedEvent, _ data: Payload, _ rows: ProjectionRows<Row>) throws {
        var versions = AgreementVersions()
        if case let .versions(stored)? = try rows.row("sla/versions") { versions = stored }
        switch event.type {
        case SLASet.type:
            let version = versions.propose(data[SLASet.version], by: event.actor, at: event.occurredAt)
            rows.set(slaKey(version), .sla(SLA(
                version: version, followUpHours: data[SLASet.followUpHours] ?? 0,
                feedbackWithinDays: data[SLASet.feedbackWithinDays], monthlyMqlTarget: data[SLASet.monthlyMqlTarget],
                setBy: event.actor, setAt: event.occurredAt, feedbackOn: data[SLASet.feedbackOn])))
        case SLAAgreed.type:
            guard let version = data[SLAAgreed.version], let team = data[SLAAgreed.team],
                  versions.sign(version, team: team, by: event.actor, at: event.occurredAt) else { return }
        default:
            return
        }
        rows.set("sla/versions", .versions(versions))
        guard let current = versions.current, case let .sla(sla)? = try rows.row(slaKey(current.number)) else { return }
        rows.set("sla/current", .sla(sla))
        HeldDeadlines.of(rows).sla = Terms(followUpHours: sla.followUpHours, feedbackWithinDays: sla.feedbackWithinDays,
                                           rejectionIsFeedback: sla.rejectionIsFeedback)
    }

    /// Changes the lead's `row` for `event`, under the SLA terms in force;
    /// returns what it counts (a verdict or feedback, in time or late) and
    /// under which rep and source.
    ///
    /// The deadline rows follow the lead: moved when its due time or rep
    /// changes, gone once met. They are filed when the fold settles, from
    /// the lead's deadlines before its first change since then (noted in
    /// `held`): a lead sent and answered in one chunk never has a deadline
    /// row at all.
    private static func follow(_ row: inout Row?, id: String, _ event: RecordedEvent, _ data: Payload,
                               sla: Terms, held: HeldDeadlines)
        -> (what: CountedFollowUp, rep: String?, source: String)? {
        func sent() -> Pending {
            Pending(lead: id, rep: data[LeadSent.assignedTo], source: data[LeadSent.source] ?? "unknown",
                    clockStart: event.occurredAt, sentAt: event.occurredAt, followUpHours: sla.followUpHours,
                    feedbackWithinDays: sla.feedbackWithinDays)
        }
        guard case var .pending(lead)? = row else {
            guard event.type == LeadSent.type else { return nil }
            held.changing(id, nil)
            row = .pending(sent())
            return nil
        }
        guard lead.takes(event.type) else { return nil }
        held.changing(id, lead)
        // Out of the row first, so that the lead is the only holder of its parts.
        row = nil
        var counted: CountedFollowUp?
        switch event.type {
        case LeadSent.type:
            // Sent again (after recycling): its clocks start over.
            lead = sent()
        case LeadReassigned.type:
            lead.rep = data[LeadReassigned.to]
            lead.clockStart = event.occurredAt
            lead.followUpHours = sla.followUpHours ?? lead.followUpHours
        case LeadAccepted.type, LeadRejected.type:
            lead.verdictAt = event.occurredAt
            if let due = lead.verdictDue { counted = event.occurredAt <= due ? .verdictInTime : .verdictLate }
            // A rejection names its reason: that is sales' feedback on the lead, unless the
            // SLA asks for a rating on every lead. It is not counted as feedback in time.
            if event.type == LeadRejected.type && sla.rejectionIsFeedback && lead.feedbackAt == nil {
                lead.feedbackAt = event.occurredAt
            }
        default:
            // lead.feedback
            lead.feedbackAt = event.occurredAt
            if let due = lead.feedbackDue { counted = event.occurredAt <= due ? .feedbackInTime : .feedbackLate }
        }
        // Done with once it has both a verdict and feedback.
        if lead.verdictAt == nil || lead.feedbackAt == nil { row = .pending(lead) }
        return counted.map { ($0, lead.rep, lead.source) }
    }

    /// Files the deadlines of the leads changed since the last settle: for
    /// each, the rows of the deadlines it no longer waits on go, the rows of
    /// those it now waits on come, and the groups' counts follow.
    public static func settle(_ rows: ProjectionRows<Row>) throws {
        guard rows.held != nil else { return }
        for (id, old) in HeldDeadlines.of(rows).take() {
            var new: [Filed] = []
            if case let .pending(lead)? = try rows.row("lead/" + id) { new = deadlines(lead) }
            for filed in old where !new.contains(filed) {
                let group = DeadlineKind.group(filed.deadline)
                rows.set(filed.kind.key(filed.due, id, group: group), nil)
                try count(filed.kind.totalKey(group: group), -1, rows)
            }
            // A deadline's key holds its lead: none is there but those the lead's row said.
            for filed in new where !old.contains(filed) {
                let group = DeadlineKind.group(filed.deadline)
                rows.insert(filed.kind.key(filed.due, id, group: group), .deadline(filed.deadline))
                try count(filed.kind.totalKey(group: group), 1, rows)
            }
        }
    }

    /// What the fold holds next to its rows: the deadlines the leads it
    /// changed since the last settle had before their first change (what
    /// their rows in the store say), and the terms of the SLA in force.
    final class HeldDeadlines {
        private var before: [String: [Filed]] = [:]
        /// The terms of the SLA in force (`sla/current`), once read: every lead event needs
        /// them, and only an SLA proposed or signed, folded into the same rows, changes them.
        var sla: Terms?

        /// The deadlines held for `rows` (made on first use).
        static func of(_ rows: ProjectionRows<Row>) -> HeldDeadlines {
            if let held = rows.held { return unsafeDowncast(held, to: HeldDeadlines.self) }
            let held = HeldDeadlines()
            rows.held = held
            return held
        }

        /// Notes that the lead `id`, which was `lead` (nil: not pending), changes.
        func changing(_ id: String, _ lead: Pending?) {
            guard before.index(forKey: id) == nil else { return }
            before[id] = lead.map(deadlines) ?? []
        }

        /// The leads changed and their deadlines before, emptied.
        func take() -> [String: [Filed]] {
            defer { before = [:] }
            return before
        }
    }

    /// Adds `change` to the count of open deadlines at `key` (the row goes when none are left).
    private static func count(_ key: String, _ change: Int64, _ rows: ProjectionRows<Row>) throws {
        try rows.modify(key) { row in
            var open: Int64 = 0
            if case let .openDeadlines(count)? = row { open = count }
            open += change
            row = open == 0 ? nil : .openDeadlines(open)
        }
    }

    /// A deadline a pending lead waits on: its row is keyed
    /// `kind.key(due, lead, deadline)`.
    struct Filed: Equatable {
        var kind: DeadlineKind
        var due: Timestamp
        var deadline: Deadline
    }

    /// The deadlines of a pending lead: a verdict still due, feedback still due.
    static func deadlines(_ lead: Pending) -> [Filed] {
        var filed: [Filed] = []
        let deadline = Deadline(rep: lead.rep, source: lead.source)
        if lead.verdictAt == nil, let due = lead.verdictDue { filed.append(Filed(kind: .verdict, due: due, deadline: deadline)) }
        if lead.feedbackAt == nil, let due = lead.feedbackDue { filed.append(Filed(kind: .feedback, due: due, deadline: deadline)) }
        return filed
    }

    /// A deadline met, in time or late.
    enum CountedFollowUp {
        case verdictInTime, verdictLate, feedbackInTime, feedbackLate

        func count(in counts: inout Counts) {
            switch self {
            case .verdictInTime: counts.verdictsInTime += 1
            case .verdictLate: counts.verdictsLate += 1
            case .feedbackInTime: counts.feedbackInTime += 1
            case .feedbackLate: counts.feedbackLate += 1
            }
        }
    }
}
