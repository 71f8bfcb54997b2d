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

    /// The SLA report: the SLAs proposed (oldest first) and who signed which,
    /// verdicts and feedback by the month they were given (`month/` rows;
    /// what is overdue is counted per rep and source only),
    /// and compliance per rep and per source, from the SLA and count rows
    /// (others in `rows` are ignored) and the deadlines tallied at the
    /// report's moment (below: overdue).
    public static func compliance(_ rows: [String: Row], verdicts: [RowTally<Row>], feedback: [RowTally<Row>])
        -> (history: [SLA], versions: AgreementVersions, byRep: [Compliance], bySource: [Compliance], byMonth: [Compliance]) {
        let history = rows.filter { $0.key.hasPrefix("sla/") && $0.key != "sla/current" }.sorted { $0.key < $1.key }.compactMap { row -> SLA? in
            if case let .sla(sla) = row.value { return sla }
            return nil
        }
        var versions = AgreementVersions()
        if case let .versions(stored)? = rows["sla/versions"] { versions = stored }
        var byRep: [String: Compliance] = [:]
        var bySource: [String: Compliance] = [:]
        var byMonth: [Compliance] = []
        for (key, row) in rows {
            guard case let .counts(counts) = row else { continue }
            if key.hasPrefix("rep/") {
                let rep = String(key.dropFirst(4))
                byRep[rep, default: Compliance(key: rep)].counts = counts
            } else if key.hasPrefix("source/") {
                let source = String(key.dropFirst(7))
                bySource[source, default: Compliance(key: source)].counts = counts
            } else if key.hasPrefix("month/") {
                var month = Compliance(key: String(key.dropFirst(6)))
                month.counts = counts
                byMonth.append(month)
            }
        }
        func change(_ tally: RowTally<Row>, _ body: (inout Compliance, RowTally<Row>) -> Void) {
            guard case let .deadline(deadline) = tally.value else { return }
            let rep = deadline.rep ?? "(unassigned)"
            body(&byRep[rep, default: Compliance(key: rep)], tally)
            body(&bySource[deadline.source, default: Compliance(key: deadline.source)], tally)
        }
        for tally in verdicts {
            change(tally) { line, tally in
                line.verdictsMissing += Int64(tally.below)
                line.verdictsPending += Int64(tally.atOrAbove)
            }
        }
        for tally in feedback { change(tally) { line, tally in line.feedbackMissing += Int64(tally.below) } }
        return (history, versions, byRep.values.sorted { $0.key < $1.key }, bySource.values.sorted { $0.key < $1.key },
                byMonth.sorted { $0.key < $1.key })
    }
}
