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
    /// Checks `lead` against the rules of the criteria version it was sent
    /// under, clause by clause, from its `source`, `campaign`, `score` and
    /// `attributes` as sent.
    ///
    /// - Throws: ``ParleyError`` not found when no lead `lead` was sent.
    public func checkCriteria(lead: String, window: ReplayWindow = ReplayWindow(), progress: ProgressReporter = .none) throws(ParleyError) -> CriteriaCheck {
        let sent = try mapped {
            var found: RecordedEvent?
            try log.events(EventFilter(stream: "lead/\(lead)", type: "lead.sent", knownAt: window.knownAt)) { event in
                if window.asOf.map({ event.occurredAt <= $0 }) ?? true { found = event }
                return true
            }
            return found
        }
        guard let sent else {
            throw ParleyError(.notFound, code: "not-found", "no lead \(lead) was sent", hint: .listEvents)
        }
        let data = sent.payload
        guard let version = data["criteria_version"]?.integerValue else {
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
        let attributes = data["attributes"]
        let verdict = rules.evaluate { name in
            switch name.lowercased() {
            case "source": return data["source"]
            case "campaign": return data["campaign"]
            case "score": return data["score"]
            default:
                guard case let .object(members)? = attributes else { return nil }
                return members.first { $0.key.lowercased() == name.lowercased() }?.value
            }
        }
        return CriteriaCheck(lead: lead, version: version, rules: row.rules, notEvaluable: nil, met: verdict.met, clauses: verdict.clauses)
    }
}
