import Crypto
public import ParleyCore


/// The log's hash chain: every event's hash is
/// `SHA-256(previous hash ‖ canonical bytes of this event)`, where the
/// previous hash of position 1 is 32 zero bytes and the canonical bytes are
/// ``RecordedEvent/canonicalBytes``.
enum HashChain {
    /// The "previous hash" of the first event.
    static let genesis = [UInt8](repeating: 0, count: 32)

    static func hash(previous: [UInt8], event: RecordedEvent) -> [UInt8] {
        var scratch: [UInt8] = []
        return hash(previous: previous, event: event, scratch: &scratch)
    }

    /// The same, building the canonical bytes in `scratch`, whose capacity
    /// is kept from one event to the next.
    static func hash(previous: [UInt8], event: RecordedEvent, scratch: inout [UInt8]) -> [UInt8] {
        scratch.removeAll(keepingCapacity: true)
        event.writeCanonicalBytes(into: &scratch)
        var hasher = SHA256()
        hasher.update(data: previous)
        hasher.update(data: scratch)
        return Array(hasher.finalize())
    }
}

extension EventID {
    /// A stable id made from `text` (the first 16 bytes of its SHA-256, as
    /// a version-8 UUID): the same text always gives the same id, so the
    /// same row of the same file imported twice is recognised.
    public static func derived(from text: String) -> EventID {
        var bytes = Array(SHA256.hash(data: Array(text.utf8)).prefix(16))
        bytes[6] = 0x80 | (bytes[6] & 0x0F)
        bytes[8] = 0x80 | (bytes[8] & 0x3F)
        return EventID(bytes: bytes)!
    }
}
