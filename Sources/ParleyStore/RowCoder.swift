// One file over 400 lines: the encoder and the decoder of one binary form,
// kept side by side so that each change to the form is made to both.

import Foundation
import ParleyCore

/// The form a persisted view keeps its rows in: a compact binary encoding
/// of the row's `Codable` shape.
///
/// View rows are private to Parley and derived from the log (a rebuild makes
/// them again), so they need no text form. JSON cost more than the folds
/// themselves at a million events: numbers and times were formatted as text
/// and parsed back on every chunk. Here integers are zig-zag varints, times
/// (``Timestamp``) their microseconds, strings length-prefixed UTF-8, and a
/// keyed container the list of its keys and values: the bytes are those
/// ``RowWriter`` (in ParleyCore) defines. Rows that write themselves
/// (``RowWritable``) skip the encoder.
enum RowCoder {
    static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        if let row = value as? any RowWritable {
            var writer = RowWriter()
            if row.write(to: &writer) { return writer.bytes }
        }
        return try encodeThroughCodable(value)
    }

    /// The bytes of `value` through its `Codable` form, even when it writes itself.
    static func encodeThroughCodable<T: Encodable>(_ value: T) throws -> [UInt8] {
        var writer = RowWriter()
        try RowNode.make(value, codingPath: []).write(into: &writer)
        return writer.bytes
    }

    static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        // A row that reads itself from the bytes (the same as its Codable form, a test holds).
        if let readable = type as? any RowReadable.Type {
            var reader = RowReader(bytes)
            if let value = try readable.init(reading: &reader) {
                guard reader.offset == bytes.count else { throw RowReader.corrupt("\(bytes.count - reader.offset) bytes after the value") }
                return value as! T
            }
        }
        var reader = RowReader(bytes)
        let end = try reader.skipValue()
        guard end == bytes.count else { throw RowReader.corrupt("\(bytes.count - end) bytes after the value") }
        return try RowReader.value(T.self, bytes: bytes, at: 0, codingPath: [])
    }
}

// MARK: - Encoding

/// A value being encoded: containers are boxes, so that a container handed
/// out to `encode(to:)` writes into its parent.
private enum RowNode {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case list(ListBox)
    case keyed(KeyedBox)

    final class ListBox { var items: [RowNode] = [] }
    final class KeyedBox { var entries: [(String, RowNode)] = [] }

    static func make<T: Encodable>(_ value: T, codingPath: [any CodingKey]) throws -> RowNode {
        // Compared by type, not cast: a chain of dynamic casts cost more than the encoding.
        if T.self == Timestamp.self { return .int(unsafeBitCast(value, to: Timestamp.self).microseconds) }
        if T.self == String.self { return .string(unsafeBitCast(value, to: String.self)) }
        if T.self == Int64.self { return .int(unsafeBitCast(value, to: Int64.self)) }
        if T.self == Int.self { return .int(Int64(unsafeBitCast(value, to: Int.self))) }
        if T.self == Bool.self { return .bool(unsafeBitCast(value, to: Bool.self)) }
        if T.self == Double.self { return .double(unsafeBitCast(value, to: Double.self)) }
        if T.self == [Int64].self {
            let box = ListBox()
            box.items = unsafeBitCast(value, to: [Int64].self).map { .int($0) }
            return .list(box)
        }
        if T.self == [String].self {
            let box = ListBox()
            box.items = unsafeBitCast(value, to: [String].self).map { .string($0) }
            return .list(box)
        }
        let encoder = RowEncoder(codingPath: codingPath)
        try value.encode(to: encoder)
        return encoder.node ?? .null
    }

    func write(into out: inout RowWriter) {
        switch self {
        case .null: out.null()
        case let .bool(value): out.bool(value)
        case let .int(value): out.int(value)
        case let .double(value): out.double(value)
        case let .string(value): out.string(value)
        case let .list(box):
            out.list(count: box.items.count)
            for item in box.items { item.write(into: &out) }
        case let .keyed(box):
            out.keyed(count: box.entries.count)
            for (key, value) in box.entries {
                out.key(key)
                value.write(into: &out)
            }
        }
    }
}

private final class RowEncoder: Encoder {
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    var node: RowNode?

    init(codingPath: [any CodingKey]) { self.codingPath = codingPath }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let box: RowNode.KeyedBox
        if case let .keyed(existing)? = node { box = existing } else {
            box = RowNode.KeyedBox()
            node = .keyed(box)
        }
        return KeyedEncodingContainer(KeyedContainer<Key>(box: box, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        let box: RowNode.ListBox
        if case let .list(existing)? = node { box = existing } else {
            box = RowNode.ListBox()
            node = .list(box)
        }
        return ListContainer(box: box, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { SingleContainer(encoder: self) }

    struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let box: RowNode.KeyedBox
        let codingPath: [any CodingKey]

        mutating func encodeNil(forKey key: Key) throws { box.entries.append((key.stringValue, .null)) }
        mutating func encode(_ value: String, forKey key: Key) throws { box.entries.append((key.stringValue, .string(value))) }
        mutating func encode(_ value: Int64, forKey key: Key) throws { box.entries.append((key.stringValue, .int(value))) }
        mutating func encode(_ value: Int, forKey key: Key) throws { box.entries.append((key.stringValue, .int(Int64(value)))) }
        mutating func encode(_ value: Bool, forKey key: Key) throws { box.entries.append((key.stringValue, .bool(value))) }
        mutating func encode(_ value: Double, forKey key: Key) throws { box.entries.append((key.stringValue, .double(value))) }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            box.entries.append((key.stringValue, try RowNode.make(value, codingPath: codingPath)))
        }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            let nested = RowNode.KeyedBox()
            box.entries.append((key.stringValue, .keyed(nested)))
            return KeyedEncodingContainer(KeyedContainer<NestedKey>(box: nested, codingPath: codingPath + [key]))
        }
        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            let nested = RowNode.ListBox()
            box.entries.append((key.stringValue, .list(nested)))
            return ListContainer(box: nested, codingPath: codingPath + [key])
        }
        mutating func superEncoder() -> any Encoder { superEncoder(forKey: Key(stringValue: "super")!) }
        mutating func superEncoder(forKey key: Key) -> any Encoder {
            let encoder = RowEncoder(codingPath: codingPath + [key])
            let nested = RowNode.KeyedBox()
            encoder.node = .keyed(nested)
            box.entries.append((key.stringValue, .keyed(nested)))
            return encoder
        }
    }

    struct ListContainer: UnkeyedEncodingContainer {
        let box: RowNode.ListBox
        let codingPath: [any CodingKey]
        var count: Int { box.items.count }

        mutating func encodeNil() throws { box.items.append(.null) }
        mutating func encode<T: Encodable>(_ value: T) throws { box.items.append(try RowNode.make(value, codingPath: codingPath)) }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            let nested = RowNode.KeyedBox()
            box.items.append(.keyed(nested))
            return KeyedEncodingContainer(KeyedContainer<NestedKey>(box: nested, codingPath: codingPath))
        }
        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            let nested = RowNode.ListBox()
            box.items.append(.list(nested))
            return ListContainer(box: nested, codingPath: codingPath)
        }
        mutating func superEncoder() -> any Encoder {
            let encoder = RowEncoder(codingPath: codingPath)
            let nested = RowNode.KeyedBox()
            encoder.node = .keyed(nested)
            box.items.append(.keyed(nested))
            return encoder
        }
    }

    struct SingleContainer: SingleValueEncodingContainer {
        let encoder: RowEncoder
        var codingPath: [any CodingKey] { encoder.codingPath }

        mutating func encodeNil() throws { encoder.node = .null }
        mutating func encode<T: Encodable>(_ value: T) throws { encoder.node = try RowNode.make(value, codingPath: codingPath) }
    }
}

// MARK: - Decoding

/// Decoding a value of the row at an offset (the reader is ParleyCore's ``RowReader``).
extension RowReader {
    static func value<T: Decodable>(_ type: T.Type, bytes: [UInt8], at offset: Int, codingPath: [any CodingKey]) throws -> T {
        let single = RowDecoder(bytes: bytes, offset: offset, codingPath: codingPath)
        // Compared by type and handed back without a dynamic cast, as in encoding.
        if type == Timestamp.self { return unsafeBitCast(Timestamp(microseconds: try single.int()), to: T.self) }
        if type == String.self { return unsafeBitCast(try single.string(), to: T.self) }
        if type == Int64.self { return unsafeBitCast(try single.int(), to: T.self) }
        if type == Bool.self { return unsafeBitCast(try single.bool(), to: T.self) }
        // Lists of numbers and strings, read without a container per element.
        if type == [Int64].self { return unsafeBitCast(try single.list { try $0.int() }, to: T.self) }
        if type == [String].self { return unsafeBitCast(try single.list { try $0.string() }, to: T.self) }
        return try T(from: single)
    }
}

private struct RowDecoder: Decoder {
    let bytes: [UInt8]
    let offset: Int
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    private var tag: UInt8? { offset < bytes.count ? bytes[offset] : nil }

    private func mismatch(_ expected: String) -> DecodingError {
        .typeMismatch(Any.self, .init(codingPath: codingPath, debugDescription: "expected \(expected) in a view row; rebuilding the views makes it again"))
    }

    /// A reader at the value (the tag is checked first, for a type mismatch that names the coding path).
    private var reader: RowReader { RowReader(bytes, offset: offset) }

    func int() throws -> Int64 {
        guard tag == 3 else { throw mismatch("an integer") }
        var reader = reader
        return try reader.int()
    }

    func double() throws -> Double {
        guard tag == 3 || tag == 4 else { throw mismatch("a number") }
        var reader = reader
        return try reader.double()
    }

    func string() throws -> String {
        guard tag == 5 else { throw mismatch("a string") }
        var reader = reader
        return try reader.string()
    }

    func list<Element>(_ element: (RowDecoder) throws -> Element) throws -> [Element] {
        guard tag == 6 else { throw mismatch("a list") }
        var reader = RowReader(bytes, offset: offset + 1)
        let count = try reader.varint()
        var items: [Element] = []
        items.reserveCapacity(Int(min(count, 4096)))
        for _ in 0..<count {
            items.append(try element(at(reader.offset, nil)))
            try reader.skipValue()
        }
        return items
    }

    func bool() throws -> Bool {
        guard tag == 1 || tag == 2 else { throw mismatch("true or false") }
        return tag == 2
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard tag == 7 else { throw mismatch("a keyed value") }
        var reader = RowReader(bytes, offset: offset + 1)
        var entries: [(key: Range<Int>, value: Int)] = []
        let count = try reader.varint()
        entries.reserveCapacity(Int(min(count, 64)))
        for _ in 0..<count {
            let key = try reader.textRange()
            entries.append((key, reader.offset))
            try reader.skipValue()
        }
        return KeyedDecodingContainer(KeyedContainer<Key>(decoder: self, entries: entries))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard tag == 6 else { throw mismatch("a list") }
        var reader = RowReader(bytes, offset: offset + 1)
        let count = try reader.varint()
        var items: [Int] = []
        items.reserveCapacity(Int(min(count, 1024)))
        for _ in 0..<count {
            items.append(reader.offset)
            try reader.skipValue()
        }
        return ListContainer(decoder: self, items: items)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { SingleContainer(decoder: self) }

    /// The value at `offset`. (Coding paths are not tracked: building
    /// them cost more than the decoding, and a row that does not decode is
    /// rebuilt, not repaired.)
    func at(_ offset: Int, _ key: (any CodingKey)?) -> RowDecoder {
        RowDecoder(bytes: bytes, offset: offset, codingPath: codingPath)
    }

    struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let decoder: RowDecoder
        let entries: [(key: Range<Int>, value: Int)]
        var codingPath: [any CodingKey] { decoder.codingPath }

        var allKeys: [Key] {
            entries.compactMap { Key(stringValue: String(decoding: decoder.bytes[$0.key], as: UTF8.self)) }
        }

        /// Where the next lookup starts: decoders ask for keys in the order they were written.
        private final class Hint { var next = 0 }
        private let hint = Hint()

        private func offset(_ key: Key) -> Int? {
            guard !entries.isEmpty else { return nil }
            var name = key.stringValue
            return name.withUTF8 { utf8 in
                decoder.bytes.withUnsafeBytes { bytes in
                    let start = hint.next
                    for step in 0..<entries.count {
                        let index = (start + step) % entries.count
                        let range = entries[index].key
                        guard range.count == utf8.count else { continue }
                        if range.isEmpty || memcmp(bytes.baseAddress! + range.lowerBound, utf8.baseAddress!, range.count) == 0 {
                            hint.next = index + 1
                            return entries[index].value
                        }
                    }
                    return nil
                }
            }
        }

        private func value(_ key: Key) throws -> RowDecoder {
            guard let offset = offset(key) else {
                throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "not in the view row"))
            }
            return decoder.at(offset, key)
        }

        func contains(_ key: Key) -> Bool { offset(key) != nil }
        func decodeNil(forKey key: Key) throws -> Bool { try value(key).tag == 0 }
        func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try value(key).bool() }
        func decode(_ type: String.Type, forKey key: Key) throws -> String { try value(key).string() }
        func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try value(key).double() }
        func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try value(key).int() }
        func decode(_ type: Int.Type, forKey key: Key) throws -> Int { Int(try value(key).int()) }
        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            let value = try value(key)
            return try RowReader.value(T.self, bytes: value.bytes, at: value.offset, codingPath: value.codingPath)
        }
        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
            try value(key).container(keyedBy: type)
        }
        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer { try value(key).unkeyedContainer() }
        func superDecoder() throws -> any Decoder { try value(Key(stringValue: "super")!) }
        func superDecoder(forKey key: Key) throws -> any Decoder { try value(key) }
    }

    struct ListContainer: UnkeyedDecodingContainer {
        let decoder: RowDecoder
        let items: [Int]
        var currentIndex = 0
        var codingPath: [any CodingKey] { decoder.codingPath }
        var count: Int? { items.count }
        var isAtEnd: Bool { currentIndex >= items.count }

        private mutating func next() throws -> RowDecoder {
            guard !isAtEnd else {
                throw DecodingError.valueNotFound(Any.self, .init(codingPath: codingPath, debugDescription: "the list in the view row ended"))
            }
            defer { currentIndex += 1 }
            return decoder.at(items[currentIndex], nil)
        }

        mutating func decodeNil() throws -> Bool {
            guard !isAtEnd, decoder.at(items[currentIndex], nil).tag == 0 else { return false }
            currentIndex += 1
            return true
        }
        mutating func decode(_ type: Bool.Type) throws -> Bool { try next().bool() }
        mutating func decode(_ type: String.Type) throws -> String { try next().string() }
        mutating func decode(_ type: Double.Type) throws -> Double { try next().double() }
        mutating func decode(_ type: Int64.Type) throws -> Int64 { try next().int() }
        mutating func decode(_ type: Int.Type) throws -> Int { Int(try next().int()) }
        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
            let value = try next()
            return try RowReader.value(T.self, bytes: value.bytes, at: value.offset, codingPath: value.codingPath)
        }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
            try next().container(keyedBy: type)
        }
        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { try next().unkeyedContainer() }
        mutating func superDecoder() throws -> any Decoder { try next() }
    }

    struct SingleContainer: SingleValueDecodingContainer {
        let decoder: RowDecoder
        var codingPath: [any CodingKey] { decoder.codingPath }

        func decodeNil() -> Bool { decoder.tag == 0 }
        func decode(_ type: Bool.Type) throws -> Bool { try decoder.bool() }
        func decode(_ type: String.Type) throws -> String { try decoder.string() }
        func decode(_ type: Double.Type) throws -> Double { try decoder.double() }
        func decode(_ type: Int64.Type) throws -> Int64 { try decoder.int() }
        func decode(_ type: Int.Type) throws -> Int { Int(try decoder.int()) }
        func decode<T: Decodable>(_ type: T.Type) throws -> T {
            try RowReader.value(T.self, bytes: decoder.bytes, at: decoder.offset, codingPath: decoder.codingPath)
        }
    }
}
