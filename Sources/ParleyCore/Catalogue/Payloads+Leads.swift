// The payloads of the catalogue: A lead's life: sent, judged, rated, won or lost.

public struct LeadSent: EventPayload {
    public static let type = "lead.sent"
    public static let lead = PayloadKey<String>.required("lead", .identifier)
    public static let source = PayloadKey<String>.required("source", .text(maxLength: 100), "webinar, paid-search, referral, …")
    public static let campaign = PayloadKey<String>.optional("campaign", .text(maxLength: 100))
    public static let criteriaVersion = PayloadKey<Int64>.optional("criteria_version", .integer(1...Int64.max), "the MQL definition the lead met")
    public static let score = PayloadKey<Int64>.optional("score", .integer(0...100))
    public static let assignedTo = PayloadKey<String>.optional("assigned_to", .handle, "the sales rep who owns it")
    public static let attributes = PayloadKey<[String: AttributeValue]>.optional("attributes", .attributes,
                                                                                 "employees, industry, title, country, … to check criteria later")
    public static let spec = EventTypeSpec(type, stream: "lead", idField: lead, "marketing hands a lead to sales",
                                           [lead, source, campaign, criteriaVersion, score, assignedTo, attributes])
    public var lead: String, source: String, campaign: String?, criteriaVersion: Int64?, score: Int64?, assignedTo: String?
    public var attributes: [String: AttributeValue]?
    public init(lead: String, source: String, campaign: String? = nil, criteriaVersion: Int64? = nil, score: Int64? = nil,
                assignedTo: String? = nil, attributes: [String: AttributeValue]? = nil) {
        self.lead = lead; self.source = source; self.campaign = campaign; self.criteriaVersion = criteriaVersion
        self.score = score; self.assignedTo = assignedTo; self.attributes = attributes
    }
}

/// A value of a lead's free-form attributes.
public enum AttributeValue: Codable, Sendable, Equatable {
    case text(String)
    case number(Double)
    case flag(Bool)

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let flag = try? container.decode(Bool.self) { self = .flag(flag) }
        else if let number = try? container.decode(Double.self) { self = .number(number) }
        else { self = .text(try container.decode(String.self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case let .text(text): try container.encode(text)
        case let .number(number): try container.encode(number)
        case let .flag(flag): try container.encode(flag)
        }
    }
}

public struct LeadReassigned: EventPayload {
    public static let type = "lead.reassigned"
    public static let lead = PayloadKey<String>.required("lead", .identifier)
    public static let to = PayloadKey<String>.required("to", .handle)
    public static let reason = PayloadKey<String>.optional("reason", .note)
    public static let spec = EventTypeSpec(type, stream: "lead", idField: lead, "a lead gets a new owner; the SLA clock restarts", [lead, to, reason])
    public var lead: String, to: String, reason: String?
    public init(lead: String, to: String, reason: String? = nil) { self.lead = lead; self.to = to; self.reason = reason }
}

public struct LeadAccepted: EventPayload {
    public static let type = "lead.accepted"
    public static let lead = PayloadKey<String>.required("lead", .identifier)
    public static let spec = EventTypeSpec(type, stream: "lead", idField: lead, "sales accepts the lead (SAL)", [lead])
    public var lead: String
    public init(lead: String) { self.lead = lead }
}

public struct LeadRejected: EventPayload {
    public static let type = "lead.rejected"
    public static let lead = PayloadKey<String>.required("lead", .identifier)
    public static let reason = PayloadKey<String>.required("reason", .choice(EventCatalogue.rejectReasons))
    public static let comment = PayloadKey<String>.optional("comment", .note)
    public static let spec = EventTypeSpec(type, stream: "lead", idField: lead, "sales rejects the lead, and says why", [lead, reason, comment])
    public var lead: String, reason: String, comment: String?
    public init(lead: String, reason: String, comment: String? = nil) { self.lead = lead; self.reason = reason; self.comment = comment }
}

public struct LeadRecycled: EventPayload {
    public static let type = "lead.recycled"
    public static let lead = PayloadKey<String>.required("lead", .identifier)
    public static let reason = PayloadKey<String>.optional("reason", .note)
    public static let spec = EventTypeSpec(type, stream: "lead", idField: lead, "the lead goes back to marketing nurture", [lead, reason])
    public var lead: String, reason: String?
    public init(lead: String, reason: String? = nil) { self.lead = lead; self.reason = reason }
}

public struct LeadFeedback: EventPayload {
    public static let type = "lead.feedback"
    public static let lead = PayloadKey<String>.required("lead", .identifier)
    public static let rating = PayloadKey<Int64>.required("rating", .integer(1...5), "1 (useless) to 5 (perfect)")
    public static let comment = PayloadKey<String>.optional("comment", .note)
    public static let objections = PayloadKey<[String]>.optional("objections", .list(.line, maxCount: 20), "objections heard from the prospect")
    public static let spec = EventTypeSpec(type, stream: "lead", idField: lead, schema: 2, "sales rates the lead's quality",
                                           [lead, rating, comment, objections])
    public var lead: String, rating: Int64, comment: String?, objections: [String]?
    public init(lead: String, rating: Int64, comment: String? = nil, objections: [String]? = nil) {
        self.lead = lead; self.rating = rating; self.comment = comment; self.objections = objections
    }

    /// Schema 1 had one `objection` (text); schema 2 has `objections`, a list.
    public static func upcast(_ data: JSONValue, from schema: Int) -> JSONValue {
        guard schema == 1, case let .object(members) = data else { return data }
        var fields = Dictionary(uniqueKeysWithValues: members.map { ($0.key, $0.value) })
        if let objection = fields.removeValue(forKey: "objection") {
            fields["objections"] = objection == .null ? nil : .array([objection])
        }
        return .object(fields)
    }
}

public struct LeadConverted: EventPayload {
    public static let type = "lead.converted"
    public static let lead = PayloadKey<String>.required("lead", .identifier)
    public static let amount = PayloadKey<Double>.optional("amount", .number(0...Double.greatestFiniteMagnitude))
    public static let currency = PayloadKey<String>.optional("currency", .currency)
    public static let spec = EventTypeSpec(type, stream: "lead", idField: lead, "the lead became a customer", [lead, amount, currency])
    public var lead: String, amount: Double?, currency: String?
    public init(lead: String, amount: Double? = nil, currency: String? = nil) { self.lead = lead; self.amount = amount; self.currency = currency }
}

public struct LeadLost: EventPayload {
    public static let type = "lead.lost"
    public static let lead = PayloadKey<String>.required("lead", .identifier)
    public static let reason = PayloadKey<String>.optional("reason", .note)
    public static let spec = EventTypeSpec(type, stream: "lead", idField: lead, "the lead was lost", [lead, reason])
    public var lead: String, reason: String?
    public init(lead: String, reason: String? = nil) { self.lead = lead; self.reason = reason }
}
