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
        guard text.utf8.count == 36, let uuid = UUID(uuidString: text) else { return nil }
        self.uuid = uuid
    }

    /// Makes an id from its 16 bytes; nil if there are not exactly 16.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 16 else { return nil }
        let b = Array(bytes)
        uuid = UUID(uuid: (b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7],
                           b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]))
    }

    /// The 16 bytes, in network order.
    public var bytes: [UInt8] {
        withUnsafeBytes(of: uuid.uuid) { Array($0) }
    }

    /// Lowercase, hyphenated.
    public var description: String { uuid.uuidString.lowercased() }

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
