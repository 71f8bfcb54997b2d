/// An event's payload as a fold reads it: a JSON object whose members are
/// looked up by name.
///
/// A catch-up reads a million payloads and a fold asks each for a few
/// members. So a payload read from the log is kept as its JSON text, in one
/// allocation with the place of each top-level member, found once; a
/// member's value is parsed only when asked for. A parsed tree would take an
/// allocation for every object, array and long string in it, to be freed
/// again. Text that is not plain (a key with an escape, a byte past ASCII,
/// keys out of canonical order) and payloads that need upcasting are held as
/// their parsed value instead: either way a fold sees what
/// ``RecordedEvent/payload`` gives.
public struct Payload: @unchecked Sendable {
    // Unchecked: a PayloadText is never changed once made (ManagedBuffer
    // cannot say Sendable itself).
    private enum Storage {
        case text(PayloadText)
        case value(JSONValue)
    }

    private let storage: Storage

    /// A payload already parsed.
    public init(_ value: JSONValue) {
        storage = .value(value)
    }

    /// The payload of a `type` event written with `schema`, from its stored
    /// text (UTF-8): as ``RecordedEvent/payload(utf8:type:schema:)`` reads
    /// it, upcast to the current schema, an empty object if it does not parse.
    public static func read(utf8: UnsafeRawBufferPointer, type: String, schema: Int) -> Payload {
        // Upcast only when written with an older schema than the type's current one.
        if EventCatalogue.schema(of: type).map({ $0 == schema }) ?? true, let text = PayloadText.make(utf8) {
            return Payload(storage: .text(text))
        }
        return Payload(RecordedEvent.payload(utf8: utf8, type: type, schema: schema))
    }

    private init(storage: Storage) {
        self.storage = storage
    }

    /// The member named `key`, or nil (also when the payload is not an object).
    public subscript(key: String) -> JSONValue? {
        switch storage {
        case let .value(value): value[key]
        case let .text(text): text.member(key)
        }
    }

    /// The whole payload, parsed.
    public var value: JSONValue {
        switch storage {
        case let .value(value): value
        case let .text(text): text.value
        }
    }
}

/// A payload's JSON text and, before it, where each top-level member's key
/// and value lie in it (four 32-bit offsets a member), in one allocation.
/// Made only from text known to be a syntactically valid object of plain,
/// distinct keys in ascending order (``make(_:)``), so that each value
/// parses on its own.
final class PayloadText: ManagedBuffer<PayloadText.Header, UInt8> {
    struct Header {
        var members: Int
        var textCount: Int
    }

    /// Bytes a member takes in the table: key start, key end, value start, value end.
    private static let entrySize = 16

    /// The text as a payload, or nil when it is not a plain object (see the type).
    static func make(_ text: UnsafeRawBufferPointer) -> PayloadText? {
        guard let members = Scanner.members(text.bindMemory(to: UInt8.self)) else { return nil }
        let tableSize = members.count * entrySize
        let made = unsafeDowncast(create(minimumCapacity: tableSize + text.count) { _ in
            Header(members: members.count, textCount: text.count)
        }, to: PayloadText.self)
        made.withUnsafeMutablePointerToElements { elements in
            let raw = UnsafeMutableRawPointer(elements)
            for (index, member) in members.enumerated() {
                let entry = index * entrySize
                raw.storeBytes(of: UInt32(member.keyStart), toByteOffset: entry, as: UInt32.self)
                raw.storeBytes(of: UInt32(member.keyEnd), toByteOffset: entry + 4, as: UInt32.self)
                raw.storeBytes(of: UInt32(member.valueStart), toByteOffset: entry + 8, as: UInt32.self)
                raw.storeBytes(of: UInt32(member.valueEnd), toByteOffset: entry + 12, as: UInt32.self)
            }
            if let base = text.baseAddress { (raw + tableSize).copyMemory(from: base, byteCount: text.count) }
        }
        return made
    }

    /// The value of the member named `key`, parsed; nil when there is none.
    func member(_ key: String) -> JSONValue? {
        var key = key
        return key.withUTF8 { key in
            withUnsafeMutablePointers { header, elements -> JSONValue? in
                let raw = UnsafeRawPointer(elements)
                let text = raw + header.pointee.members * Self.entrySize
                func offset(_ index: Int, _ field: Int) -> Int {
                    Int(raw.loadUnaligned(fromByteOffset: index * Self.entrySize + field * 4, as: UInt32.self))
                }
                for index in 0..<header.pointee.members {
                    let start = offset(index, 0), end = offset(index, 1)
                    guard end - start == key.count, UnsafeRawBufferPointer(start: text + start, count: key.count).elementsEqual(key) else { continue }
                    return try? JSONValue.parse(UnsafeRawBufferPointer(start: text + offset(index, 2), count: offset(index, 3) - offset(index, 2)))
                }
                return nil
            }
        }
    }

    /// The whole text, parsed.
    var value: JSONValue {
        withUnsafeMutablePointers { header, elements in
            let text = UnsafeRawPointer(elements) + header.pointee.members * Self.entrySize
            return (try? JSONValue.parse(UnsafeRawBufferPointer(start: text, count: header.pointee.textCount))) ?? .object([])
        }
    }

    /// Checks a payload's syntax without building values, and finds its
    /// top-level members.
    private struct Scanner {
        struct Member {
            var keyStart: Int
            var keyEnd: Int
            var valueStart: Int
            var valueEnd: Int
        }

        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        /// The members of `bytes`, an object of plain keys in ascending
        /// order and of valid values, ASCII throughout; nil otherwise.
        static func members(_ bytes: UnsafeBufferPointer<UInt8>) -> [Member]? {
            // Text past ASCII is left to the full parser, which checks its UTF-8.
            guard bytes.count < Int(UInt32.max), !bytes.contains(where: { $0 >= 0x80 }) else { return nil }
            var scanner = Scanner(bytes: bytes)
            return scanner.object()
        }

        private var current: UInt8? { index < bytes.count ? bytes[index] : nil }

        private mutating func skipWhitespace() {
            while let byte = current, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { index += 1 }
        }

        private mutating func expect(_ byte: UInt8) -> Bool {
            guard current == byte else { return false }
            index += 1
            return true
        }

        private mutating func object() -> [Member]? {
            var members: [Member] = []
            members.reserveCapacity(8)
            skipWhitespace()
            guard expect(UInt8(ascii: "{")) else { return nil }
            skipWhitespace()
            if !expect(UInt8(ascii: "}")) {
                while true {
                    skipWhitespace()
                    guard expect(UInt8(ascii: "\"")) else { return nil }
                    let keyStart = index
                    // A plain key: no escape, no control character.
                    while let byte = current, byte != UInt8(ascii: "\"") {
                        guard byte != UInt8(ascii: "\\"), byte >= 0x20 else { return nil }
                        index += 1
                    }
                    let keyEnd = index
                    guard expect(UInt8(ascii: "\"")) else { return nil }
                    // In ascending order, each once, as canonical text has them.
                    if let last = members.last {
                        let previous = UnsafeBufferPointer(rebasing: bytes[last.keyStart..<last.keyEnd])
                        let key = UnsafeBufferPointer(rebasing: bytes[keyStart..<keyEnd])
                        guard previous.lexicographicallyPrecedes(key) else { return nil }
                    }
                    skipWhitespace()
                    guard expect(UInt8(ascii: ":")) else { return nil }
                    skipWhitespace()
                    let valueStart = index
                    guard value(depth: 1) else { return nil }
                    members.append(Member(keyStart: keyStart, keyEnd: keyEnd, valueStart: valueStart, valueEnd: index))
                    skipWhitespace()
                    if expect(UInt8(ascii: ",")) { continue }
                    guard expect(UInt8(ascii: "}")) else { return nil }
                    break
                }
            }
            skipWhitespace()
            return index == bytes.count ? members : nil
        }

        /// Skips one valid value; false if there is none here.
        private mutating func value(depth: Int) -> Bool {
            guard depth <= JSONValue.maximumDepth, let byte = current else { return false }
            switch byte {
            case UInt8(ascii: "\""): return string()
            case UInt8(ascii: "{"): return container(depth: depth, close: UInt8(ascii: "}"), keyed: true)
            case UInt8(ascii: "["): return container(depth: depth, close: UInt8(ascii: "]"), keyed: false)
            case UInt8(ascii: "t"): return literal("true")
            case UInt8(ascii: "f"): return literal("false")
            case UInt8(ascii: "n"): return literal("null")
            default: return number()
            }
        }

        private mutating func container(depth: Int, close: UInt8, keyed: Bool) -> Bool {
            index += 1
            skipWhitespace()
            if expect(close) { return true }
            while true {
                skipWhitespace()
                if keyed {
                    guard current == UInt8(ascii: "\""), string() else { return false }
                    skipWhitespace()
                    guard expect(UInt8(ascii: ":")) else { return false }
                    skipWhitespace()
                }
                guard value(depth: depth + 1) else { return false }
                skipWhitespace()
                if expect(UInt8(ascii: ",")) { continue }
                return expect(close)
            }
        }

        private mutating func string() -> Bool {
            index += 1
            while let byte = current {
                index += 1
                switch byte {
                case UInt8(ascii: "\""): return true
                case UInt8(ascii: "\\"):
                    guard let escaped = current else { return false }
                    index += 1
                    switch escaped {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                         UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                        continue
                    case UInt8(ascii: "u"):
                        // Four hex digits; the full parser checks what they make when the value is read.
                        for _ in 0..<4 {
                            guard let digit = current, digit.isHexDigit else { return false }
                            index += 1
                        }
                    default: return false
                    }
                default:
                    guard byte >= 0x20 else { return false }
                }
            }
            return false
        }

        private mutating func literal(_ word: StaticString) -> Bool {
            guard bytes.count - index >= word.utf8CodeUnitCount else { return false }
            for offset in 0..<word.utf8CodeUnitCount where bytes[index + offset] != word.utf8Start[offset] { return false }
            index += word.utf8CodeUnitCount
            return true
        }

        /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
        private mutating func number() -> Bool {
            _ = expect(UInt8(ascii: "-"))
            guard let first = current, first.isDigit else { return false }
            index += 1
            if first != UInt8(ascii: "0") { skipDigits() }
            if expect(UInt8(ascii: ".")) {
                guard current?.isDigit == true else { return false }
                skipDigits()
            }
            if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
                index += 1
                if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
                guard current?.isDigit == true else { return false }
                skipDigits()
            }
            return true
        }

        private mutating func skipDigits() {
            while current?.isDigit == true { index += 1 }
        }
    }
}

private extension UInt8 {
    var isDigit: Bool { self >= UInt8(ascii: "0") && self <= UInt8(ascii: "9") }
    var isHexDigit: Bool {
        isDigit || (self >= UInt8(ascii: "a") && self <= UInt8(ascii: "f")) || (self >= UInt8(ascii: "A") && self <= UInt8(ascii: "F"))
    }
}
