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
        /// Members in the order they were set, each key once (set again, it keeps the last).
        case object([(key: String, node: EncodedNode)])
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
        case let .object(members):
            .object(members.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }.map { ($0.key, $0.node.json) })
        case let .array(items): .array(items.map(\.json))
        }
    }

    func set(_ value: JSONValue) {
        content = .value(value)
    }

    /// Encodes `value` into this node: a number, string or flag directly, anything else by its own `encode(to:)`.
    func encode<T: Encodable>(_ value: T, codingPath: @autoclosure () -> [any CodingKey]) throws {
        if let primitive = try Self.primitive(value, codingPath: codingPath()) {
            content = .value(primitive)
        } else {
            try value.encode(to: NodeEncoder(node: self, codingPath: codingPath()))
        }
    }

    func becomeObject() {
        if case .object = content { return }
        content = .object([])
    }

    func becomeArray() {
        if case .array = content { return }
        content = .array([])
    }

    func setMember(_ key: String, _ node: EncodedNode) {
        guard case var .object(members) = content else { return }
        content = .empty // keeps `members` uniquely referenced while it changes
        // A list, not a dictionary: an object has a few members, and a list
        // neither hashes each key nor grows a table for each object.
        if let index = members.firstIndex(where: { $0.key == key }) { members[index].node = node } else { members.append((key, node)) }
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

    /// `value` as JSON if it is a number, string or flag. The common types
    /// are told by their metadata, not by a cast each (in a result of a
    /// thousand lines, the casts were most of the encoding); `codingPath`
    /// is made only for an error.
    static func primitive<T: Encodable>(_ value: T, codingPath: @autoclosure () -> [any CodingKey]) throws -> JSONValue? {
        if T.self == String.self { return .string(unsafeBitCast(value, to: String.self)) }
        if T.self == Int64.self { return .integer(unsafeBitCast(value, to: Int64.self)) }
        if T.self == Int.self { return .integer(Int64(unsafeBitCast(value, to: Int.self))) }
        if T.self == Double.self { return try double(unsafeBitCast(value, to: Double.self), codingPath: codingPath()) }
        if T.self == Bool.self { return .bool(unsafeBitCast(value, to: Bool.self)) }
        switch value {
        case let number as Int32: return .integer(Int64(number))
        case let number as Int16: return .integer(Int64(number))
        case let number as Int8: return .integer(Int64(number))
        case let number as UInt: return unsigned(UInt64(number))
        case let number as UInt64: return unsigned(number)
        case let number as UInt32: return .integer(Int64(number))
        case let number as UInt16: return .integer(Int64(number))
        case let number as UInt8: return .integer(Int64(number))
        case let number as Float: return try double(Double(number.description) ?? Double(number), codingPath: codingPath())
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
        // Its description ends in ".0" when it is whole and at most 2^53 (past that it has an exponent).
        return number.rounded(.towardZero) == number && number.magnitude <= 9_007_199_254_740_992 ? .integer(Int64(number)) : .double(number)
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
        try child.encode(value, codingPath: self.codingPath + [key])
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
        try child.encode(value, codingPath: self.codingPath + [ArrayIndexKey(self.count)])
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
