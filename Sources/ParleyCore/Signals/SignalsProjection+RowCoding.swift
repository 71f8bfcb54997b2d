// The signals view's rows as lists (see PositionalCoding): a catch-up reads
// and writes a row per lead, and every read decodes every tension.

extension SignalsProjection.Row {
    public func encode(to encoder: any Encoder) throws {
        switch self {
        case let .lead(lead): try RowCase.encode(0, lead, to: encoder)
        case let .watch(watch): try RowCase.encode(1, watch, to: encoder)
        case let .terms(terms): try RowCase.encode(2, terms, to: encoder)
        case let .config(config): try RowCase.encode(3, config, to: encoder)
        case let .team(team): try RowCase.encode(4, team, to: encoder)
        case let .criteria(criteria): try RowCase.encode(5, criteria, to: encoder)
        case let .latest(version): try RowCase.encode(6, version, to: encoder)
        case let .meetings(meetings): try RowCase.encode(7, meetings, to: encoder)
        case let .tension(tension): try RowCase.encode(8, tension, to: encoder)
        case let .durations(days): try RowCase.encode(9, days, to: encoder)
        case let .month(month): try RowCase.encode(10, month, to: encoder)
        case let .answer(answer): try RowCase.encode(11, answer, to: encoder)
        case let .slaVersions(versions): try RowCase.encode(12, versions, to: encoder)
        }
    }

    public init(from decoder: any Decoder) throws {
        var (number, list) = try RowCase.decode(from: decoder)
        switch number {
        case 0: self = .lead(try list.decode(SignalsProjection.LeadWatch.self))
        case 1: self = .watch(try list.decode(RateWatch.self))
        case 2: self = .terms(try list.decode(SignalsProjection.Terms.self))
        case 3: self = .config(try list.decode(SignalConfig.self))
        case 4: self = .team(try list.decode(String.self))
        case 5: self = .criteria(try list.decode(SignalsProjection.CriteriaWatch.self))
        case 6: self = .latest(try list.decode(Int64.self))
        case 7: self = .meetings(try list.decode([SignalsProjection.Meeting].self))
        case 8: self = .tension(try list.decode(SignalsProjection.TensionWatch.self))
        case 9: self = .durations(try list.decode([Double].self))
        case 10: self = .month(try list.decode(SignalsProjection.MonthWatch.self))
        case 11: self = .answer(try list.decode(SignalAnswer.self))
        case 12: self = .slaVersions(try list.decode(AgreementVersions.self))
        default: throw RowCase.unknown(number, list)
        }
    }
}

extension SignalsProjection.LeadWatch {
    public func encode(to encoder: any Encoder) throws {
        var list = encoder.unkeyedContainer()
        try list.encode(source)
        try list.encode(optional: rep)
        try list.encode(sentAt)
        try list.encode(optional: verdictAt)
    }

    public init(from decoder: any Decoder) throws {
        var list = try decoder.unkeyedContainer()
        source = try list.decode(String.self)
        rep = try list.decode(optional: String.self)
        sentAt = try list.decode(Timestamp.self)
        verdictAt = try list.decode(optional: Timestamp.self)
    }
}

extension SignalsProjection.TensionWatch {
    public func encode(to encoder: any Encoder) throws {
        var list = encoder.unkeyedContainer()
        try list.encode(tension)
        try list.encode(title)
        try list.encode(category)
        try list.encode(severity)
        try list.encode(flaggedAt)
        try list.encode(lastActivity)
        try list.encode(lastPosition)
        try list.encode(escalated)
        try list.encode(resolved)
    }

    public init(from decoder: any Decoder) throws {
        var list = try decoder.unkeyedContainer()
        tension = try list.decode(String.self)
        title = try list.decode(String.self)
        category = try list.decode(String.self)
        severity = try list.decode(String.self)
        flaggedAt = try list.decode(Timestamp.self)
        lastActivity = try list.decode(Timestamp.self)
        lastPosition = try list.decode(Int64.self)
        escalated = try list.decode(Bool.self)
        resolved = try list.decode(Bool.self)
    }
}
