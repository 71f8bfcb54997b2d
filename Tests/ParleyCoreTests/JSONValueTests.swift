import Testing
@testable import ParleyCore

@Suite struct JSONValueTests {
    @Test func canonicalTextSortsKeysByUTF8AndDropsWhitespace() throws {
        let value = try JSONValue.parse(#" { "b" : [1, 2.5, true, null], "a": {"z": "x", "Z": "y"}, "é": "ü" } "#)
        #expect(value.canonicalText == #"{"a":{"Z":"y","z":"x"},"b":[1,2.5,true,null],"é":"ü"}"#)
    }

    @Test func canonicalTextEscapesOnlyWhatJSONRequires() throws {
        let value = try JSONValue.parse(#"["a\"b\\c\/d\n\t\u0001\u00e9\ud83d\ude00"]"#)
        #expect(value.canonicalText == "[\"a\\\"b\\\\c/d\\n\\t\\u0001é😀\"]")
        #expect(try JSONValue.parse(value.canonicalText) == value)
    }

    @Test func aValueInTextIsItsJSON() {
        let amount: JSONValue = .integer(27_400)
        #expect("\(amount)" == "27400" && "\(JSONValue.double(12.5))" == "12.5" && "\(JSONValue.string("a"))" == "\"a\"")
        let lead = RecordedEvent(position: 1, id: EventID.v7(), stream: "lead/L-1", version: 2, type: "lead.converted", actor: "sam@sales",
                                 occurredAt: Timestamp(microseconds: 0), recordedAt: Timestamp(microseconds: 0), schema: 1,
                                 data: #"{"amount":27400,"lead":"L-1"}"#, meta: nil, hash: [])
        #expect(EventSummary.line(lead, data: Payload(lead.payload)) == "lead L-1 converted (27400), recorded by sam@sales")
    }

    @Test func integersAndDoublesKeepTheirKind() throws {
        #expect(try JSONValue.parse("72") == .integer(72))
        #expect(try JSONValue.parse("-0") == .integer(0))
        #expect(try JSONValue.parse("72.0") == .double(72))
        #expect(try JSONValue.parse("1e3").canonicalText == "1000.0")
        #expect(try JSONValue.parse("0.1").canonicalText == "0.1")
        #expect(try JSONValue.parse("99999999999999999999").canonicalText == "1e+20")
    }

    @Test(arguments: [
        ("{\"a\":1,\"a\":2}", "duplicate key"),
        ("{\"a\":1,}", "expected a string key"),
        ("[1,]", "unexpected character"),
        ("{'a':1}", "expected a string key"),
        ("01", "unexpected text after"),
        ("\"tab\there\"", "unescaped control character"),
        ("\"\\x\"", "invalid escape"),
        ("\"\\ud800\"", "unpaired UTF-16 surrogate"),
        ("tru", "the text ends"),
        ("nul!", "invalid literal"),
        ("1.", "the text ends"),
        ("{} {}", "unexpected text after"),
    ])
    func refusesMalformedJSON(text: String, reason: String) {
        #expect {
            try JSONValue.parse(text)
        } throws: { error in
            (error as? JSONSyntaxError)?.reason.contains(reason) == true
        }
    }

    @Test func refusesInvalidUTF8() {
        #expect(throws: JSONSyntaxError.self) { try JSONValue.parse([0x22, 0xC3, 0x28, 0x22]) }
    }

    @Test func truncatedTextIsMarkedSoAReaderCanAskForMore() throws {
        do {
            _ = try JSONValue.parse("{\"a\": [1, 2")
            Issue.record("parsed a truncated text")
        } catch {
            #expect(error.isTruncated)
        }
        do {
            _ = try JSONValue.parse("{\"a\" 1}")
            Issue.record("parsed a malformed text")
        } catch {
            #expect(!error.isTruncated)
        }
    }

    @Test func refusesNestingDeeperThanTheLimit() throws {
        let ok = String(repeating: "[", count: JSONValue.maximumDepth) + String(repeating: "]", count: JSONValue.maximumDepth)
        _ = try JSONValue.parse(ok)
        let deep = "[" + ok + "]"
        #expect(throws: JSONSyntaxError.self) { try JSONValue.parse(deep) }
    }

    @Test func prettyTextParsesBackToTheSameValue() throws {
        let value = try JSONValue.parse(#"{"a":[1,{"b":null}],"c":"d","e":[],"f":{}}"#)
        #expect(try JSONValue.parse(value.prettyText()) == value)
        #expect(value.prettyText().contains("\n  \"a\": [\n"))
    }
}
