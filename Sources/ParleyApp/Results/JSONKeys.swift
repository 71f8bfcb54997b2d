import ParleyCore

/// A key of a result's documented JSON shape (`docs/json.md`).
struct JSONKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ name: String) { stringValue = name }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

extension KeyedEncodingContainer where Key == JSONKey {
    /// Encodes `value` under `name`, and `null` when it is nil: the shapes
    /// name every field, present or not.
    mutating func put<T: Encodable>(_ value: T?, _ name: String) throws {
        if let value { try encode(value, forKey: JSONKey(name)) } else { try encodeNil(forKey: JSONKey(name)) }
    }

    /// A time as RFC 3339 text.
    mutating func put(_ time: Timestamp?, _ name: String) throws {
        try put(time?.rfc3339, name)
    }
}
