extension LeadQualityProjection {
    /// The sums over a group's leads.
    public struct Group: Codable, Sendable, Equatable {
        public init() {}

        public var sent: Int64 = 0
        public var accepted: Int64 = 0
        public var rejected: Int64 = 0
        public var rejectedByReason = SortedCounts<String>()
        public var recycled: Int64 = 0
        public var converted: Int64 = 0
        /// Converted amounts, in cents.
        public var revenueCents: Int64 = 0
        public var ratingSum: Int64 = 0
        public var ratings: Int64 = 0
        /// Tenths of hours from sent to verdict → how many leads (the
        /// median is shown to a tenth of an hour; finer buckets only made
        /// the rows larger). In order: a month's group counts thousands of
        /// times, and adds up many days' counts in every chunk.
        public var verdictTenths = SortedCounts<Int64>()
        /// Seconds from sent to conversion, summed over converted leads.
        public var cycleSeconds: Int64 = 0
        public var objections = SortedCounts<String>()

        /// Converted amounts.
        public var revenue: Double { Double(revenueCents) / 100 }
        /// Hours from sent to conversion, summed over converted leads.
        public var cycleHoursSum: Double { Double(cycleSeconds) / 3600 }

        // A list of the fields in this order (see PositionalCoding); a group's
        // counts by key as a list of keys and a list of counts: plain lists of
        // numbers and strings read several times faster than keyed containers,
        // and a --since report reads thousands.
        public init(from decoder: any Decoder) throws {
            var list = try decoder.unkeyedContainer()
            sent = try list.decode(Int64.self)
            accepted = try list.decode(Int64.self)
            rejected = try list.decode(Int64.self)
            recycled = try list.decode(Int64.self)
            converted = try list.decode(Int64.self)
            revenueCents = try list.decode(Int64.self)
            ratingSum = try list.decode(Int64.self)
            ratings = try list.decode(Int64.self)
            cycleSeconds = try list.decode(Int64.self)
            // Each a list of keys and a list of counts, in any order (rows written before
            // the counts were kept in order have them in a dictionary's).
            func counts<Key: Comparable & Hashable & Sendable & Decodable>(_ list: inout any UnkeyedDecodingContainer) throws -> SortedCounts<Key> {
                let names = try list.decode([Key].self)
                let counts = try list.decode([Int64].self)
                guard names.count == counts.count else {
                    throw DecodingError.dataCorrupted(.init(codingPath: list.codingPath, debugDescription: "\(names.count) keys for \(counts.count) counts"))
                }
                return SortedCounts(keys: names, counts: counts)
            }
            rejectedByReason = try counts(&list)
            verdictTenths = try counts(&list)
            objections = try counts(&list)
        }

        public func encode(to encoder: any Encoder) throws {
            var list = encoder.unkeyedContainer()
            for sum in [sent, accepted, rejected, recycled, converted, revenueCents, ratingSum, ratings, cycleSeconds] { try list.encode(sum) }
            try rejectedByReason.encodeLists(to: &list)
            try verdictTenths.encodeLists(to: &list)
            try objections.encodeLists(to: &list)
        }

        /// Adds `other`'s leads to these (two sources' into a total, say).
        public mutating func merge(_ other: Group) { add(other, sign: 1) }

        mutating func add(_ other: Group, sign: Int64) {
            sent += sign * other.sent
            accepted += sign * other.accepted
            rejected += sign * other.rejected
            converted += sign * other.converted
            recycled += sign * other.recycled
            revenueCents += sign * other.revenueCents
            ratingSum += sign * other.ratingSum
            ratings += sign * other.ratings
            cycleSeconds += sign * other.cycleSeconds
            rejectedByReason.add(other.rejectedByReason, sign: sign)
            verdictTenths.add(other.verdictTenths, sign: sign)
            objections.add(other.objections, sign: sign)
        }

        /// Adds (`sign` 1) or takes away (-1) what `lead` contributes: the
        /// one place that says what a lead counts for.
        mutating func add(_ lead: Lead, sign: Int64) {
            sent += sign
            switch lead.verdict {
            case LeadAccepted.type: accepted += sign
            case LeadRejected.type:
                rejected += sign
                rejectedByReason.add(sign, to: lead.rejectReason ?? "other")
            default: break
            }
            if let verdictAt = lead.verdictAt {
                verdictTenths.add(sign, to: max(0, (verdictAt.microseconds - lead.sentAt.microseconds) / 360_000_000))
            }
            if lead.recycled { recycled += sign }
            ratingSum += sign * lead.ratingSum
            ratings += sign * lead.ratings
            for objection in lead.objections { objections.add(sign, to: objection) }
            if lead.converted {
                converted += sign
                revenueCents &+= sign * Self.cents(lead.amount)
                if let convertedAt = lead.convertedAt { cycleSeconds += sign * ((convertedAt.microseconds - lead.sentAt.microseconds) / 1_000_000) }
            }
        }

        /// An amount in cents. The log takes any finite amount; past ten
        /// trillion it counts as ten trillion, so that sums cannot overflow.
        static func cents(_ amount: Double) -> Int64 {
            guard amount.isFinite else { return 0 }
            return Int64((min(max(amount, -1e13), 1e13) * 100).rounded())
        }

        /// Whether every sum is zero: adding it changes nothing.
        var isZero: Bool {
            sent == 0 && accepted == 0 && rejected == 0 && recycled == 0 && converted == 0 && revenueCents == 0 && ratingSum == 0
                && ratings == 0 && cycleSeconds == 0 && rejectedByReason.isEmpty && verdictTenths.isEmpty && objections.isEmpty
        }
    }
}
