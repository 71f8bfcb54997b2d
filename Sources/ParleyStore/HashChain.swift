import Crypto
import ParleyCore

/// The log's hash chain: every event's hash is
/// `SHA-256(previous hash ‖ canonical bytes of this event)`, where the
/// previous hash of position 1 is 32 zero bytes and the canonical bytes are
/// ``RecordedEvent/canonicalBytes``.
enum HashChain {
    /// The "previous hash" of the first event.
    static let genesis = [UInt8](repeating: 0, count: 32)

    static func hash(previous: [UInt8], event: RecordedEvent) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(data: previous)
        hasher.update(data: event.canonicalBytes)
        return Array(hasher.finalize())
    }
}
