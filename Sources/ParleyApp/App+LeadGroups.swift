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
            try out.put(lead.verdict.map { $0 == LeadAccepted.type ? "accepted" : "rejected" }, "verdict")
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
    /// newest first, at most `limit`. Reads which lead each row is and where
    /// it counts, not the whole row; only the newest `limit` are read whole.
    public func leads(by: LeadQualityProjection.Dimension, key: String, limit: Int = 200, _ window: ReplayWindow = ReplayWindow(),
                      progress: ProgressReporter = .none) throws(ParleyError) -> LeadGroup {
        let source = try self.source(LeadQualityProjection.self, window, progress: progress)
        return try mapped {
            var members: [(sentAt: Timestamp, lead: String)] = []
            try source.forEachRow(prefix: "lead/", as: LeadQualityProjection.LeadPlace.init) { _, place in
                guard let lead = place.lead, let sentAt = place.sentAt, let cell = place.cell, by.value(of: cell) == key else { return }
                members.append((sentAt, lead))
            }
            members.sort { ($0.sentAt, $0.lead) > ($1.sentAt, $1.lead) }
            let newest = try members.prefix(limit).compactMap { member -> LeadGroup.Lead? in
                guard case let .lead(lead)? = try source.row("lead/\(member.lead)") else { return nil }
                return LeadGroup.Lead(lead: lead)
            }
            return LeadGroup(by: by, key: key, total: members.count, leads: newest)
        }
    }
}
