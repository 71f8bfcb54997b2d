import Foundation
import Testing
@testable import ParleyCore

/// `JSONValue.encoding` must give what `JSONEncoder` wrote and the parser
/// read back (how every `--json` answer was made before): same keys, same
/// numbers of the same kind, same strings.
@Suite struct JSONValueEncodingTests {
    struct Everything: Encodable {
        var text = "a \"quoted\" é 😀 / \n line"
        var flag = true
        var int = Int.min
        var int64 = Int64.max
        var small: Int8 = -7
        var unsigned: UInt64 = .max
        var unsignedSmall: UInt16 = 65_000
        var doubles: [Double] = [2, 0, -0.0, 0.1, 72.5, 1e15, 9_007_199_254_740_992, 9_007_199_254_740_994, 1e16, 1e20, -3.25e-7, 123_456_789.125]
        var float: Float = 0.1
        var missing: String? = nil
        var present: Int? = 4
        var nested = Nested()
        var list = [Nested(), Nested(name: "other", tags: [])]
        var byName = ["b": 2, "a": 1, "é": 3, "Z": 0]
        var byNumber = [3: "three", 1: "one"]
        var empty = Empty()
        var optionalList: [Int?] = [1, nil, 3]
    }

    struct Nested: Encodable {
        var name = "nested"
        var tags = ["x", "y"]
    }

    struct Empty: Encodable {}

    /// Written by hand with nested containers and a super encoder, as a
    /// class hierarchy would.
    struct Manual: Encodable {
        enum Keys: String, CodingKey { case a, b, c }
        func encode(to encoder: any Encoder) throws {
            var out = encoder.container(keyedBy: Keys.self)
            try out.encode(1, forKey: .a)
            var inner = out.nestedContainer(keyedBy: Keys.self, forKey: .b)
            try inner.encodeNil(forKey: .c)
            var list = out.nestedUnkeyedContainer(forKey: .c)
            try list.encode("one")
            var deeper = list.nestedUnkeyedContainer()
            try deeper.encode(true)
            try deeper.encodeNil()
            try 9.encode(to: out.superEncoder())
            // Asking for the same container again adds to it.
            var again = encoder.container(keyedBy: Keys.self)
            try again.encode("late", forKey: .a)
        }
    }

    static func viaJSONEncoder(_ value: some Encodable) throws -> JSONValue {
        try JSONValue.parse(Array(try JSONEncoder().encode(value)))
    }

    @Test func aValueEncodesAsJSONEncoderWritesItAndTheParserReadsIt() throws {
        let value = Everything()
        let encoded = try JSONValue.encoding(value)
        #expect(encoded == (try Self.viaJSONEncoder(value)))
        #expect(encoded.canonicalText == (try Self.viaJSONEncoder(value)).canonicalText)
        #expect(encoded["missing"] == nil && encoded["present"] == .integer(4))
        #expect(encoded["doubles"] == (try Self.viaJSONEncoder(value.doubles)))
    }

    @Test func containersAskedForByHandNestAsJSONEncoderNestsThem() throws {
        let encoded = try JSONValue.encoding(Manual())
        #expect(encoded == (try Self.viaJSONEncoder(Manual())))
        #expect(encoded.canonicalText == #"{"a":"late","b":{"c":null},"c":["one",[true,null]],"super":9}"#)
    }

    @Test func topLevelValuesAndEmptyTypes() throws {
        #expect(try JSONValue.encoding("text") == .string("text"))
        #expect(try JSONValue.encoding(2.0) == (try Self.viaJSONEncoder(2.0)))
        #expect(try JSONValue.encoding(Optional<Int>.none) == .null)
        #expect(try JSONValue.encoding(Empty()).canonicalText == "{}")
        #expect(try JSONValue.encoding([String]()).canonicalText == "[]")
    }

    @Test func aNumberJSONCannotHoldIsRefusedWithItsPath() {
        struct Bad: Encodable { var values = [1.0, .nan] }
        #expect(throws: EncodingError.self) { try JSONEncoder().encode(Bad()) }
        do {
            _ = try JSONValue.encoding(Bad())
            Issue.record("NaN was encoded")
        } catch let EncodingError.invalidValue(_, context) {
            #expect(context.codingPath.map(\.stringValue) == ["values", "1"])
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
