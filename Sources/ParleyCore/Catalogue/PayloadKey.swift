/// One field of an event type's payload, declared once, by its payload
/// type: its name in the JSON, the Swift type a fold reads it as, and what
/// validation allows (``PayloadField``). The type's spec lists its keys, and
/// code reads a member through its key, so a misspelt field or a wrong type
/// does not compile:
///
/// ```swift
/// public static let reason = PayloadKey<String>.required("reason", .choice(EventCatalogue.rejectReasons))
/// …
/// let reason = data[LeadRejected.reason]   // String?
/// ```
///
/// A read parses that member alone (``Payload``), not the whole payload.
public struct PayloadKey<Value: PayloadValue>: PayloadFieldDeclaring {
    public let field: PayloadField

    /// The member's name in the payload: `assigned_to`.
    public var name: String { field.name }

    private init(_ field: PayloadField) {
        precondition(Value.holds(field.kind), "\(field.name): a \(Value.self) cannot hold what its kind allows")
        self.field = field
    }

    /// A field every payload of the type has.
    public static func required(_ name: String, _ kind: PayloadField.Kind, _ help: String = "") -> PayloadKey {
        PayloadKey(.required(name, kind, help))
    }

    /// A field payloads of the type may leave out.
    public static func optional(_ name: String, _ kind: PayloadField.Kind, _ help: String = "") -> PayloadKey {
        PayloadKey(.optional(name, kind, help))
    }
}

/// What a spec lists: a payload type's keys, or (inside a list of objects)
/// plain fields.
public protocol PayloadFieldDeclaring: Sendable {
    var field: PayloadField { get }
}

extension PayloadField: PayloadFieldDeclaring {
    public var field: PayloadField { self }
}

/// A Swift type a payload member is read as. A member that does not hold
/// one reads as nil; a list keeps the items that do.
public protocol PayloadValue: Sendable {
    init?(payloadMember value: JSONValue)
    /// Whether every value `kind` allows reads as this type.
    static func holds(_ kind: PayloadField.Kind) -> Bool
}

extension String: PayloadValue {
    public init?(payloadMember value: JSONValue) {
        guard case let .string(text) = value else { return nil }
        self = text
    }

    public static func holds(_ kind: PayloadField.Kind) -> Bool {
        switch kind {
        case .text, .handle, .identifier, .choice, .time, .eventID, .link, .currency: true
        case .integer, .number, .list, .object, .attributes: false
        }
    }
}

extension Int64: PayloadValue {
    /// A whole number, also when written with a fraction of zero (`3.0`).
    public init?(payloadMember value: JSONValue) {
        guard let number = value.integerValue else { return nil }
        self = number
    }

    public static func holds(_ kind: PayloadField.Kind) -> Bool {
        if case .integer = kind { true } else { false }
    }
}

extension Double: PayloadValue {
    public init?(payloadMember value: JSONValue) {
        switch value {
        case let .integer(number): self = Double(number)
        case let .double(number): self = number
        default: return nil
        }
    }

    public static func holds(_ kind: PayloadField.Kind) -> Bool {
        switch kind {
        case .integer, .number: true
        default: false
        }
    }
}

extension Array: PayloadValue where Element: PayloadValue {
    public init?(payloadMember value: JSONValue) {
        guard case let .array(items) = value else { return nil }
        self = items.compactMap(Element.init(payloadMember:))
    }

    public static func holds(_ kind: PayloadField.Kind) -> Bool {
        if case let .list(item, _) = kind { Element.holds(item) } else { false }
    }
}

extension AttributeValue: PayloadValue {
    public init?(payloadMember value: JSONValue) {
        switch value {
        case let .string(text): self = .text(text)
        case let .integer(number): self = .number(Double(number))
        case let .double(number): self = .number(number)
        case let .bool(flag): self = .flag(flag)
        default: return nil
        }
    }

    public static func holds(_ kind: PayloadField.Kind) -> Bool { false }
}

extension Dictionary: PayloadValue where Key == String, Value == AttributeValue {
    /// A lead's attributes: the members that hold text, a number or a flag.
    public init?(payloadMember value: JSONValue) {
        guard case let .object(members) = value else { return nil }
        self = [:]
        for (name, member) in members {
            if let attribute = AttributeValue(payloadMember: member) { self[name] = attribute }
        }
    }

    public static func holds(_ kind: PayloadField.Kind) -> Bool {
        if case .attributes = kind { true } else { false }
    }
}

extension Payload {
    /// The member `key` names, read as its type; nil when it is absent or
    /// holds something else.
    public subscript<Value>(key: PayloadKey<Value>) -> Value? {
        self[key.name].flatMap(Value.init(payloadMember:))
    }
}

extension JSONValue {
    /// The member `key` names, read as its type; nil when it is absent or
    /// holds something else (or this is not an object).
    public subscript<Value>(key: PayloadKey<Value>) -> Value? {
        self[key.name].flatMap(Value.init(payloadMember:))
    }
}
