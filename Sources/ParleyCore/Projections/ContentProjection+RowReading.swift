// The content view's rows read straight from their bytes (RowReadable),
// not through Codable: a resource row holds every use of it, and `parley
// content` reads them all (25,000 uses in a million events with forty
// resources, each three keyed fields through the keyed decoder).
//
// Keyed, as the synthesized conformances write them: the case name, then
// its value under `_0`; an absent optional has no entry, and a field this
// version does not know is skipped.

extension ContentProjection.Row: RowReadable {
    public init?(reading reader: inout RowReader) throws {
        var row: ContentProjection.Row?
        try reader.keyed { name, value in
            switch name {
            case "resource": row = .resource(try Self.associated(&value) { try ContentProjection.Resource(reading: &$0) })
            case "request": row = .request(try Self.associated(&value) { try ContentProjection.Request(reading: &$0) })
            default: try value.skipValue()
            }
        }
        guard let row else { throw RowReader.corrupt("a content row is a resource or a request") }
        self = row
    }

    /// A case's associated value: the keyed value's `_0`.
    private static func associated<Value>(_ reader: inout RowReader, _ read: (inout RowReader) throws -> Value) throws -> Value {
        var found: Value?
        try reader.keyed { key, value in
            if key == "_0" { found = try read(&value) } else { try value.skipValue() }
        }
        guard let found else { throw RowReader.missing("the case's value") }
        return found
    }
}

extension ContentProjection.Resource {
    init(reading reader: inout RowReader) throws {
        self.init()
        var title: String?, team: String?, sharedBy: String?, sharedAt: Timestamp?, uses: [ContentProjection.Use]?
        try reader.keyed { key, value in
            switch key {
            case "order": order = try value.optional { try $0.int() }
            case "title": title = try value.string()
            case "kind": kind = try value.optional { try $0.string() }
            case "team": team = try value.string()
            case "sharedBy": sharedBy = try value.string()
            case "sharedAt": sharedAt = try value.time()
            case "uses": uses = try value.list { try ContentProjection.Use(reading: &$0) }
            default: try value.skipValue()
            }
        }
        guard let title, let team, let sharedBy, let sharedAt, let uses else {
            throw RowReader.missing("title, team, sharedBy, sharedAt or uses in a resource")
        }
        (self.title, self.team, self.sharedBy, self.sharedAt, self.uses) = (title, team, sharedBy, sharedAt, uses)
    }
}

extension ContentProjection.Use {
    init(reading reader: inout RowReader) throws {
        var actor: String?, lead: String?, at: Timestamp?
        try reader.keyed { key, value in
            switch key {
            case "actor": actor = try value.string()
            case "lead": lead = try value.optional { try $0.string() }
            case "at": at = try value.time()
            default: try value.skipValue()
            }
        }
        guard let actor, let at else { throw RowReader.missing("actor or at in a use") }
        self.init(actor: actor, lead: lead, at: at)
    }
}

extension ContentProjection.Request {
    init(reading reader: inout RowReader) throws {
        var order: Int64?, topic: String?, requestedBy: String?, requestedAt: Timestamp?, neededBy: Timestamp?, deliveredAt: Timestamp?
        try reader.keyed { key, value in
            switch key {
            case "order": order = try value.int()
            case "topic": topic = try value.string()
            case "requestedBy": requestedBy = try value.string()
            case "requestedAt": requestedAt = try value.time()
            case "neededBy": neededBy = try value.optional { try $0.time() }
            case "deliveredAt": deliveredAt = try value.optional { try $0.time() }
            default: try value.skipValue()
            }
        }
        guard let order, let topic, let requestedBy, let requestedAt else {
            throw RowReader.missing("order, topic, requestedBy or requestedAt in a request")
        }
        self.init(order: order, topic: topic, requestedBy: requestedBy, requestedAt: requestedAt, neededBy: neededBy, deliveredAt: deliveredAt)
    }
}
