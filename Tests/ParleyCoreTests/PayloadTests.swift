import Testing
@testable import ParleyCore

/// A payload a fold reads from the log's text answers as the parsed payload
/// (``RecordedEvent/payload(utf8:type:schema:)``) does, member by member.
@Suite struct PayloadTests {
    private func read(_ text: String, type: String = "lead.feedback", schema: Int = 2) -> Payload {
        Array(text.utf8).withUnsafeBytes { Payload.read(utf8: $0, type: type, schema: schema) }
    }

    /// What the full parse gives for `text`: the reference.
    private func parsed(_ text: String, type: String = "lead.feedback", schema: Int = 2) -> JSONValue {
        RecordedEvent.payload(utf8: Array(text.utf8), type: type, schema: schema)
    }

    private func expectSame(_ text: String, keys: [String], type: String = "lead.feedback", schema: Int = 2,
                            sourceLocation: SourceLocation = #_sourceLocation) {
        let payload = read(text, type: type, schema: schema), reference = parsed(text, type: type, schema: schema)
        for key in keys + ["absent", ""] {
            #expect(payload[key] == reference[key], "\(text) [\(key)]", sourceLocation: sourceLocation)
        }
        #expect(payload.value == reference, "\(text)", sourceLocation: sourceLocation)
    }

    @Test func membersOfCanonicalTextReadAsTheParsedPayload() {
        expectSame(#"{"assigned_to":"olivia@sales","attributes":{"employees":1604,"industry":"software"},"campaign":"linkedin-2025-01","criteria_version":1,"lead":"L-1001","score":32,"source":"linkedin"}"#,
                   keys: ["assigned_to", "attributes", "campaign", "criteria_version", "lead", "score", "source"])
        expectSame(#"{"amount":-12.5e3,"big":99999999999999999999,"empty":{},"flag":true,"list":[1,[2,{"a":null}],"x\"y\\z\u0041"],"nothing":null,"zero":0}"#,
                   keys: ["amount", "big", "empty", "flag", "list", "nothing", "zero"])
        expectSame(#"{}"#, keys: [])
        expectSame("  {\n \"a\" : 1 ,\t\"b\":[ ] }  ", keys: ["a", "b"])
    }

    /// Text the scan leaves to the full parser: the answers are the same.
    @Test func textThatIsNotPlainReadsAsTheParsedPayloadToo() {
        // Keys out of order, an escaped key, text past ASCII.
        expectSame(#"{"b":1,"a":2}"#, keys: ["a", "b"])
        expectSame(#"{"a\"b":1,"c":2}"#, keys: ["a\"b", "c"])
        expectSame(#"{"city":"Zürich","é":"ü"}"#, keys: ["city", "é"])
        // Not an object at all.
        expectSame(#"[1,2]"#, keys: ["0"])
        expectSame(#""text""#, keys: ["text"])
    }

    /// Text that does not parse reads as an empty object, as the full parse
    /// makes it: no member anywhere, never a member of a broken object.
    @Test(arguments: [
        #"{"a":1,"a":2}"#, #"{"a":1,}"#, #"{"a":01}"#, #"{"a":1.}"#, #"{"a":"x\qy"}"#, #"{"a":tru}"#,
        #"{"a":[1,}"#, #"{"a":1} {}"#, "{\"a\":\"tab\there\"}", #"{"a":1"#, "",
    ])
    func malformedTextHasNoMembers(text: String) {
        let payload = read(text)
        #expect(payload["a"] == nil)
        #expect(payload.value == .object([]))
        #expect(parsed(text) == .object([]))
    }

    /// An old schema's payload is upcast, as the full parse does it.
    @Test func anOldSchemaIsUpcast() {
        let text = #"{"lead":"L-1","objection":"price","rating":2}"#
        #expect(read(text, schema: 1)["objections"] == .array([.string("price")]))
        #expect(read(text, schema: 1)["objection"] == nil)
        expectSame(text, keys: ["lead", "objection", "objections", "rating"], schema: 1)
        // Written with the current schema, it is read as it is.
        #expect(read(text)["objection"] == .string("price"))
    }

    /// Random canonical payloads, nested: every member reads as parsed.
    @Test func randomPayloadsReadAsParsed() throws {
        var generator = SystemRandomNumberGenerator()
        func value(_ depth: Int) -> JSONValue {
            switch Int.random(in: 0..<(depth > 2 ? 5 : 7), using: &generator) {
            case 0: return .null
            case 1: return .bool(Bool.random(using: &generator))
            case 2: return .integer(Int64.random(in: -1_000_000...1_000_000, using: &generator))
            case 3: return .double(Double(Int.random(in: -9999...9999, using: &generator)) / 8)
            case 4: return .string(String((0..<Int.random(in: 0..<24, using: &generator)).map { _ in "ab\"\\/\n\t é0-".randomElement(using: &generator)! }))
            case 5: return .array((0..<Int.random(in: 0..<4, using: &generator)).map { _ in value(depth + 1) })
            default: return object(depth + 1)
            }
        }
        func object(_ depth: Int) -> JSONValue {
            var members: [String: JSONValue] = [:]
            for _ in 0..<Int.random(in: 0..<7, using: &generator) {
                members[String((0..<Int.random(in: 1..<18, using: &generator)).map { _ in "abcdefghij_".randomElement(using: &generator)! })] = value(depth)
            }
            return .object(members.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }.map { ($0.key, $0.value) })
        }
        for _ in 0..<300 {
            let payload = object(0)
            guard case let .object(members) = payload else { continue }
            expectSame(payload.canonicalText, keys: members.map(\.key))
        }
    }
}
