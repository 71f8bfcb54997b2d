extension FollowUpProjection.Pending {
    // A list of the fields in this order (see PositionalCoding): a view holds a row per pending lead.
    public func encode(to encoder: any Encoder) throws {
        var list = encoder.unkeyedContainer()
        try list.encode(lead)
        try list.encode(optional: rep)
        try list.encode(source)
        try list.encode(clockStart)
        try list.encode(sentAt)
        try list.encode(optional: followUpHours)
        try list.encode(optional: feedbackWithinDays)
        try list.encode(optional: verdictAt)
        try list.encode(optional: feedbackAt)
    }

    public init(from decoder: any Decoder) throws {
        var list = try decoder.unkeyedContainer()
        lead = try list.decode(String.self)
        rep = try list.decode(optional: String.self)
        source = try list.decode(String.self)
        clockStart = try list.decode(Timestamp.self)
        sentAt = try list.decode(Timestamp.self)
        followUpHours = try list.decode(optional: Int64.self)
        feedbackWithinDays = try list.decode(optional: Int64.self)
        verdictAt = try list.decode(optional: Timestamp.self)
        feedbackAt = try list.decode(optional: Timestamp.self)
    }
}

extension FollowUpProjection.Deadline {
    // `[rep, source]` (see PositionalCoding): a view holds a row per open deadline.
    public func encode(to encoder: any Encoder) throws {
        var list = encoder.unkeyedContainer()
        try list.encode(optional: rep)
        try list.encode(source)
    }

    public init(from decoder: any Decoder) throws {
        var list = try decoder.unkeyedContainer()
        rep = try list.decode(optional: String.self)
        source = try list.decode(String.self)
    }
}

// The same bytes as the Codable form, written directly for the rows a
// rebuild writes by the hundred thousand (pending leads and deadlines).
extension FollowUpProjection.Row: RowWritable {
    public func write(to writer: inout RowWriter) -> Bool {
        switch self {
        case .sla, .counts, .versions:
            // Few, and keyed: coded through Codable.
            return false
        case let .pending(pending):
            writer.list(count: 2)
            writer.int(1)
            writer.list(count: 9)
            writer.string(pending.lead)
            writer.optional(pending.rep) { $0.string($1) }
            writer.string(pending.source)
            writer.time(pending.clockStart)
            writer.time(pending.sentAt)
            writer.optional(pending.followUpHours) { $0.int($1) }
            writer.optional(pending.feedbackWithinDays) { $0.int($1) }
            writer.optional(pending.verdictAt) { $0.time($1) }
            writer.optional(pending.feedbackAt) { $0.time($1) }
        case let .deadline(deadline):
            writer.list(count: 2)
            writer.int(3)
            writer.list(count: 2)
            writer.optional(deadline.rep) { $0.string($1) }
            writer.string(deadline.source)
        case let .openDeadlines(count):
            writer.list(count: 2)
            writer.int(4)
            writer.int(count)
        }
        return true
    }
}
