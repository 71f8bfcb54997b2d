/// Brings payloads written with an older schema of their type up to the
/// current one. Events are never rewritten: old payloads are upcast when
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
        var data = data
        for step in schema..<current {
            data = steps[type]?[step]?(data) ?? data
        }
        return data
    }

    /// One step per type and old schema number: payload of schema n → n + 1.
    private static let steps: [String: [Int: @Sendable (JSONValue) -> JSONValue]] = [
        "lead.feedback": [
            // Schema 1 had one `objection` (text); schema 2 has `objections`, a list.
            1: { data in
                guard case let .object(members) = data else { return data }
                var fields = Dictionary(uniqueKeysWithValues: members.map { ($0.key, $0.value) })
                if let objection = fields.removeValue(forKey: "objection") {
                    fields["objections"] = objection == .null ? nil : .array([objection])
                }
                return .object(fields)
            },
        ],
    ]
}
