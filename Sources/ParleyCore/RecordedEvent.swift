/// An event as the log holds it: the writer's envelope plus what the store
/// added (position, version, recorded_at, schema, hash).
public struct RecordedEvent: Sendable, Equatable {
    /// Global order, 1, 2, 3, … never reused.
    public var position: Int64
    public var id: EventID
    public var stream: String
    /// 1-based within the stream.
    public var version: Int64
    public var type: String
    public var actor: String
    public var occurredAt: Timestamp
    public var recordedAt: Timestamp
    /// Payload schema number of the type when it was written.
    public var schema: Int
    /// Canonical JSON text of the payload.
    public var data: String
    /// Canonical JSON text of the metadata, if any.
    public var meta: String?
    /// SHA-256 of the previous event's hash and this event's canonical bytes.
    public var hash: [UInt8]

    public init(position: Int64, id: EventID, stream: String, version: Int64, type: String, actor: String,
                occurredAt: Timestamp, recordedAt: Timestamp, schema: Int, data: String, meta: String?, hash: [UInt8]) {
        self.position = position
        self.id = id
        self.stream = stream
        self.version = version
        self.type = type
        self.actor = actor
        self.occurredAt = occurredAt
        self.recordedAt = recordedAt
        self.schema = schema
        self.data = data
        self.meta = meta
        self.hash = hash
    }

    /// The canonical bytes of this event, which its hash covers: one line
    /// of JSON with the keys in this fixed order and no white space,
    ///
    /// `{"position":P,"id":"<uuid>","stream":S,"version":V,"type":T,"actor":A,`
    /// `"occurred_at":"<RFC 3339 UTC>","recorded_at":"<RFC 3339 UTC>","schema":N,`
    /// `"data":<canonical JSON>[,"meta":<canonical JSON>]}`
    ///
    /// Strings are written as in ``JSONValue/canonicalText``; the uuid in
    /// lowercase; times as ``Timestamp/rfc3339``; `meta` only when present.
    /// This form is part of the log's format: changing it breaks every
    /// hash chain already written.
    public var canonicalBytes: [UInt8] {
        var out: [UInt8] = []
        writeCanonicalBytes(into: &out)
        return out
    }

    /// Appends ``canonicalBytes`` to `out` (a buffer reused across events
    /// on the append path).
    public func writeCanonicalBytes(into out: inout [UInt8]) {
        writeEnvelope(into: &out)
        out.append(UInt8(ascii: "}"))
    }

    /// The event as one line of JSON (no newline): the canonical bytes
    /// with `"hash":"<hex>"` added. This is the form of `log --json`,
    /// `show --json` and `record --json`.
    public var jsonLine: String {
        var out: [UInt8] = []
        writeJSONLine(into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends ``jsonLine`` to `out` without making a String.
    public func writeJSONLine(into out: inout [UInt8]) {
        writeEnvelope(into: &out)
        out.appendStatic(#","hash":""#)
        Self.writeHex(hash, into: &out)
        out.appendStatic("\"}")
    }

    private func writeEnvelope(into out: inout [UInt8]) {
        out.appendStatic(#"{"position":"#)
        out.appendDecimal(position)
        out.appendStatic(#","id":""#)
        id.writeText(into: &out)
        out.appendStatic(#"","stream":"#)
        JSONValue.writeCanonical(string: stream, into: &out)
        out.appendStatic(#","version":"#)
        out.appendDecimal(version)
        out.appendStatic(#","type":"#)
        JSONValue.writeCanonical(string: type, into: &out)
        out.appendStatic(#","actor":"#)
        JSONValue.writeCanonical(string: actor, into: &out)
        out.appendStatic(#","occurred_at":""#)
        occurredAt.writeRFC3339(into: &out)
        out.appendStatic(#"","recorded_at":""#)
        recordedAt.writeRFC3339(into: &out)
        out.appendStatic(#"","schema":"#)
        out.appendDecimal(Int64(schema))
        out.appendStatic(#","data":"#)
        out.appendUTF8(data)
        if let meta {
            out.appendStatic(#","meta":"#)
            out.appendUTF8(meta)
        }
    }

    /// The hash in lowercase hex.
    public var hashHex: String { Self.hex(hash) }

    public static func hex(_ bytes: [UInt8]) -> String {
        var out = [UInt8]()
        writeHex(bytes, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    static func writeHex(_ bytes: [UInt8], into out: inout [UInt8]) {
        let digits: StaticString = "0123456789abcdef"
        for byte in bytes {
            out.append(digits.utf8Start[Int(byte >> 4)])
            out.append(digits.utf8Start[Int(byte & 0xF)])
        }
    }
}

extension [UInt8] {
    /// Appends a literal's bytes with one copy.
    mutating func appendStatic(_ text: StaticString) {
        append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Appends an integer in decimal.
    mutating func appendDecimal(_ value: Int64) {
        if value < 0 {
            append(UInt8(ascii: "-"))
            if value == .min { appendUTF8(String(value).dropFirst().description); return }
        }
        var magnitude = value.magnitude
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var count = 0
            repeat {
                digits[19 - count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0
            append(contentsOf: UnsafeBufferPointer(rebasing: digits[(20 - count)...]))
        }
    }

    /// Appends a string's UTF-8 bytes with one copy.
    mutating func appendUTF8(_ string: String) {
        var text = string
        text.withUTF8 { append(contentsOf: $0) }
    }
}
