/// One event type of the catalogue: its name, where its events live, and
/// the fields of its payload.
public struct EventTypeSpec: Sendable {
    /// `lead.sent`, `tension.flagged`, …
    public let name: String
    /// The stream kind its events go to (`lead` for `lead/L-1042`); nil
    /// when any stream will do (`event.retracted` goes to its target's).
    public let streamKind: String?
    /// The one stream id of single-stream kinds (`mql` of `criteria/mql`).
    public let streamID: String?
    /// The payload field that names the stream's id (`lead` for lead events).
    public let idField: String?
    /// The payload schema number written today.
    public let schema: Int
    /// What the event records, in a few words.
    public let summary: String
    public let fields: [PayloadField]

    init(_ name: String, stream: String?, streamID: String? = nil, idField: PayloadKey<String>? = nil, schema: Int = 1,
         _ summary: String, _ fields: [any PayloadFieldDeclaring]) {
        self.name = name
        self.streamKind = stream
        self.streamID = streamID
        self.idField = idField?.name
        self.schema = schema
        self.summary = summary
        self.fields = fields.map(\.field)
    }

    /// The stream an event of this type with `data` belongs in, when the
    /// payload says (`lead/L-1042`), or nil.
    public func stream(for data: JSONValue) -> String? {
        guard let streamKind else { return nil }
        if let streamID { return "\(streamKind)/\(streamID)" }
        if let idField, let id = data[idField]?.stringValue { return "\(streamKind)/\(id)" }
        return nil
    }

    /// Checks a payload: every field of its kind, required ones present, no
    /// unknown ones. Returns it in normal form.
    ///
    /// - Throws: ``InvalidEvent`` naming the field (`data.rating`) and what is allowed.
    public func validate(data: JSONValue) throws(InvalidEvent) -> JSONValue {
        do {
            return try PayloadField.validate(object: data, fields: fields, path: "data")
        } catch {
            var error = error
            error.reason += " (\(name))"
            throw error
        }
    }

    /// Checks that `stream` is where this type's events go and agrees with
    /// the payload (`lead.sent` of lead L-7 goes to `lead/L-7`).
    public func validate(stream: String, data: JSONValue) throws(InvalidEvent) {
        guard let streamKind else { return }
        let kind = stream.split(separator: "/", maxSplits: 1).first.map(String.init) ?? ""
        guard kind == streamKind else {
            throw InvalidEvent(field: "stream", reason: "\(name) events go to \(streamKind)/… streams, not \(ProposedEvent.quoted(stream))")
        }
        if let expected = self.stream(for: data), expected != stream {
            let source = idField.map { "data.\($0)" } ?? "the catalogue"
            throw InvalidEvent(field: "stream", reason: "\(name) for \(source) belongs in \(expected), not \(ProposedEvent.quoted(stream))")
        }
    }

    /// The payload as JSON Schema (draft 2020-12), with the type's name and summary.
    public var jsonSchema: JSONValue {
        guard case var .object(members) = PayloadField.jsonSchema(of: fields) else { return .null }
        members.append(("$schema", .string("https://json-schema.org/draft/2020-12/schema")))
        members.append(("title", .string(name)))
        members.append(("description", .string(summary)))
        members.append(("x-parley-schema", .integer(Int64(schema))))
        members.append(("x-parley-stream", .string(streamKind.map { kind in streamID.map { "\(kind)/\($0)" } ?? "\(kind)/<\(idField ?? "id")>" } ?? "the target event's stream")))
        return .object(Dictionary(uniqueKeysWithValues: members.map { ($0.key, $0.value) }))
    }
}
