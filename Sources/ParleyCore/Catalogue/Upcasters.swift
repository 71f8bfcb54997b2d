/// Brings payloads written with an older schema of their type up to the
/// current one, a step at a time, each declared by the payload type
/// (``EventPayload/upcast(_:from:)``). Events are never rewritten: old payloads are upcast when
/// they are read (by `parley record` of an exported file, by the rules, by
/// projections).
public enum Upcasters {
    /// The payload of a `type` event written with schema `schema`, as the
    /// current schema has it. Payloads already current are returned as they are.
    ///
    /// - Throws: ``InvalidEvent`` when the schema is newer than this Parley knows.
    public static func upcast(type: String, schema: Int, data: JSONValue) throws(InvalidEvent) -> JSONValue {
        guard let current = EventCatalogue.schema(of: type), schema != current else { return data }
        guard schema >= 1, schema < current else {
            throw InvalidEvent(field: "schema", reason: "\(type) schema \(schema) is newer than this Parley knows (\(current)); upgrade parley")
        }
        guard let payload = EventCatalogue.payloadType(of: type) else { return data }
        var data = data
        for step in schema..<current { data = payload.upcast(data, from: step) }
        return data
    }
}
