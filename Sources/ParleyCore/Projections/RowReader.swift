/// Reads a view row in the binary form ``RowWriter`` writes (its comment
/// defines the form), one value after another, in place. The store's
/// `Codable` decoder reads through it; rows that read a few fields of every
/// row in a view (``RowReadable``) read through it directly, skipping the
/// rest without decoding them.
public struct RowReader {
    public let bytes: [UInt8]
    public var offset: Int

    public init(_ bytes: [UInt8], offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    /// The error for bytes that are not a row of the expected shape.
    public static func corrupt(_ what: String) -> DecodingError {
        .dataCorrupted(.init(codingPath: [], debugDescription: "unreadable view row (\(what)); rebuilding the views makes it again"))
    }

    /// The tag of the value at the offset (nil at the end).
    public var tag: UInt8? { offset < bytes.count ? bytes[offset] : nil }

    public mutating func byte() throws -> UInt8 {
        guard offset < bytes.count else { throw Self.corrupt("cut short") }
        defer { offset += 1 }
        return bytes[offset]
    }

    public mutating func varint() throws -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let next = try byte()
            value |= UInt64(next & 0x7F) << shift
            if next < 0x80 { return value }
            shift += 7
            guard shift < 64 else { throw Self.corrupt("an integer too long") }
        }
    }

    /// The range of a length-prefixed string's UTF-8 bytes; moves past it.
    public mutating func textRange() throws -> Range<Int> {
        guard let count = Int(exactly: try varint()), count <= bytes.count - offset else { throw Self.corrupt("cut short") }
        defer { offset += count }
        return offset..<(offset + count)
    }

    /// Moves past the value at the offset; returns where it ends.
    @discardableResult
    public mutating func skipValue() throws -> Int {
        switch try byte() {
        case 0, 1, 2: break
        case 3: _ = try varint()
        case 4:
            guard bytes.count - offset >= 8 else { throw Self.corrupt("cut short") }
            offset += 8
        case 5: _ = try textRange()
        case 6:
            for _ in 0..<(try varint()) { try skipValue() }
        case 7:
            for _ in 0..<(try varint()) {
                _ = try textRange()
                try skipValue()
            }
        case let tag: throw Self.corrupt("unknown tag \(tag)")
        }
        return offset
    }

    /// Moves past the next `count` values.
    public mutating func skip(_ count: Int) throws {
        for _ in 0..<count { try skipValue() }
    }

    // Typed reads: each expects its tag and moves past the value.

    private mutating func expect(_ expected: UInt8, _ what: String) throws {
        guard try byte() == expected else { throw Self.corrupt("expected \(what)") }
    }

    /// A list's count; its items follow.
    public mutating func list() throws -> Int {
        try expect(6, "a list")
        // Each item takes a byte at least: a count past the bytes left is damage.
        guard let count = Int(exactly: try varint()), count <= bytes.count - offset else { throw Self.corrupt("cut short") }
        return count
    }

    public mutating func int() throws -> Int64 {
        try expect(3, "an integer")
        let zigzag = try varint()
        return Int64(bitPattern: zigzag >> 1) ^ -Int64(bitPattern: zigzag & 1)
    }

    public mutating func double() throws -> Double {
        if tag == 3 { return Double(try int()) }
        try expect(4, "a number")
        guard bytes.count - offset >= 8 else { throw Self.corrupt("cut short") }
        var pattern: UInt64 = 0
        for index in 0..<8 { pattern |= UInt64(bytes[offset + index]) << (8 * UInt64(index)) }
        offset += 8
        return Double(bitPattern: pattern)
    }

    public mutating func string() throws -> String {
        try expect(5, "a string")
        return String(decoding: bytes[try textRange()], as: UTF8.self)
    }

    public mutating func bool() throws -> Bool {
        switch try byte() {
        case 1: return false
        case 2: return true
        default: throw Self.corrupt("expected true or false")
        }
    }

    public mutating func time() throws -> Timestamp { Timestamp(microseconds: try int()) }

    /// A list whose items `item` reads.
    public mutating func list<Item>(of item: (inout RowReader) throws -> Item) throws -> [Item] {
        let count = try list()
        var items: [Item] = []
        items.reserveCapacity(count)
        for _ in 0..<count { items.append(try item(&self)) }
        return items
    }

    /// A list of strings.
    public mutating func strings() throws -> [String] { try list { try $0.string() } }

    /// A list of integers.
    public mutating func ints() throws -> [Int64] { try list { try $0.int() } }

    /// A keyed value (as a `Codable` type's keyed container writes it):
    /// `entry` is given each key, with the reader at the key's value, and
    /// reads the value or skips it (``skipValue()``).
    public mutating func keyed(_ entry: (String, inout RowReader) throws -> Void) throws {
        try expect(7, "a keyed value")
        // Each entry takes two bytes at least: a count past the bytes left is damage.
        guard let count = Int(exactly: try varint()), count <= bytes.count - offset else { throw Self.corrupt("cut short") }
        for _ in 0..<count {
            let key = String(decoding: bytes[try textRange()], as: UTF8.self)
            var value = self
            try entry(key, &value)
            guard value.offset > offset else { throw Self.corrupt("the value of \(key) was left unread") }
            offset = value.offset
        }
    }

    /// The error for a keyed value without a field its type needs.
    public static func missing(_ field: String) -> DecodingError { corrupt("no \(field)") }

    /// nil for a null (moving past it), else the value `read` reads.
    public mutating func optional<T>(_ read: (inout RowReader) throws -> T) throws -> T? {
        if tag == 0 {
            offset += 1
            return nil
        }
        return try read(&self)
    }
}

/// A type read straight from a view row's bytes (``RowReader``), not
/// through `Codable`: what a pass over every row of a view reads of each
/// (a few fields, the rest skipped), or a row whose most-read cases are
/// read by hand. A test holds what it reads equal to the same fields of
/// the row decoded whole.
public protocol RowReadable {
    /// Reads the value; or nil, the reader left where it was, for a value
    /// left to its `Codable` form (a row's case read too seldom to be worth
    /// reading by hand).
    init?(reading reader: inout RowReader) throws
}
