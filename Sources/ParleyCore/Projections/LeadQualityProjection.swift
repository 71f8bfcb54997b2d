/// Lead quality per source, campaign, criteria version, rep and month:
/// what marketing sent and what sales made of it.
///
/// Rows: one per lead (`lead/<id>`: what is known of it), and one per group
/// and dimension (`source/webinar`, `rep/sam@sales`, …) holding the sums of
/// its leads' contributions. Every lead event replaces the lead's old
/// contribution by its new one in each group it belongs to, so a reassigned
/// or recycled lead moves between groups and the sums stay exact.
public enum LeadQualityProjection: Projection {
    public static let typePrefixes = ["lead."]

    public static let name = "quality"
    /// 2: verdict times in tenths of hours, not minutes. 3: keyed by number.
    public static let version = 3

    /// The ways to group leads (`parley quality --by`).
    public enum Dimension: String, CaseIterable, Sendable, Codable {
        case source, campaign, criteria, rep, month

        /// The lead's group row: `source/webinar`, `rep/sam@sales`, …
        func key(of lead: Lead) -> String { "\(rawValue)/\(value(of: lead))" }

        func value(of lead: Lead) -> String {
            switch self {
            case .source: lead.source
            case .campaign: lead.campaign ?? "(none)"
            case .criteria: lead.criteriaVersion.map { "v\($0)" } ?? "(none)"
            case .rep: lead.rep ?? "(unassigned)"
            case .month: lead.sentAt.yearMonth
            }
        }
    }

    /// What is known of one lead.
    public struct Lead: Codable, Sendable, Equatable {
        public var lead: String
        public var source: String
        public var campaign: String?
        public var criteriaVersion: Int64?
        public var rep: String?
        public var sentAt: Timestamp
        public var verdict: String?
        public var verdictAt: Timestamp?
        public var rejectReason: String?
        public var recycled = false
        public var ratingSum: Int64 = 0
        public var ratings: Int64 = 0
        public var objections: [String] = []
        public var converted = false
        public var convertedAt: Timestamp?
        public var amount: Double = 0
        public var lost = false

        /// What this lead adds to the groups it belongs to.
        var contribution: Group {
            var group = Group()
            group.sent = 1
            switch verdict {
            case "lead.accepted": group.accepted = 1
            case "lead.rejected":
                group.rejected = 1
                group.rejectedByReason[rejectReason ?? "other"] = 1
            default: break
            }
            if let verdictAt {
                group.verdictTenths[max(0, (verdictAt.microseconds - sentAt.microseconds) / 360_000_000)] = 1
            }
            group.recycled = recycled ? 1 : 0
            group.ratingSum = ratingSum
            group.ratings = ratings
            for objection in objections { group.objections[objection, default: 0] += 1 }
            if converted {
                group.converted = 1
                group.revenue = amount
                if let convertedAt { group.cycleHoursSum = Double(convertedAt.microseconds - sentAt.microseconds) / 3_600_000_000 }
            }
            return group
        }
    }

    /// The sums over a group's leads.
    public struct Group: Codable, Sendable, Equatable {
        public init() {}

        public var sent: Int64 = 0
        public var accepted: Int64 = 0
        public var rejected: Int64 = 0
        public var rejectedByReason: [String: Int64] = [:]
        public var recycled: Int64 = 0
        public var converted: Int64 = 0
        public var revenue: Double = 0
        public var ratingSum: Int64 = 0
        public var ratings: Int64 = 0
        /// Tenths of hours from sent to verdict → how many leads (the
        /// median is shown to a tenth of an hour; finer buckets only made
        /// the rows larger).
        public var verdictTenths: [Int64: Int64] = [:]
        /// Hours from sent to conversion, summed over converted leads.
        public var cycleHoursSum: Double = 0
        public var objections: [String: Int64] = [:]

        mutating func add(_ other: Group, sign: Int64) {
            sent += sign * other.sent
            accepted += sign * other.accepted
            rejected += sign * other.rejected
            converted += sign * other.converted
            recycled += sign * other.recycled
            revenue += Double(sign) * other.revenue
            ratingSum += sign * other.ratingSum
            ratings += sign * other.ratings
            cycleHoursSum += Double(sign) * other.cycleHoursSum
            Self.merge(&rejectedByReason, other.rejectedByReason, sign)
            Self.merge(&verdictTenths, other.verdictTenths, sign)
            Self.merge(&objections, other.objections, sign)
        }

        private static func merge<Key>(_ counts: inout [Key: Int64], _ other: [Key: Int64], _ sign: Int64) {
            for (key, value) in other {
                let sum = counts[key, default: 0] + sign * value
                counts[key] = sum == 0 ? nil : sum
            }
        }
    }

    /// Boxed: a lead is a large value, and rows move in and out of caches often.
    public indirect enum Row: Codable, Sendable, Equatable {
        case lead(Lead)
        case group(Group)
    }

    public static func apply(_ event: RecordedEvent, data: JSONValue, to rows: ProjectionRows<Row>) throws {
        guard event.type.hasPrefix("lead."), let id = data["lead"]?.stringValue else { return }
        // The lead's row, changed in place; nil when the event changes nothing.
        let changed = try rows.modify("lead/\(id)") { row -> (before: Lead?, after: Lead)? in
            var before: Lead?
            if case let .lead(lead)? = row { before = lead }
            guard let after = next(before, id: id, event, data) else { return nil }
            row = .lead(after)
            return (before, after)
        }
        guard let (before, lead) = changed else { return }
        let new = lead.contribution
        guard let before else {
            for dimension in Dimension.allCases { try adjust(rows: rows, key: dimension.key(of: lead)) { $0.add(new, sign: 1) } }
            return
        }
        // What the event changed, once; added to each group the lead stays in.
        let old = before.contribution
        var delta = new
        delta.add(old, sign: -1)
        // Only a new send and a reassignment move a lead between groups.
        let moves = event.type == "lead.sent" || event.type == "lead.reassigned"
        for dimension in Dimension.allCases {
            let newKey = dimension.key(of: lead)
            let oldKey = moves ? dimension.key(of: before) : newKey
            if oldKey == newKey {
                try adjust(rows: rows, key: newKey) { $0.add(delta, sign: 1) }
            } else {
                try adjust(rows: rows, key: oldKey) { $0.add(old, sign: -1) }
                try adjust(rows: rows, key: newKey) { $0.add(new, sign: 1) }
            }
        }
    }

    /// The lead after `event`, or nil when the event changes nothing.
    private static func next(_ before: Lead?, id: String, _ event: RecordedEvent, _ data: JSONValue) -> Lead? {
        if event.type == "lead.sent" {
            // A lead sent again after recycling starts over.
            return Lead(lead: id, source: data["source"]?.stringValue ?? "unknown", campaign: data["campaign"]?.stringValue,
                        criteriaVersion: data["criteria_version"]?.integerValue, rep: data["assigned_to"]?.stringValue,
                        sentAt: event.occurredAt)
        }
        guard var lead = before else { return nil }
        switch event.type {
        case "lead.accepted", "lead.rejected":
            guard lead.verdict == nil else { return nil }
            lead.verdict = event.type
            lead.verdictAt = event.occurredAt
            lead.rejectReason = data["reason"]?.stringValue
        case "lead.reassigned": lead.rep = data["to"]?.stringValue
        case "lead.recycled": lead.recycled = true
        case "lead.feedback":
            lead.ratingSum += data["rating"]?.integerValue ?? 0
            lead.ratings += 1
            if case let .array(items)? = data["objections"] { lead.objections += items.compactMap { $0.stringValue } }
        case "lead.converted":
            lead.converted = true
            lead.convertedAt = event.occurredAt
            if case let .integer(amount)? = data["amount"] { lead.amount = Double(amount) }
            if case let .double(amount)? = data["amount"] { lead.amount = amount }
        case "lead.lost": lead.lost = true
        default: return nil
        }
        return lead
    }

    private static func adjust(rows: ProjectionRows<Row>, key: String, _ change: (inout Group) -> Void) throws {
        try rows.modify(key) { row in
            var group = Group()
            if case let .group(existing)? = row { group = existing }
            // Taken out of the row first, so that its counts change in place, not in a copy.
            row = nil
            change(&group)
            if group.sent != 0 { row = .group(group) }
        }
    }
}

// MARK: - The report

extension LeadQualityProjection {
    /// One line of `parley quality`: a group's figures.
    public struct Line: Sendable, Equatable {
        public var key: String
        public var group: Group

        public init(key: String, group: Group) {
            self.key = key
            self.group = group
        }

        public var acceptanceRate: Double? {
            let judged = group.accepted + group.rejected
            return judged == 0 ? nil : Double(group.accepted) / Double(judged)
        }

        public var conversionRate: Double? { group.sent == 0 ? nil : Double(group.converted) / Double(group.sent) }

        public var averageRating: Double? { group.ratings == 0 ? nil : Double(group.ratingSum) / Double(group.ratings) }

        /// Median hours from sent to verdict (speed-to-lead).
        public var medianHoursToVerdict: Double? {
            let minutes = group.verdictTenths.map { ($0.key, $0.value) }.sorted { $0.0 < $1.0 }
            let total = minutes.reduce(0) { $0 + $1.1 }
            guard total > 0 else { return nil }
            func value(at rank: Int64) -> Int64 {
                var seen: Int64 = 0
                for (minute, count) in minutes {
                    seen += count
                    if seen > rank { return minute }
                }
                return minutes.last!.0
            }
            let middle = total % 2 == 1 ? Double(value(at: total / 2)) : Double(value(at: total / 2 - 1) + value(at: total / 2)) / 2
            return middle / 10
        }

        /// Revenue a day: converted revenue over the average days from sent to conversion.
        public var salesVelocityPerDay: Double? {
            guard group.converted > 0, group.cycleHoursSum > 0 else { return nil }
            let averageDays = group.cycleHoursSum / Double(group.converted) / 24
            return group.revenue / averageDays
        }

        /// The most frequent objections, most frequent first.
        public func topObjections(_ count: Int = 3) -> [(String, Int64)] {
            Array(group.objections.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.prefix(count)).map { ($0.key, $0.value) }
        }
    }

    /// The report by `dimension`, largest groups first, from the rows.
    public static func report(_ rows: [String: Row], by dimension: Dimension) -> [Line] {
        let prefix = dimension.rawValue + "/"
        return rows.compactMap { key, row -> Line? in
            guard key.hasPrefix(prefix), case let .group(group) = row else { return nil }
            return Line(key: String(key.dropFirst(prefix.count)), group: group)
        }
        .sorted { ($1.group.sent, $0.key) < ($0.group.sent, $1.key) }
    }

    /// The report by `dimension` over leads sent in `since ..< until`,
    /// summed from the lead rows.
    public static func report(leads: some Sequence<Lead>, by dimension: Dimension, since: Timestamp?, until: Timestamp?) -> [Line] {
        var groups: [String: Group] = [:]
        for lead in leads {
            if let since, lead.sentAt < since { continue }
            if let until, lead.sentAt >= until { continue }
            groups[dimension.value(of: lead), default: Group()].add(lead.contribution, sign: 1)
        }
        return groups.map { Line(key: $0.key, group: $0.value) }.sorted { ($1.group.sent, $0.key) < ($0.group.sent, $1.key) }
    }
}
