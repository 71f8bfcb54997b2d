// The signals view's most-read rows read straight from their bytes
// (RowReadable), in the forms their Codable conformances write: every
// `signals`, `issues` and Today reads every rate watch (on a history with
// many reps, ninety rows of a hundred weekly buckets and their deadlines
// each) and every tension gone quiet, and a catch-up reads lead rows back.
// Through Codable, a keyed container per bucket made that read a quarter
// of `issues`. The other cases are left to Codable.

extension SignalsProjection.Row: RowReadable {
    public init?(reading reader: inout RowReader) throws {
        let start = reader.offset
        switch try reader.rowCase() {
        case 0: self = .lead(try SignalsProjection.LeadWatch(reading: &reader))
        case 1: self = .watch(try RateWatch(reading: &reader))
        case 8: self = .tension(try SignalsProjection.TensionWatch(reading: &reader))
        default:
            reader.offset = start
            return nil
        }
    }
}

extension SignalsProjection.LeadWatch {
    /// The fields in the order `encode(to:)` writes them.
    init(reading reader: inout RowReader) throws {
        guard try reader.list() == 4 else { throw RowReader.corrupt("a lead's watch has 4 fields") }
        source = try reader.string()
        rep = try reader.optional { try $0.string() }
        sentAt = try reader.time()
        verdictAt = try reader.optional { try $0.time() }
    }
}

extension SignalsProjection.TensionWatch {
    /// The fields in the order `encode(to:)` writes them.
    init(reading reader: inout RowReader) throws {
        guard try reader.list() == 9 else { throw RowReader.corrupt("a tension's watch has 9 fields") }
        tension = try reader.string()
        title = try reader.string()
        category = try reader.string()
        severity = try reader.string()
        flaggedAt = try reader.time()
        lastActivity = try reader.time()
        lastPosition = try reader.int()
        escalated = try reader.bool()
        resolved = try reader.bool()
    }
}

// Keyed, as the synthesized conformances write them: an absent optional
// has no entry, and a field this version does not know is skipped.

extension RateWatch {
    init(reading reader: inout RowReader) throws {
        var statistic: Double?, buckets: [Bucket]?, pending: [Deadline]?
        var run: Run?, frozen: SignalWindow?, raised: Raised?
        try reader.keyed { key, value in
            switch key {
            case "statistic": statistic = try value.double()
            case "run": run = try value.optional { try Run(reading: &$0) }
            case "buckets": buckets = try value.list { try Bucket(reading: &$0) }
            case "frozen": frozen = try value.optional { try SignalWindow(reading: &$0) }
            case "raised": raised = try value.optional { try Raised(reading: &$0) }
            case "pending": pending = try value.list { try Deadline(reading: &$0) }
            default: try value.skipValue()
            }
        }
        guard let statistic else { throw RowReader.missing("statistic") }
        guard let buckets else { throw RowReader.missing("buckets") }
        guard let pending else { throw RowReader.missing("pending") }
        self.init()
        (self.statistic, self.run, self.buckets, self.frozen, self.raised, self.pending) = (statistic, run, buckets, frozen, raised, pending)
    }
}

extension RateWatch.Bucket {
    init(reading reader: inout RowReader) throws {
        var week: Int64?, count: Int64?, events: Int64?
        try reader.keyed { key, value in
            switch key {
            case "week": week = try value.int()
            case "count": count = try value.int()
            case "events": events = try value.int()
            default: try value.skipValue()
            }
        }
        guard let week, let count, let events else { throw RowReader.missing("week, count or events in a bucket") }
        self.init(week: week, count: count, events: events)
    }
}

extension RateWatch.Run {
    init(reading reader: inout RowReader) throws {
        var from: Timestamp?, to: Timestamp?, count: Int64?, events: Int64?, positions: [Int64]?, reasons: [String: Int64]?
        try reader.keyed { key, value in
            switch key {
            case "from": from = try value.time()
            case "to": to = try value.time()
            case "count": count = try value.int()
            case "events": events = try value.int()
            case "positions": positions = try value.ints()
            case "reasons":
                var read: [String: Int64] = [:]
                try value.keyed { reason, number in read[reason] = try number.int() }
                reasons = read
            default: try value.skipValue()
            }
        }
        guard let from, let to, let count, let events, let positions, let reasons else { throw RowReader.missing("a field of a run") }
        self.init(from: from, to: to, count: count, events: events, positions: positions, reasons: reasons)
    }
}

extension RateWatch.Raised {
    init(reading reader: inout RowReader) throws {
        var at: Timestamp?, baseline: SignalWindow?, threshold: Double?, arl0: Double?, configuredBy: Int64?
        try reader.keyed { key, value in
            switch key {
            case "at": at = try value.time()
            case "baseline": baseline = try SignalWindow(reading: &value)
            case "threshold": threshold = try value.double()
            case "arl0": arl0 = try value.double()
            case "configuredBy": configuredBy = try value.optional { try $0.int() }
            default: try value.skipValue()
            }
        }
        guard let at, let baseline, let threshold, let arl0 else { throw RowReader.missing("a field of a raised signal") }
        self.init(at: at, baseline: baseline, threshold: threshold, arl0: arl0, configuredBy: configuredBy)
    }
}

extension RateWatch.Deadline {
    init(reading reader: inout RowReader) throws {
        var lead: String?, due: Timestamp?, position: Int64?
        try reader.keyed { key, value in
            switch key {
            case "lead": lead = try value.string()
            case "due": due = try value.time()
            case "position": position = try value.int()
            default: try value.skipValue()
            }
        }
        guard let lead, let due, let position else { throw RowReader.missing("lead, due or position in a deadline") }
        self.init(lead: lead, due: due, position: position)
    }
}

extension SignalWindow {
    init(reading reader: inout RowReader) throws {
        var from: Timestamp?, to: Timestamp?, count: Int64?, events: Int64?
        try reader.keyed { key, value in
            switch key {
            case "from": from = try value.time()
            case "to": to = try value.time()
            case "count": count = try value.int()
            case "events": events = try value.int()
            default: try value.skipValue()
            }
        }
        guard let from, let to, let count, let events else { throw RowReader.missing("from, to, count or events in a window") }
        self.init(from: from, to: to, count: count, events: events)
    }
}
