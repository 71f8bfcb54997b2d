public import ParleyCore
import ParleyStore

/// A lead checked against the criteria version it was sent under.
public struct CriteriaCheck: Sendable, Equatable, Encodable {
    public var lead: String
    /// The version it was sent under (nil: no criteria were in force).
    public var version: Int64?
    public var rules: String?
    /// Why the rules cannot be checked, when they cannot (recorded before rules had to parse).
    public var notEvaluable: String?
    /// Whether the lead met them (nil when they cannot be checked).
    public var met: Bool?
    public var clauses: [CriteriaRules.Clause]

    public func encode(to encoder: any Encoder) throws {
        var out = encoder.container(keyedBy: JSONKey.self)
        try out.put(lead, "lead")
        try out.put(version, "version")
        try out.put(rules, "rules")
        try out.put(notEvaluable, "not_evaluable")
        try out.put(met, "met")
        try out.put(clauses.map(Clause.init), "clauses")
    }

    private struct Clause: Encodable {
        var clause: CriteriaRules.Clause
        init(_ clause: CriteriaRules.Clause) { self.clause = clause }
        func encode(to encoder: any Encoder) throws {
            var out = encoder.container(keyedBy: JSONKey.self)
            try out.put(clause.text, "clause")
            try out.put(clause.met, "met")
        }
    }
}

extension App {
    /// What rules read of a lead, from its `lead.sent` payload: its
    /// `source`, `campaign` and `score`, else an attribute (any case).
    static func values(ofSent data: JSONValue) -> CriteriaRules.Values {
        values { data[$0] }
    }

    /// The same, from the payload's members as `member` gives them.
    static func values(_ member: @escaping (String) -> JSONValue?) -> CriteriaRules.Values {
        { name in
            switch name.lowercased() {
            case "source": return member("source")
            case "campaign": return member("campaign")
            case "score": return member("score")
            default:
                guard case let .object(members)? = member("attributes") else { return nil }
                return members.first { $0.key.lowercased() == name.lowercased() }?.value
            }
        }
    }

    /// Checks `lead` against the rules of the criteria version it was sent
    /// under, clause by clause, from its `source`, `campaign`, `score` and
    /// `attributes` as sent.
    ///
    /// - Throws: ``ParleyError`` not found when no lead `lead` was sent.
    public func checkCriteria(lead: String, window: ReplayWindow = ReplayWindow(), progress: ProgressReporter = .none) throws(ParleyError) -> CriteriaCheck {
        let sent = try mapped {
            var found: RecordedEvent?
            try log.events(EventFilter(stream: "lead/\(lead)", type: LeadSent.type, knownAt: window.knownAt)) { event in
                if window.asOf.map({ event.occurredAt <= $0 }) ?? true { found = event }
                return true
            }
            return found
        }
        guard let sent else {
            throw ParleyError(.notFound, code: "not-found", "no lead \(lead) was sent", remedy: "check the lead's id")
        }
        let data = sent.payload
        guard let version = data[LeadSent.criteriaVersion] else {
            return CriteriaCheck(lead: lead, version: nil, rules: nil, notEvaluable: "no criteria were in force when it was sent", met: nil, clauses: [])
        }
        let versions = try self.source(CriteriaProjection.self, window, progress: progress)
        guard let row = try mapped({ try versions.row(CriteriaProjection.key(version)) }) else {
            return CriteriaCheck(lead: lead, version: version, rules: nil, notEvaluable: "criteria version \(version) is not in the log", met: nil, clauses: [])
        }
        let rules: CriteriaRules
        do {
            rules = try CriteriaRules.parse(row.rules)
        } catch {
            return CriteriaCheck(lead: lead, version: version, rules: row.rules, notEvaluable: "its rules do not parse: \(error.description)",
                                 met: nil, clauses: [])
        }
        let verdict = rules.evaluate(Self.values(ofSent: data))
        return CriteriaCheck(lead: lead, version: version, rules: row.rules, notEvaluable: nil, met: verdict.met, clauses: verdict.clauses)
    }
}

/// What the leads of a period did, split by whether they would have met
/// some rules: the answer to "would last quarter's leads have qualified
/// under these rules, and what would we have lost?".
public struct WhatIfReport: Sendable, Equatable, Encodable {
    /// What a set of leads became.
    public struct Outcome: Sendable, Equatable, Encodable {
        public var sent: Int64 = 0
        public var accepted: Int64 = 0
        public var rejected: Int64 = 0
        public var converted: Int64 = 0
        public var revenue: Double = 0

        mutating func add(_ lead: LeadQualityProjection.LeadOutcome?) {
            sent += 1
            guard let lead, lead.isLead else { return }
            if lead.verdict == LeadAccepted.type { accepted += 1 }
            if lead.verdict == LeadRejected.type { rejected += 1 }
            if lead.converted {
                converted += 1
                revenue += lead.amount
            }
        }
    }

    /// One group's split (by source).
    public struct Group: Sendable, Equatable, Encodable {
        public var key: String
        public var qualified = Outcome()
        public var notQualified = Outcome()

        public func encode(to encoder: any Encoder) throws {
            var out = encoder.container(keyedBy: JSONKey.self)
            try out.put(key, "key")
            try out.put(qualified, "qualified")
            try out.put(notQualified, "not_qualified")
        }
    }

    public var rules: String
    /// Leads sent in the period.
    public var leads: Int64 = 0
    /// Those whose every clause could be checked (the lead had each value).
    public var evaluable: Int64 = 0
    public var qualified = Outcome()
    public var notQualified = Outcome()
    public var by: [Group] = []

    public func encode(to encoder: any Encoder) throws {
        var out = encoder.container(keyedBy: JSONKey.self)
        try out.put(rules, "rules")
        try out.put(leads, "leads")
        try out.put(evaluable, "evaluable")
        try out.put(qualified, "qualified")
        try out.put(notQualified, "not_qualified")
        try out.put(by, "by")
    }
}

extension App {
    /// What-if: the leads sent in `since ..< until` checked against `rules`
    /// (or criteria version `version`'s), and what those that would and
    /// would not have qualified actually did, in total and per source.
    public func whatIf(rules text: String?, version: Int64? = nil, since: Timestamp? = nil, until: Timestamp? = nil,
                       window: ReplayWindow = ReplayWindow(), progress: ProgressReporter = .none) throws(ParleyError) -> WhatIfReport {
        var ruleText = text ?? ""
        if text == nil {
            guard let version else {
                throw ParleyError(.invalid, code: "invalid-query", "say which rules: a text of rules, or a criteria version", field: "rules")
            }
            let versions = try self.source(CriteriaProjection.self, window, progress: progress)
            guard let row = try mapped({ try versions.row(CriteriaProjection.key(version)) }) else {
                throw ParleyError(.notFound, code: "not-found", "there is no criteria version \(version)", field: "version")
            }
            ruleText = row.rules
        }
        let rules: CriteriaRules
        do {
            rules = try CriteriaRules.parse(ruleText)
        } catch {
            throw ParleyError(.invalid, code: "invalid-rules", "the rules do not parse: \(error.description)", field: "rules")
        }
        let quality = try self.source(LeadQualityProjection.self, window, progress: progress)
        return try mapped {
            let retracted = try log.retractedIDs(window)
            // Two reads side by side, each on a connection of its own: each lead
            // sent in the period, checked as its last send in it left it (only
            // the verdict is kept, and only the members the rules read are
            // parsed), and what became of every lead, from the view's lead rows
            // (each decoded only as far as its outcome). The log has no index by
            // type, so the first reads every event whatever the period; the
            // second takes the other core meanwhile.
            struct Checked { var evaluable: Bool, met: Bool, source: String }
            let filter = EventFilter(type: LeadSent.type, since: since, until: until, knownAt: window.knownAt)
            let (checked, outcomes) = try sideBySide({
                var checked: [String: Checked] = [:]
                try log.eventPayloads(filter) { event, data in
                    if let asOf = window.asOf, event.occurredAt > asOf { return true }
                    guard !retracted.contains(event.id), let lead = data[LeadSent.lead] else { return true }
                    let verdict = rules.evaluate(Self.values { data[$0] })
                    checked[lead] = Checked(evaluable: verdict.clauses.allSatisfy { $0.met != nil }, met: verdict.met,
                                            source: data[LeadSent.source] ?? "unknown")
                    return true
                }
                return checked
            }, {
                var outcomes: [String: LeadQualityProjection.LeadOutcome] = [:]
                try quality.forEachRow(prefix: "lead/", as: LeadQualityProjection.LeadOutcome.init) { key, outcome in
                    if outcome.isLead { outcomes[String(key.dropFirst(5))] = outcome }
                }
                return outcomes
            })
            var report = WhatIfReport(rules: ruleText)
            report.leads = Int64(checked.count)
            var groups: [String: WhatIfReport.Group] = [:]
            for (lead, found) in checked where found.evaluable {
                let outcome = outcomes[lead]
                report.evaluable += 1
                var group = groups[found.source] ?? WhatIfReport.Group(key: found.source)
                if found.met {
                    report.qualified.add(outcome)
                    group.qualified.add(outcome)
                } else {
                    report.notQualified.add(outcome)
                    group.notQualified.add(outcome)
                }
                groups[found.source] = group
            }
            report.by = groups.values.sorted { $0.key < $1.key }
            return report
        }
    }
}
