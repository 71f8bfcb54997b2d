/// A JSON value as Parley stores it: the payloads (`data`, `meta`) of
/// events.
///
/// Parley keeps its own small JSON model because the hash chain needs one
/// stable, documented byte form of every payload (``canonicalText``), and
/// because validation errors must name the field and the position; neither
/// is promised by Foundation's `JSONSerialization` (which on Linux also
/// cannot tell `true` from `1`).
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    /// A number without fraction or exponent that fits in 64 bits.
    case integer(Int64)
    /// Any other number.
    case double(Double)
    case string(String)
    case array([JSONValue])
    /// Keys in canonical order (ascending by UTF-8 bytes), no duplicates.
    case object([(key: String, value: JSONValue)])

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case let (.bool(a), .bool(b)): a == b
        case let (.integer(a), .integer(b)): a == b
        case let (.double(a), .double(b)): a == b
        case let (.string(a), .string(b)): a == b
        case let (.array(a), .array(b)): a == b
        case let (.object(a), .object(b)):
            a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: false
        }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(canonicalText)
    }

    /// Makes an object, putting the keys in canonical order.
    public static func object(_ members: [String: JSONValue]) -> JSONValue {
        .object(members.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }.map { ($0.key, $0.value) })
    }

    /// The member named `key` of an object, or nil.
    public subscript(key: String) -> JSONValue? {
        guard case let .object(members) = self else { return nil }
        // Compared in place: a member copied out to be compared would be
        // retained, and a payload is read by several threads at once.
        for index in members.indices where members[index].key == key { return members[index].value }
        return nil
    }

    /// The string, if this is a string.
    public var stringValue: String? {
        if case let .string(s) = self { return s }
        return nil
    }

    /// The integer, if this is an integer (or a double with no fraction).
    public var integerValue: Int64? {
        switch self {
        case let .integer(i): return i
        case let .double(d) where d.rounded() == d && abs(d) < 9.0e15: return Int64(d)
        default: return nil
        }
    }

    /// A word for the kind of value, for error messages ("expected a string, got a number").
    public var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .integer, .double: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

// MARK: - Canonical text

extension JSONValue {
    /// The canonical JSON text of this value: the form Parley stores and
    /// hashes. Stable across versions; changing it breaks every hash chain.
    ///
    /// - No whitespace outside strings.
    /// - Object keys in ascending order of their UTF-8 bytes (parsing
    ///   refuses duplicate keys).
    /// - Strings: UTF-8; `"` and `\` escaped with a backslash; U+0008,
    ///   U+0009, U+000A, U+000C, U+000D as `\b \t \n \f \r`; other code
    ///   points below U+0020 as `\u00XX` (lowercase hex); everything else,
    ///   `/` and non-ASCII included, written as is.
    /// - Integers (no fraction, no exponent, within Int64) in decimal;
    ///   other numbers as Swift's shortest round-tripping `Double`
    ///   description (`72.5`, `1e+21`, `0.1`).
    /// - `true`, `false`, `null`.
    public var canonicalText: String {
        var out: [UInt8] = []
        out.reserveCapacity(128)
        writeCanonical(into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the canonical bytes of this value to `out`.
    public func writeCanonical(into out: inout [UInt8]) {
        switch self {
        case .null: out.appendStatic("null")
        case let .bool(b): b ? out.appendStatic("true") : out.appendStatic("false")
        case let .integer(i): out.appendDecimal(i)
        case let .double(d): out.appendUTF8(d.description)
        case let .string(s): JSONValue.writeCanonical(string: s, into: &out)
        case let .array(items):
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                item.writeCanonical(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case let .object(members):
            out.append(UInt8(ascii: "{"))
            for (index, member) in members.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                JSONValue.writeCanonical(string: member.key, into: &out)
                out.append(UInt8(ascii: ":"))
                member.value.writeCanonical(into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// Appends `string` as a canonical JSON string literal.
    public static func writeCanonical(string: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        // Most strings need no escape: copy them whole.
        var text = string
        let copied = text.withUTF8 { utf8 -> Bool in
            for byte in utf8 where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                return false
            }
            out.append(contentsOf: utf8)
            return true
        }
        if copied {
            out.append(UInt8(ascii: "\""))
            return
        }
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): out.append(contentsOf: [0x5C, 0x5C])
            case 0x08: out.append(contentsOf: [0x5C, UInt8(ascii: "b")])
            case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0C: out.append(contentsOf: [0x5C, UInt8(ascii: "f")])
            case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x00..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: [0x5C, UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                        hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

// MARK: - Pretty text

extension JSONValue {
    /// Indented JSON for people (`parley show`): two spaces a level, keys
    /// in canonical order, strings escaped as in ``canonicalText``.
    public func prettyText(indent: String = "") -> String {
        switch self {
        case let .array(items) where !items.isEmpty:
            let inner = indent + "  "
            return "[\n" + items.map { inner + $0.prettyText(indent: inner) }.joined(separator: ",\n") + "\n" + indent + "]"
        case let .object(members) where !members.isEmpty:
            let inner = indent + "  "
            return "{\n" + members.map { inner + JSONValue.string($0.key).canonicalText + ": " + $0.value.prettyText(indent: inner) }
                .joined(separator: ",\n") + "\n" + indent + "}"
        default:
            return canonicalText
        }
    }
}

// Shown as its JSON text wherever it lands in a message or a page (an
// amount reads `27400`, not `integer(27400)`).
extension JSONValue: CustomStringConvertible {
    public var description: String { canonicalText }
}
