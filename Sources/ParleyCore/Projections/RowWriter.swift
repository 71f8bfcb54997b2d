/// Writes a view row in the binary form the store keeps rows in. The store's
/// `RowCoder` writes every row through it: the form is defined here, once.
///
/// A value is one tag byte followed by its content: `0` null, `1` false,
/// `2` true, `3` integer (zig-zag varint), `4` double (8 bytes,
/// little-endian IEEE 754), `5` string (varint length, UTF-8), `6` list
/// (varint count, then the values), `7` keyed (varint count, then a key,
/// written as a string without its tag, and a value for each entry).
public struct RowWriter {
    public private(set) var bytes: [UInt8] = []

    public init() {
        bytes.reserveCapacity(128)
    }

    public mutating func null() { bytes.append(0) }

    public mutating func bool(_ value: Bool) { bytes.append(value ? 2 : 1) }

    public mutating func int(_ value: Int64) {
        bytes.append(3)
        varint(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    public mutating func double(_ value: Double) {
        bytes.append(4)
        withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
    }

    public mutating func string(_ value: String) {
        bytes.append(5)
        text(value)
    }

    /// A time, as its microseconds.
    public mutating func time(_ value: Timestamp) { int(value.microseconds) }

    /// A list of `count` items: the next `count` values written are its items.
    public mutating func list(count: Int) {
        bytes.append(6)
        varint(UInt64(count))
    }

    /// A keyed container of `count` entries: the next `count` pairs of
    /// ``key(_:)`` and a value are its entries.
    public mutating func keyed(count: Int) {
        bytes.append(7)
        varint(UInt64(count))
    }

    public mutating func key(_ key: String) { text(key) }

    /// `value` written by `write`, or null when absent (as an optional in a
    /// positional row: every field keeps its place).
    public mutating func optional<T>(_ value: T?, _ write: (inout RowWriter, T) -> Void) {
        if let value { write(&self, value) } else { null() }
    }

    /// A list of strings.
    public mutating func strings(_ values: some Collection<String>) {
        list(count: values.count)
        for value in values { string(value) }
    }

    /// A list of integers.
    public mutating func ints(_ values: some Collection<Int64>) {
        list(count: values.count)
        for value in values { int(value) }
    }

    private mutating func varint(_ value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    private mutating func text(_ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            varint(UInt64(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }
}

/// A row that writes itself (``RowWriter``) in the same bytes as its
/// `Codable` form, without an encoder and a container for every field: the
/// rows views write by the hundred thousand. A test holds the two forms
/// equal for every case.
public protocol RowWritable {
    /// Writes the row; false when this case has no direct form (nothing
    /// usable is written then, and the row is coded through `Codable`).
    func write(to writer: inout RowWriter) -> Bool
}
