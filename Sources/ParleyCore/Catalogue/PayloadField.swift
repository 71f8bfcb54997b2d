/// One field of an event type's payload: its name, what it may hold,
/// whether it is required, and a line of help. The catalogue's fields are
/// the single source of validation, of `parley types` and of the JSON
/// Schema it prints.
public struct PayloadField: Sendable {
    /// What a field may hold.
    public indirect enum Kind: Sendable {
        /// Non-empty text of at most this many characters.
        case text(maxLength: Int)
        /// A member handle such as `mia@marketing`.
        case handle
        /// A short id such as `L-1042` or `T-3`: 1 to 64 characters, no spaces or `/`.
        case identifier
        /// One of these words.
        case choice([String])
        /// A whole number in this range.
        case integer(ClosedRange<Int64>)
        /// A number in this range.
        case number(ClosedRange<Double>)
        /// An RFC 3339 time with a zone, or a date `YYYY-MM-DD`.
        case time
        /// An event id (UUID).
        case eventID
        /// An http(s) link.
        case link
        /// An ISO 4217 currency code such as `EUR`.
        case currency
        /// A list of values of one kind, at most `maxCount` long.
        case list(Kind, maxCount: Int)
        /// An object with these fields.
        case object([PayloadField])
        /// Free-form `name: value` pairs of text, numbers or booleans.
        case attributes
    }

    public let name: String
    public let kind: Kind
    public let required: Bool
    public let help: String

    public init(_ name: String, _ kind: Kind, required: Bool = false, _ help: String = "") {
        self.name = name
        self.kind = kind
        self.required = required
        self.help = help
    }

    /// A required field.
    public static func required(_ name: String, _ kind: Kind, _ help: String = "") -> PayloadField {
        PayloadField(name, kind, required: true, help)
    }

    /// An optional field.
    public static func optional(_ name: String, _ kind: Kind, _ help: String = "") -> PayloadField {
        PayloadField(name, kind, required: false, help)
    }

    /// The team names of the practice.
    public static let teams = ["marketing", "sales", "management"]
}

extension PayloadField.Kind {
    /// Checks `value` and returns it in normal form (times in UTC, ids in
    /// lowercase), or throws naming `path` and what is allowed.
    func validate(_ value: JSONValue, path: String) throws(InvalidEvent) -> JSONValue {
        func invalid(_ reason: String) -> InvalidEvent { InvalidEvent(field: path, reason: reason) }
        func got() -> String {
            switch value {
            case let .string(text): return "got " + ProposedEvent.quoted(text)
            default: return "got \(value.kindName)"
            }
        }
        switch self {
        case let .text(maxLength):
            guard let text = value.stringValue else { throw invalid("must be text, \(got())") }
            guard !text.trimmingWhitespace.isEmpty else { throw invalid("must not be empty") }
            guard text.count <= maxLength else { throw invalid("must be at most \(maxLength) characters, got \(text.count)") }
            return value
        case .handle:
            guard let text = value.stringValue, Self.isHandle(text) else {
                throw invalid("must be a member handle such as \"mia@marketing\" (lowercase name@team), \(got())")
            }
            return value
        case .identifier:
            guard let text = value.stringValue, ProposedEvent.isToken(text, maxBytes: 64), !text.contains("/") else {
                throw invalid("must be a short id such as \"L-1042\" (1 to 64 characters, no spaces or '/'), \(got())")
            }
            return value
        case let .choice(words):
            guard let text = value.stringValue, words.contains(text) else {
                throw invalid("must be one of \(words.joined(separator: ", ")); \(got())")
            }
            return value
        case let .integer(range):
            guard let number = value.integerValue else { throw invalid("must be a whole number, \(got())") }
            guard range.contains(number) else {
                throw invalid("must be from \(range.lowerBound) to \(range.upperBound), got \(number)")
            }
            return .integer(number)
        case let .number(range):
            let number: Double
            switch value {
            case let .integer(i): number = Double(i)
            case let .double(d): number = d
            default: throw invalid("must be a number, \(got())")
            }
            guard range.contains(number) else {
                throw invalid("must be from \(short(range.lowerBound)) to \(short(range.upperBound)), got \(short(number))")
            }
            return value
        case .time:
            guard let text = value.stringValue else { throw invalid("must be a time such as \"2026-04-01T17:00:00Z\" or a date \"2026-04-01\", \(got())") }
            if let time = Timestamp(rfc3339: text) { return .string(time.rfc3339) }
            if text.utf8.count == 10, Timestamp(rfc3339: text + "T00:00:00Z") != nil { return value }
            throw invalid("must be an RFC 3339 time with a zone such as \"2026-04-01T17:00:00Z\", or a date \"2026-04-01\"; \(got())")
        case .eventID:
            guard let text = value.stringValue, let id = EventID(text) else {
                throw invalid("must be an event id (a UUID, as the log lists them), \(got())")
            }
            return .string(id.description)
        case .link:
            guard let text = value.stringValue, text.hasPrefix("https://") || text.hasPrefix("http://"),
                  text.count <= 2000, ProposedEvent.isToken(text, maxBytes: 2000)
            else { throw invalid("must be an http(s) link, \(got())") }
            return value
        case .currency:
            guard let text = value.stringValue, text.utf8.count == 3, text.utf8.allSatisfy({ (65...90).contains($0) }) else {
                throw invalid("must be a three-letter currency code such as \"EUR\", \(got())")
            }
            return value
        case let .list(element, maxCount):
            guard case let .array(items) = value else { throw invalid("must be a list, \(got())") }
            guard items.count <= maxCount else { throw invalid("may hold at most \(maxCount) items, got \(items.count)") }
            var normal: [JSONValue] = []
            for (index, item) in items.enumerated() {
                normal.append(try element.validate(item, path: "\(path)[\(index)]"))
            }
            return .array(normal)
        case let .object(fields):
            return try PayloadField.validate(object: value, fields: fields, path: path)
        case .attributes:
            guard case let .object(members) = value else { throw invalid("must be an object of name: value pairs, \(got())") }
            guard members.count <= 50 else { throw invalid("may hold at most 50 attributes, got \(members.count)") }
            for member in members {
                switch member.value {
                case .string, .integer, .double, .bool: continue
                default: throw InvalidEvent(field: "\(path).\(member.key)", reason: "an attribute must be text, a number or true/false, got \(member.value.kindName)")
                }
            }
            return value
        }
    }

    static func isHandle(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, text.utf8.count <= 100 else { return false }
        let allowed = { (byte: UInt8) in
            (97...122).contains(byte) || (48...57).contains(byte) || byte == 46 || byte == 45 || byte == 95
        }
        return parts.allSatisfy { !$0.isEmpty && $0.utf8.allSatisfy(allowed) }
    }

    /// A short description for `parley types`: `text ≤ 200`, `one of a, b`, `1…5`.
    public var summary: String {
        switch self {
        case let .text(maxLength): "text ≤ \(maxLength)"
        case .handle: "member handle"
        case .identifier: "id"
        case let .choice(words): "one of " + words.joined(separator: "·")
        case let .integer(range): range.upperBound == .max ? "integer ≥ \(range.lowerBound)" : "integer \(range.lowerBound)…\(range.upperBound)"
        case let .number(range): range.upperBound == .greatestFiniteMagnitude ? "number ≥ \(short(range.lowerBound))" : "number \(short(range.lowerBound))…\(short(range.upperBound))"
        case .time: "time or date"
        case .eventID: "event id"
        case .link: "link"
        case .currency: "currency code"
        case let .list(element, _): "[\(element.summary)]"
        case let .object(fields): "{" + fields.map { $0.name + ($0.required ? "" : "?") }.joined(separator: ", ") + "}"
        case .attributes: "{name: value}"
        }
    }

    /// This kind as JSON Schema (draft 2020-12).
    public var jsonSchema: JSONValue {
        switch self {
        case let .text(maxLength):
            .object(["type": .string("string"), "minLength": .integer(1), "maxLength": .integer(Int64(maxLength)), "pattern": .string("\\S")])
        case .handle: .object(["type": .string("string"), "pattern": .string("^[a-z0-9._-]+@[a-z0-9._-]+$")])
        case .identifier: .object(["type": .string("string"), "pattern": .string("^[^\\s/\\x00-\\x1f\\x7f]{1,64}$")])
        case let .choice(words): .object(["type": .string("string"), "enum": .array(words.map(JSONValue.string))])
        case let .integer(range): .object(["type": .string("integer"), "minimum": .integer(range.lowerBound), "maximum": .integer(range.upperBound)])
        case let .number(range):
            range.upperBound == .greatestFiniteMagnitude
                ? .object(["type": .string("number"), "minimum": .double(range.lowerBound)])
                : .object(["type": .string("number"), "minimum": .double(range.lowerBound), "maximum": .double(range.upperBound)])
        case .time: .object(["type": .string("string"), "anyOf": .array([.object(["format": .string("date-time")]), .object(["format": .string("date")])])])
        case .eventID: .object(["type": .string("string"), "format": .string("uuid")])
        case .link: .object(["type": .string("string"), "pattern": .string("^https?://")])
        case .currency: .object(["type": .string("string"), "pattern": .string("^[A-Z]{3}$")])
        case let .list(element, maxCount): .object(["type": .string("array"), "items": element.jsonSchema, "maxItems": .integer(Int64(maxCount))])
        case let .object(fields): PayloadField.jsonSchema(of: fields)
        case .attributes: .object(["type": .string("object"), "additionalProperties": .object(["type": .array([.string("string"), .string("number"), .string("boolean")])])])
        }
    }
}

extension PayloadField {
    /// Checks an object against `fields`: required fields present, no
    /// unknown field, each value of its kind. Returns the object in normal form.
    public static func validate(object value: JSONValue, fields: [PayloadField], path: String) throws(InvalidEvent) -> JSONValue {
        guard case let .object(members) = value else {
            throw InvalidEvent(field: path, reason: "must be an object, got \(value.kindName)")
        }
        var normal: [String: JSONValue] = [:]
        for member in members {
            guard let field = fields.first(where: { $0.name == member.key }) else {
                throw InvalidEvent(field: "\(path).\(member.key)", reason: "unknown field; the fields are \(fields.map(\.name).joined(separator: ", "))")
            }
            if member.value == .null {
                if field.required { throw InvalidEvent(field: "\(path).\(member.key)", reason: "is required") }
                continue
            }
            normal[member.key] = try field.kind.validate(member.value, path: "\(path).\(member.key)")
        }
        for field in fields where field.required && normal[field.name] == nil {
            throw InvalidEvent(field: "\(path).\(field.name)", reason: "is required (\(field.kind.summary))")
        }
        return .object(normal)
    }

    public static func jsonSchema(of fields: [PayloadField]) -> JSONValue {
        var properties: [String: JSONValue] = [:]
        for field in fields {
            var schema = field.kind.jsonSchema
            if !field.help.isEmpty, case var .object(members) = schema {
                members.append(("description", .string(field.help)))
                schema = .object(Dictionary(uniqueKeysWithValues: members.map { ($0.key, $0.value) }))
            }
            // An optional field may also be given as null, which counts as leaving it out.
            properties[field.name] = field.required ? schema : .object(["anyOf": .array([schema, .object(["type": .string("null")])])])
        }
        return .object([
            "type": .string("object"),
            "properties": .object(properties),
            "required": .array(fields.filter(\.required).map { .string($0.name) }),
            "additionalProperties": .bool(false),
        ])
    }
}

extension String {
    var trimmingWhitespace: Substring {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return Substring(scalars[first...last])
    }
}

/// A number as people write it: `5`, not `5.0`.
func short(_ number: Double) -> String {
    number.rounded() == number && abs(number) < 1e15 ? String(Int64(number)) : number.description
}

extension PayloadField.Kind {
    /// A team: marketing, sales or management.
    static let team = PayloadField.Kind.choice(PayloadField.teams)
    /// Free text of a paragraph or so.
    static let note = PayloadField.Kind.text(maxLength: 2000)
    /// Free text of a line.
    static let line = PayloadField.Kind.text(maxLength: 200)
}
