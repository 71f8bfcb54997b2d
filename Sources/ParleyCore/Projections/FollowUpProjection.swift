/// How sales follows up what marketing sends, against the SLA: the SLA in
/// force over time, verdicts and feedback in time or late per rep and per
/// source, and the leads still waiting for either.
///
/// Rows: `sla/<position>` (each SLA set), `lead/<id>` (a lead still
/// waiting for a verdict or feedback; dropped once it has both),
/// `rep/<handle>` and `source/<name>` (counts).
public enum FollowUpProjection: Projection {
    public static let typePrefixes = ["lead.", "sla."]

    public static let name = "followup"
    public static let version = 1

    public struct SLA: Codable, Sendable, Equatable {
        public var followUpHours: Int64
        public var feedbackWithinDays: Int64?
        public var monthlyMqlTarget: Int64?
        public var setBy: String
        public var setAt: Timestamp
    }

    /// A lead waiting for a verdict or for feedback.
    public struct Pending: Codable, Sendable, Equatable {
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

        /// When feedback was due, if the SLA says.
        public var feedbackDue: Timestamp? {
            feedbackWithinDays.map { Timestamp(microseconds: sentAt.microseconds + $0 * 86_400_000_000) }
        }
    }

    /// Counts for a rep or a source.
    public struct Counts: Codable, Sendable, Equatable {
        public init() {}

        public var verdictsInTime: Int64 = 0
        public var verdictsLate: Int64 = 0
        public var feedbackInTime: Int64 = 0
        public var feedbackLate: Int64 = 0
    }

    public enum Row: Codable, Sendable, Equatable {
        case sla(SLA)
        case pending(Pending)
        case counts(Counts)
    }

    public static func apply(_ event: RecordedEvent, data: JSONValue, to rows: ProjectionRows<Row>) throws {
        if event.type == "sla.set" {
            let sla = SLA(followUpHours: data["follow_up_hours"]?.integerValue ?? 0, feedbackWithinDays: data["feedback_within_days"]?.integerValue,
                          monthlyMqlTarget: data["monthly_mql_target"]?.integerValue, setBy: event.actor, setAt: event.occurredAt)
            rows.set("sla/\(String(repeating: "0", count: max(0, 12 - String(event.position).count)))\(event.position)", .sla(sla))
            rows.set("sla/current", .sla(sla))
            return
        }
        guard event.type.hasPrefix("lead.") else { return }
        guard let id = data["lead"]?.stringValue else { return }
        let key = "lead/\(id)"
        var current: SLA?
        if case let .sla(sla)? = try rows.row("sla/current") { current = sla }
        if event.type == "lead.sent" {
            rows.set(key, .pending(Pending(lead: id, rep: data["assigned_to"]?.stringValue, source: data["source"]?.stringValue ?? "unknown",
                                           clockStart: event.occurredAt, sentAt: event.occurredAt, followUpHours: current?.followUpHours,
                                           feedbackWithinDays: current?.feedbackWithinDays)))
            return
        }
        guard case var .pending(lead)? = try rows.take(key) else { return }
        switch event.type {
        case "lead.reassigned" where lead.verdictAt == nil:
            lead.rep = data["to"]?.stringValue
            lead.clockStart = event.occurredAt
            lead.followUpHours = current?.followUpHours ?? lead.followUpHours
        case "lead.accepted" where lead.verdictAt == nil, "lead.rejected" where lead.verdictAt == nil:
            lead.verdictAt = event.occurredAt
            if let due = lead.verdictDue {
                try count(rows, lead) { event.occurredAt <= due ? ($0.verdictsInTime += 1) : ($0.verdictsLate += 1) }
            }
        case "lead.feedback" where lead.feedbackAt == nil:
            lead.feedbackAt = event.occurredAt
            if let due = lead.feedbackDue {
                try count(rows, lead) { event.occurredAt <= due ? ($0.feedbackInTime += 1) : ($0.feedbackLate += 1) }
            }
        default:
            break
        }
        // Done with once it has both a verdict and feedback.
        rows.set(key, lead.verdictAt != nil && lead.feedbackAt != nil ? nil : .pending(lead))
    }

    private static func count(_ rows: ProjectionRows<Row>, _ lead: Pending, _ change: (inout Counts) -> Void) throws {
        for key in ["rep/\(lead.rep ?? "(unassigned)")", "source/\(lead.source)"] {
            var counts = Counts()
            if case let .counts(existing)? = try rows.take(key) { counts = existing }
            change(&counts)
            rows.set(key, .counts(counts))
        }
    }
}

// MARK: - The compliance report

extension FollowUpProjection {
    /// One line of `parley sla`: a rep's or a source's follow-up.
    public struct Compliance: Sendable, Equatable {
        public var key: String
        public var counts = Counts()
        /// Leads past their verdict deadline without one.
        public var verdictsMissing: Int64 = 0
        /// Leads without a verdict, still within their deadline.
        public var verdictsPending: Int64 = 0
        /// Leads past their feedback deadline without feedback.
        public var feedbackMissing: Int64 = 0

        public init(key: String) { self.key = key }

        /// Verdicts in time ÷ verdicts due (in time, late or missing).
        public var inTimeRate: Double? {
            let due = counts.verdictsInTime + counts.verdictsLate + verdictsMissing
            return due == 0 ? nil : Double(counts.verdictsInTime) / Double(due)
        }
    }

    /// The SLA report at `now`: the SLAs set (oldest first; the last is in
    /// force), and compliance per rep and per source.
    public static func compliance(_ rows: [String: Row], now: Timestamp) -> (history: [SLA], byRep: [Compliance], bySource: [Compliance]) {
        let history = rows.filter { $0.key.hasPrefix("sla/") && $0.key != "sla/current" }.sorted { $0.key < $1.key }.compactMap { row -> SLA? in
            if case let .sla(sla) = row.value { return sla }
            return nil
        }
        var byRep: [String: Compliance] = [:]
        var bySource: [String: Compliance] = [:]
        func change(_ rep: String, _ source: String, _ body: (inout Compliance) -> Void) {
            body(&byRep[rep, default: Compliance(key: rep)])
            body(&bySource[source, default: Compliance(key: source)])
        }
        for (key, row) in rows {
            switch row {
            case let .counts(counts) where key.hasPrefix("rep/"):
                let rep = String(key.dropFirst(4))
                byRep[rep, default: Compliance(key: rep)].counts = counts
            case let .counts(counts) where key.hasPrefix("source/"):
                let source = String(key.dropFirst(7))
                bySource[source, default: Compliance(key: source)].counts = counts
            case let .pending(lead):
                let rep = lead.rep ?? "(unassigned)"
                if lead.verdictAt == nil, let due = lead.verdictDue {
                    change(rep, lead.source) { due < now ? ($0.verdictsMissing += 1) : ($0.verdictsPending += 1) }
                }
                if lead.feedbackAt == nil, let due = lead.feedbackDue, due < now {
                    change(rep, lead.source) { $0.feedbackMissing += 1 }
                }
            default:
                break
            }
        }
        return (history, byRep.values.sorted { $0.key < $1.key }, bySource.values.sorted { $0.key < $1.key })
    }
}
