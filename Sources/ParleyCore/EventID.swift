public import Foundation

/// An event's identity: a UUID, stored as its 16 bytes.
///
/// Ids Parley makes are UUIDv7 (RFC 9562): the first 48 bits are the Unix
/// time in milliseconds, so new ids land at the end of the unique index
/// instead of all over it. At a million events, random (v4) ids in a
/// unique index slow appends several-fold.
public struct EventID: Sendable, Hashable, CustomStringConvertible {
    public let uuid: UUID

    public init(_ uuid: UUID) {
        self.uuid = uuid
    }

    /// Parses the usual 36-character form, any case.
    public init?(_ text: String) {
        // Parsed by hand: Foundation's UUID(uuidString:) goes through sscanf,
        // which showed at the top of the append profile.
        let utf8 = Array(text.utf8)
        guard utf8.count == 36 else { return nil }
        var bytes = [UInt8](repeating: 0, count: 16)
        var index = 0
        for (offset, char) in utf8.enumerated() {
            if offset == 8 || offset == 13 || offset == 18 || offset == 23 {
                guard char == UInt8(ascii: "-") else { return nil }
                continue
            }
            let nibble: UInt8
            switch char {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = char - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = char - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): nibble = char - UInt8(ascii: "A") + 10
            default: return nil
            }
            bytes[index / 2] = bytes[index / 2] << 4 | nibble
            index += 1
        }
        self.init(bytes: bytes)
    }

    /// Makes an id from its 16 bytes; nil if there are not exactly 16.
    @inlinable
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 16 else { return nil }
        // Read in place when the bytes are contiguous (an array, a column
        // SQLite hands out): reading the log makes no array per event.
        func make(_ b: UnsafeBufferPointer<UInt8>) -> UUID {
            UUID(uuid: (b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]))
        }
        uuid = bytes.withContiguousStorageIfAvailable(make) ?? Array(bytes).withUnsafeBufferPointer(make)
    }

    /// The 16 bytes, in network order.
    public var bytes: [UInt8] {
        withUnsafeBytes(of: uuid.uuid) { Array($0) }
    }

    /// Lowercase, hyphenated.
    public var description: String {
        var out: [UInt8] = []
        writeText(into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends ``description`` to `out`.
    public func writeText(into out: inout [UInt8]) {
        let hex: StaticString = "0123456789abcdef"
        withUnsafeBytes(of: uuid.uuid) { bytes in
            for (index, byte) in bytes.enumerated() {
                if index == 4 || index == 6 || index == 8 || index == 10 { out.append(UInt8(ascii: "-")) }
                out.append(hex.utf8Start[Int(byte >> 4)])
                out.append(hex.utf8Start[Int(byte & 0xF)])
            }
        }
    }

    /// A new time-ordered UUIDv7 for `time`.
    public static func v7(at time: Timestamp = .now()) -> EventID {
        var generator = SystemRandomNumberGenerator()
        return v7(at: time, using: &generator)
    }

    /// A UUIDv7 for `time` whose random bits come from `generator`
    /// (deterministic with a seeded generator, for demo data and tests).
    public static func v7(at time: Timestamp, using generator: inout some RandomNumberGenerator) -> EventID {
        let millis = UInt64(max(0, time.microseconds / 1000)) & 0xFFFF_FFFF_FFFF
        let random: UInt64 = generator.next()
        let random2: UInt64 = generator.next()
        var b = [UInt8](repeating: 0, count: 16)
        for k in 0..<6 { b[k] = UInt8(truncatingIfNeeded: millis >> (8 * (5 - k))) }
        b[6] = 0x70 | UInt8(truncatingIfNeeded: random & 0x0F)
        b[7] = UInt8(truncatingIfNeeded: random >> 8)
        b[8] = 0x80 | UInt8(truncatingIfNeeded: (random >> 16) & 0x3F)
        for k in 9..<16 { b[k] = UInt8(truncatingIfNeeded: random2 >> (8 * (k - 9))) }
        return EventID(bytes: b)!
    }
}
