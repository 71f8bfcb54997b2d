extension LeadQualityProjection.Lead {
    // A list of the fields in this order (see PositionalCoding): a view holds a row per lead.
    public func encode(to encoder: any Encoder) throws {
        var list = encoder.unkeyedContainer()
        try list.encode(lead)
        try list.encode(source)
        try list.encode(optional: campaign)
        try list.encode(optional: criteriaVersion)
        try list.encode(optional: rep)
        try list.encode(sentAt)
        try list.encode(optional: verdict)
        try list.encode(optional: verdictAt)
        try list.encode(optional: rejectReason)
        try list.encode(recycled)
        try list.encode(ratingSum)
        try list.encode(ratings)
        try list.encode(objections)
        try list.encode(converted)
        try list.encode(optional: convertedAt)
        try list.encode(amount)
        try list.encode(lost)
    }

    public init(from decoder: any Decoder) throws {
        var list = try decoder.unkeyedContainer()
        lead = try list.decode(String.self)
        let source = try list.decode(String.self)
        let campaign = try list.decode(optional: String.self)
        let criteriaVersion = try list.decode(optional: Int64.self)
        let rep = try list.decode(optional: String.self)
        sentAt = try list.decode(Timestamp.self)
        cell = LeadQualityProjection.Cell(sentAt: sentAt, source: source, campaign: campaign, criteriaVersion: criteriaVersion, rep: rep)
        verdict = try list.decode(optional: String.self)
        verdictAt = try list.decode(optional: Timestamp.self)
        rejectReason = try list.decode(optional: String.self)
        recycled = try list.decode(Bool.self)
        ratingSum = try list.decode(Int64.self)
        ratings = try list.decode(Int64.self)
        objections = try list.decode([String].self)
        converted = try list.decode(Bool.self)
        convertedAt = try list.decode(optional: Timestamp.self)
        amount = try list.decode(Double.self)
        lost = try list.decode(Bool.self)
    }
}

// The same bytes as the Codable form above, written directly: a chunk of a
// rebuild writes tens of thousands of these rows.
extension LeadQualityProjection.Row: RowWritable {
    public func write(to writer: inout RowWriter) -> Bool {
        writer.list(count: 2)
        switch self {
        case let .lead(lead):
            writer.int(0)
            lead.write(to: &writer)
        case let .group(group):
            writer.int(1)
            group.write(to: &writer)
        }
        return true
    }
}

extension LeadQualityProjection.Lead {
    func write(to writer: inout RowWriter) {
        writer.list(count: 17)
        writer.string(lead)
        writer.string(source)
        writer.optional(campaign) { $0.string($1) }
        writer.optional(criteriaVersion) { $0.int($1) }
        writer.optional(rep) { $0.string($1) }
        writer.time(sentAt)
        writer.optional(verdict) { $0.string($1) }
        writer.optional(verdictAt) { $0.time($1) }
        writer.optional(rejectReason) { $0.string($1) }
        writer.bool(recycled)
        writer.int(ratingSum)
        writer.int(ratings)
        writer.strings(objections)
        writer.bool(converted)
        writer.optional(convertedAt) { $0.time($1) }
        writer.double(amount)
        writer.bool(lost)
    }
}

extension LeadQualityProjection.Group {
    func write(to writer: inout RowWriter) {
        writer.list(count: 15)
        for sum in [sent, accepted, rejected, recycled, converted, revenueCents, ratingSum, ratings, cycleSeconds] { writer.int(sum) }
        writer.strings(rejectedByReason.keys)
        writer.ints(rejectedByReason.counts)
        writer.ints(verdictTenths.keys)
        writer.ints(verdictTenths.counts)
        writer.strings(objections.keys)
        writer.ints(objections.counts)
    }
}

extension LeadQualityProjection {
    /// What became of a lead (its verdict, whether it converted and for how
    /// much) and its source, read from its view row without the rest of it:
    /// a what-if reads every lead's row, `content` those resources were used
    /// on. A group row reads as no lead (`isLead` false).
    public struct LeadOutcome: RowReadable, Sendable, Equatable {
        public var isLead = false
        public var source = ""
        public var verdict: String?
        public var converted = false
        public var amount: Double = 0

        public init(_ row: Row) {
            guard case let .lead(lead) = row else { return }
            isLead = true
            source = lead.source
            verdict = lead.verdict
            converted = lead.converted
            amount = lead.amount
        }

        public init(reading reader: inout RowReader) throws {
            guard try Row.readLead(&reader) else { return }
            isLead = true
            try reader.skip(1)  // lead
            source = try reader.string()
            try reader.skip(4)  // campaign, criteria version, rep, sent at
            verdict = try reader.optional { try $0.string() }
            try reader.skip(6)  // verdict at, reject reason, recycled, rating sum, ratings, objections
            converted = try reader.bool()
            try reader.skip(1)  // converted at
            amount = try reader.double()
        }
    }

    /// Which lead a row is and the groups it counts in (its ``Cell``), read
    /// from its view row without the rest: a drill-down into one line of
    /// `quality` reads every lead's. A group row reads as none (`lead` nil).
    public struct LeadPlace: RowReadable, Sendable, Equatable {
        public var lead: String?
        public var sentAt: Timestamp?
        public var cell: Cell?

        public init(_ row: Row) {
            guard case let .lead(lead) = row else { return }
            self.lead = lead.lead
            sentAt = lead.sentAt
            cell = lead.cell
        }

        public init(reading reader: inout RowReader) throws {
            guard try Row.readLead(&reader) else { return }
            lead = try reader.string()
            let source = try reader.string()
            let campaign = try reader.optional { try $0.string() }
            let criteriaVersion = try reader.optional { try $0.int() }
            let rep = try reader.optional { try $0.string() }
            let sentAt = try reader.time()
            self.sentAt = sentAt
            cell = Cell(sentAt: sentAt, source: source, campaign: campaign, criteriaVersion: criteriaVersion, rep: rep)
        }
    }
}

// Read straight from the bytes (RowReadable), not through Codable: every
// quality query and a catch-up that reads rows back decode thousands.
extension LeadQualityProjection.Row: RowReadable {
    public init(reading reader: inout RowReader) throws {
        switch try reader.rowCase() {
        case 0: self = .lead(try LeadQualityProjection.Lead(reading: &reader))
        case 1: self = .group(try LeadQualityProjection.Group(reading: &reader))
        case let number: throw RowReader.corrupt("quality row case \(number) is not known")
        }
    }

    /// Reads a row's case up to its lead's fields (as `encode(to:)` and
    /// `Lead.encode(to:)` write them): true when the row is a lead, the
    /// reader then at its first field; false for any other case.
    static func readLead(_ reader: inout RowReader) throws -> Bool {
        guard try reader.rowCase() == 0 else { return false }
        try LeadQualityProjection.Lead.readCount(&reader)
        return true
    }
}

extension LeadQualityProjection.Lead {
    static func readCount(_ reader: inout RowReader) throws {
        guard try reader.list() == 17 else { throw RowReader.corrupt("a lead's row has 17 fields") }
    }

    /// The fields in the order `encode(to:)` writes them.
    init(reading reader: inout RowReader) throws {
        try Self.readCount(&reader)
        lead = try reader.string()
        let source = try reader.string()
        let campaign = try reader.optional { try $0.string() }
        let criteriaVersion = try reader.optional { try $0.int() }
        let rep = try reader.optional { try $0.string() }
        sentAt = try reader.time()
        cell = LeadQualityProjection.Cell(sentAt: sentAt, source: source, campaign: campaign, criteriaVersion: criteriaVersion, rep: rep)
        verdict = try reader.optional { try $0.string() }
        verdictAt = try reader.optional { try $0.time() }
        rejectReason = try reader.optional { try $0.string() }
        recycled = try reader.bool()
        ratingSum = try reader.int()
        ratings = try reader.int()
        objections = try reader.strings()
        converted = try reader.bool()
        convertedAt = try reader.optional { try $0.time() }
        amount = try reader.double()
        lost = try reader.bool()
    }
}

extension LeadQualityProjection.Group {
    /// Adds the group's fields at `reader` (in the order `write(to:)`
    /// writes them) to these sums, without making a group of them: a
    /// report adds up thousands of rows.
    mutating func add(reading reader: inout RowReader) throws {
        guard try reader.list() == 15 else { throw RowReader.corrupt("a group's row has 15 fields") }
        sent += try reader.int()
        accepted += try reader.int()
        rejected += try reader.int()
        recycled += try reader.int()
        converted += try reader.int()
        revenueCents += try reader.int()
        ratingSum += try reader.int()
        ratings += try reader.int()
        cycleSeconds += try reader.int()
        try rejectedByReason.add(reading: &reader) { try $0.string() }
        try verdictTenths.add(reading: &reader) { try $0.int() }
        try objections.add(reading: &reader) { try $0.string() }
    }

    /// The fields in the order `write(to:)` writes them: added to no sums.
    init(reading reader: inout RowReader) throws {
        self.init()
        try add(reading: &reader)
    }
}
