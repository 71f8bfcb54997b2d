/// An event as a writer proposes it, validated at the envelope level and
/// ready to append: the part of the envelope a client writes (DESIGN.md,
/// "The event envelope").
///
/// Making one validates it; an instance is always well formed: a known
/// type, a stream `kind/id` of a known kind, an actor, an object payload
/// no larger than ``maximumPayloadBytes``.
public struct ProposedEvent: Sendable, Equatable {
    /// The largest `data` plus `meta`, in bytes of canonical JSON: 64 KiB.
    public static let maximumPayloadBytes = 65_536

    /// Given by the writer for idempotent retries; made by the store (UUIDv7) when nil.
    public var id: EventID?
    public var stream: String
    public var type: String
    public var actor: String
    /// When it happened; the store uses the time of recording when nil.
    public var occurredAt: Timestamp?
    /// The stream version the writer saw (0: the stream must not exist yet).
    public var expectedVersion: Int64?
    /// The payload, validated against its type and in normal form.
    public private(set) var payload: JSONValue
    /// Canonical JSON text of the payload, an object.
    public private(set) var data: String
    /// Canonical JSON text of the free-form metadata object, if any.
    public let meta: String?
    /// Where the event starts in its input, for messages.
    public var line: Int?
    /// When the log first learned of it, as an export says; kept only by
    /// imports (`parley record` records now).
    public var recordedAt: Timestamp?

    /// Makes and validates an event.
    ///
    /// - Throws: ``InvalidEvent`` naming the field at fault.
    public init(
        id: EventID? = nil, stream: String, type: String, actor: String,
        occurredAt: Timestamp? = nil, data: JSONValue, meta: JSONValue? = nil,
        expectedVersion: Int64? = nil, line: Int? = nil
    ) throws(InvalidEvent) {
        func invalid(_ field: String?, _ reason: String) -> InvalidEvent {
            InvalidEvent(line: line, field: field, reason: reason)
        }
        try Self.validate(stream: stream, line: line)
        guard EventCatalogue.schema(of: type) != nil else {
            throw invalid("type", "unknown event type \(Self.quoted(type)); known types: \(EventCatalogue.typeNames.joined(separator: ", "))")
        }
        guard Self.isToken(actor, maxBytes: 200) else {
            throw invalid("actor", "must be a member handle such as \"mia@marketing\": 1 to 200 characters, no spaces (got \(Self.quoted(actor)))")
        }
        guard case .object = data else { throw invalid("data", "must be a JSON object, got \(data.kindName)") }
        let spec = EventCatalogue.spec(type)!
        let payload: JSONValue
        do {
            payload = try spec.validate(data: data)
            try spec.validate(stream: stream, data: payload)
        } catch {
            var error = error
            error.line = line
            throw error
        }
        if let meta, case .object = meta {} else if let meta {
            throw invalid("meta", "must be a JSON object, got \(meta.kindName)")
        }
        if let expectedVersion, expectedVersion < 0 {
            throw invalid("expected_version", "must be 0 or more (0: the stream must not exist yet), got \(expectedVersion)")
        }
        let dataText = payload.canonicalText
        let metaText = meta?.canonicalText
        let size = dataText.utf8.count + (metaText?.utf8.count ?? 0)
        guard size <= Self.maximumPayloadBytes else {
            throw invalid("data", "payload is \(size) bytes; data and meta together may hold at most \(Self.maximumPayloadBytes) bytes (64 KiB)")
        }
        self.id = id
        self.stream = stream
        self.type = type
        self.actor = actor
        self.occurredAt = occurredAt
        self.expectedVersion = expectedVersion
        self.payload = payload
        self.data = dataText
        self.meta = metaText
        self.line = line
    }

    /// Fields a writer gives.
    public static let clientFields: Set<String> = ["id", "stream", "type", "actor", "occurred_at", "data", "meta", "expected_version"]

    /// Fields the store adds; accepted on input (so exported events read
    /// back) and ignored.
    public static let storeFields: Set<String> = ["position", "version", "recorded_at", "schema", "hash"]

    /// Reads an event from a parsed JSON envelope.
    ///
    /// - Throws: ``InvalidEvent`` naming the line and field at fault.
    public init(envelope: JSONValue, line: Int? = nil) throws(InvalidEvent) {
        func invalid(_ field: String?, _ reason: String) -> InvalidEvent {
            InvalidEvent(line: line, field: field, reason: reason)
        }
        guard case let .object(members) = envelope else {
            throw invalid(nil, "an event must be a JSON object, got \(envelope.kindName)")
        }
        for member in members where !Self.clientFields.contains(member.key) && !Self.storeFields.contains(member.key) {
            throw invalid(member.key, "unknown field; an event has \(Self.clientFields.sorted().joined(separator: ", "))")
        }
        func string(_ field: String, required: Bool) throws(InvalidEvent) -> String? {
            guard let value = envelope[field], value != .null else {
                if required { throw invalid(field, "is required") }
                return nil
            }
            guard let text = value.stringValue else { throw invalid(field, "must be a string, got \(value.kindName)") }
            return text
        }
        var id: EventID?
        if let text = try string("id", required: false) {
            guard let parsed = EventID(text) else {
                throw invalid("id", "must be a UUID such as \"0190f1c2-7e4b-7c3a-9d2e-5b8f0a1c2d3e\" (got \(Self.quoted(text)))")
            }
            id = parsed
        }
        let stream = try string("stream", required: true)!
        let type = try string("type", required: true)!
        let actor = try string("actor", required: true)!
        var occurredAt: Timestamp?
        if let text = try string("occurred_at", required: false) {
            guard let time = Timestamp(rfc3339: text) else {
                throw invalid("occurred_at", "not an RFC 3339 time with a zone, such as \"2026-01-05T09:30:00Z\" (got \(Self.quoted(text)))")
            }
            occurredAt = time
        }
        guard var data = envelope["data"], data != .null else { throw invalid("data", "is required (a JSON object)") }
        // An event exported by an older Parley carries its payload's schema: bring it up to date.
        if let schema = envelope["schema"], schema != .null {
            guard let number = schema.integerValue, let known = Int(exactly: number) else {
                throw invalid("schema", "must be a whole number, got \(schema.kindName)")
            }
            if EventCatalogue.schema(of: type) != nil {
                do {
                    data = try Upcasters.upcast(type: type, schema: known, data: data)
                } catch {
                    var error = error
                    error.line = line
                    throw error
                }
            }
        }
        let meta = envelope["meta"].flatMap { $0 == .null ? nil : $0 }
        var expectedVersion: Int64?
        if let value = envelope["expected_version"], value != .null {
            guard case let .integer(version) = value else {
                throw invalid("expected_version", "must be a whole number, got \(value.kindName)")
            }
            expectedVersion = version
        }
        try self.init(id: id, stream: stream, type: type, actor: actor, occurredAt: occurredAt,
                      data: data, meta: meta, expectedVersion: expectedVersion, line: line)
        if let text = try string("recorded_at", required: false) {
            guard let time = Timestamp(rfc3339: text) else {
                throw invalid("recorded_at", "not an RFC 3339 time with a zone (got \(Self.quoted(text)))")
            }
            recordedAt = time
        }
    }

    /// Checks the form `kind/id` with a known kind.
    public static func validate(stream: String, line: Int? = nil) throws(InvalidEvent) {
        let utf8 = stream.utf8
        guard let slash = utf8.firstIndex(of: UInt8(ascii: "/")),
              let id = String(utf8[utf8.index(after: slash)...]), !id.utf8.contains(UInt8(ascii: "/")),
              isToken(id, maxBytes: 128)
        else {
            throw InvalidEvent(line: line, field: "stream", reason: "must have the form kind/id, such as \"lead/L-1042\" (got \(quoted(stream)))")
        }
        let kind = String(utf8[..<slash])!
        guard EventCatalogue.streamKinds.contains(kind) else {
            throw InvalidEvent(line: line, field: "stream", reason: "unknown stream kind \(quoted(kind)); known kinds: \(EventCatalogue.streamKinds.joined(separator: ", "))")
        }
    }

    /// True when `text` is 1...maxBytes bytes with no white space or control characters.
    static func isToken(_ text: String, maxBytes: Int) -> Bool {
        let count = text.utf8.count
        guard count > 0, count <= maxBytes else { return false }
        // ASCII fast path: printable, no space.
        if text.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) { return true }
        return text.unicodeScalars.allSatisfy { !$0.properties.isWhitespace && $0.value >= 0x20 && $0.value != 0x7F }
    }

    static func quoted(_ text: String) -> String {
        let shown = text.count > 60 ? String(text.prefix(57)) + "..." : text
        return JSONValue.string(shown).canonicalText
    }

    /// This event with `value` set as payload member `key` (kept in
    /// canonical order). For defaults the store fills in: a member the
    /// catalogue declares, of its declared type, keeps a valid payload valid.
    public func setting(_ key: String, to value: JSONValue) -> ProposedEvent {
        guard case var .object(members) = payload else { return self }
        members.removeAll { $0.key == key }
        let index = members.firstIndex { !$0.key.utf8.lexicographicallyPrecedes(key.utf8) } ?? members.endIndex
        members.insert((key, value), at: index)
        var copy = self
        copy.payload = .object(members)
        copy.data = copy.payload.canonicalText
        return copy
    }

    /// True when `stored` records the same event as this proposal: same
    /// stream, type, actor, payload and metadata, and the same occurred_at
    /// when this proposal gives one. Used for idempotent retries.
    public func isSameContent(as stored: RecordedEvent) -> Bool {
        stream == stored.stream && type == stored.type && actor == stored.actor
            && data == stored.data && meta == stored.meta
            && (occurredAt == nil || occurredAt == stored.occurredAt)
    }
}
