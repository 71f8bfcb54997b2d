extension JSONValue {
    /// `value` as a JSON value, encoded straight into the tree: what
    /// Foundation's `JSONEncoder` writes, parsed back, without the text in
    /// between. A `--json` answer of thousands of lines spent half its time
    /// writing that text and reading it again.
    ///
    /// Numbers come out as `JSONEncoder` writes them and ``parse(_:)``
    /// reads them: a `Double` with no fraction below 2⁵³ is an integer
    /// (`2.0` is `2`), any other a double; a `Float` is the double of its
    /// shortest text. Keys are put in canonical order.
    ///
    /// - Throws: `EncodingError.invalidValue` for a number JSON cannot
    ///   hold (NaN, ±infinity), as `JSONEncoder` does.
    public static func encoding(_ value: some Encodable) throws -> JSONValue {
        let root = EncodedNode()
        try root.encode(value, codingPath: [])
        return root.json
    }
}

/// A value being encoded: filled once by a single value, or grown by the
/// keyed or unkeyed containers an `encode(to:)` asks for (a type may ask
/// for the same kind of container more than once, so they share the node).
private final class EncodedNode {
    private enum Content {
        case empty
        case value(JSONValue)
        case object([String: EncodedNode])
        case array([EncodedNode])
    }

    private var content = Content.empty

    init() {}

    init(_ value: JSONValue) {
        content = .value(value)
    }

    var json: JSONValue {
        switch content {
        case .empty: .object([])
        case let .value(value): value
        case let .object(members): .object(members.mapValues(\.json))
        case let .array(items): .array(items.map(\.json))
        }
    }

    func set(_ value: JSONValue) {
        content = .value(value)
    }

    /// Encodes `value` into this node: a number, string or flag directly, anything else by its own `encode(to:)`.
    func encode<T: Encodable>(_ value: T, codingPath: [any CodingKey]) throws {
        if let primitive = try Self.primitive(value, codingPath: codingPath) {
            content = .value(primitive)
        } else {
            try value.encode(to: NodeEncoder(node: self, codingPath: codingPath))
        }
    }

    func becomeObject() {
        if case .object = content { return }
        content = .object([:])
    }

    func becomeArray() {
        if case .array = content { return }
        content = .array([])
    }

    func setMember(_ key: String, _ node: EncodedNode) {
        guard case var .object(members) = content else { return }
        content = .empty // keeps `members` uniquely referenced while it changes
        members[key] = node
        content = .object(members)
    }

    func append(_ node: EncodedNode) {
        guard case var .array(items) = content else { return }
        content = .empty
        items.append(node)
        content = .array(items)
    }

    var count: Int {
        if case let .array(items) = content { return items.count }
        return 0
    }

    static func primitive<T: Encodable>(_ value: T, codingPath: [any CodingKey]) throws -> JSONValue? {
        switch value {
        case let text as String: return .string(text)
        case let flag as Bool: return .bool(flag)
        case let number as Int: return .integer(Int64(number))
        case let number as Int64: return .integer(number)
        case let number as Int32: return .integer(Int64(number))
        case let number as Int16: return .integer(Int64(number))
        case let number as Int8: return .integer(Int64(number))
        case let number as UInt: return unsigned(UInt64(number))
        case let number as UInt64: return unsigned(number)
        case let number as UInt32: return .integer(Int64(number))
        case let number as UInt16: return .integer(Int64(number))
        case let number as UInt8: return .integer(Int64(number))
        case let number as Double: return try double(number, codingPath: codingPath)
        case let number as Float: return try double(Double(number.description) ?? Double(number), codingPath: codingPath)
        default: return nil
        }
    }

    private static func unsigned(_ number: UInt64) -> JSONValue {
        number <= UInt64(Int64.max) ? .integer(Int64(number)) : .double(Double(number))
    }

    /// As `JSONEncoder` writes a double (its description, less a trailing
    /// ".0") and the parser reads that text back.
    private static func double(_ number: Double, codingPath: [any CodingKey]) throws -> JSONValue {
        guard number.isFinite else {
            throw EncodingError.invalidValue(number, .init(codingPath: codingPath, debugDescription: "\(number) is not a JSON number"))
        }
        return number.description.hasSuffix(".0") ? .integer(Int64(number)) : .double(number)
    }
}

private struct NodeEncoder: Encoder {
    let node: EncodedNode
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        node.becomeObject()
        return KeyedEncodingContainer(KeyedNode(node: node, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        node.becomeArray()
        return UnkeyedNode(node: node, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleNode(node: node, codingPath: codingPath)
    }
}

private struct ArrayIndexKey: CodingKey {
    let intValue: Int?
    var stringValue: String { "\(intValue ?? 0)" }
    init(_ index: Int) { intValue = index }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.intValue = intValue }
}

private struct SuperKey: CodingKey {
    var stringValue: String { "super" }
    var intValue: Int? { nil }
    init() {}
    init?(stringValue: String) { nil }
    init?(intValue: Int) { nil }
}

private struct KeyedNode<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let node: EncodedNode
    let codingPath: [any CodingKey]

    mutating func encodeNil(forKey key: Key) throws {
        node.setMember(key.stringValue, EncodedNode(.null))
    }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        let child = EncodedNode()
        try child.encode(value, codingPath: codingPath + [key])
        node.setMember(key.stringValue, child)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type,
                                                       forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        let child = EncodedNode()
        node.setMember(key.stringValue, child)
        return NodeEncoder(node: child, codingPath: codingPath + [key]).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let child = EncodedNode()
        node.setMember(key.stringValue, child)
        return NodeEncoder(node: child, codingPath: codingPath + [key]).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        let child = EncodedNode()
        node.setMember("super", child)
        return NodeEncoder(node: child, codingPath: codingPath + [SuperKey()])
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        let child = EncodedNode()
        node.setMember(key.stringValue, child)
        return NodeEncoder(node: child, codingPath: codingPath + [key])
    }
}

private struct UnkeyedNode: UnkeyedEncodingContainer {
    let node: EncodedNode
    let codingPath: [any CodingKey]
    var count: Int { node.count }

    mutating func encodeNil() throws {
        node.append(EncodedNode(.null))
    }

    mutating func encode<T: Encodable>(_ value: T) throws {
        let child = EncodedNode()
        try child.encode(value, codingPath: codingPath + [ArrayIndexKey(count)])
        node.append(child)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let child = EncodedNode()
        let path = codingPath + [ArrayIndexKey(count)]
        node.append(child)
        return NodeEncoder(node: child, codingPath: path).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let child = EncodedNode()
        let path = codingPath + [ArrayIndexKey(count)]
        node.append(child)
        return NodeEncoder(node: child, codingPath: path).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        let child = EncodedNode()
        let path = codingPath + [ArrayIndexKey(count)]
        node.append(child)
        return NodeEncoder(node: child, codingPath: path)
    }
}

private struct SingleNode: SingleValueEncodingContainer {
    let node: EncodedNode
    let codingPath: [any CodingKey]

    mutating func encodeNil() throws {
        node.set(.null)
    }

    mutating func encode<T: Encodable>(_ value: T) throws {
        try node.encode(value, codingPath: codingPath)
    }
}
