public import ParleyCore

/// The leads behind one line of `quality`: those of a source, a campaign, a
/// criteria version, a rep or a month, newest first.
public struct LeadGroup: Sendable, Equatable, Encodable {
    public struct Lead: Sendable, Equatable, Encodable {
        public var lead: LeadQualityProjection.Lead

        public func encode(to encoder: any Encoder) throws {
            var out = encoder.container(keyedBy: JSONKey.self)
            try out.put(lead.lead, "lead")
            try out.put(lead.sentAt, "sent_at")
            try out.put(lead.source, "source")
            try out.put(lead.campaign, "campaign")
            try out.put(lead.criteriaVersion, "criteria_version")
            try out.put(lead.rep, "rep")
            try out.put(lead.verdict.map { $0 == "lead.accepted" ? "accepted" : "rejected" }, "verdict")
            try out.put(lead.rejectReason, "reject_reason")
            try out.put(lead.converted, "converted")
            try out.put(lead.converted ? lead.amount : nil, "amount")
            try out.put(lead.lost, "lost")
        }
    }

    public var by: LeadQualityProjection.Dimension
    public var key: String
    /// Every lead of the group.
    public var total: Int
    /// The newest `limit` of them.
    public var leads: [Lead]

    public func encode(to encoder: any Encoder) throws {
        var out = encoder.container(keyedBy: JSONKey.self)
        try out.put(by.rawValue, "by")
        try out.put(key, "key")
        try out.put(total, "total")
        try out.put(leads, "leads")
    }
}

extension App {
    /// The leads of the group `key` of `by` (a line of ``quality(_:progress:)``),
    /// newest first, at most `limit`. Reads every lead of the view: a
    /// drill-down, not a report.
    public func leads(by: LeadQualityProjection.Dimension, key: String, limit: Int = 200, _ window: ReplayWindow = ReplayWindow(),
                      progress: ProgressReporter = .none) throws(ParleyError) -> LeadGroup {
        let source = try self.source(LeadQualityProjection.self, window, progress: progress)
        let rows = try mapped { try source.rows(prefix: "lead/") }
        let members = rows.values.compactMap { row -> LeadQualityProjection.Lead? in
            guard case let .lead(lead) = row, by.value(of: lead.cell) == key else { return nil }
            return lead
        }.sorted { ($0.sentAt, $0.lead) > ($1.sentAt, $1.lead) }
        return LeadGroup(by: by, key: key, total: members.count, leads: members.prefix(limit).map(LeadGroup.Lead.init))
    }
}
