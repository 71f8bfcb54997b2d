import Foundation
import Testing
@testable import ParleyCore

/// A valid envelope to start from; each test breaks one thing.
func envelope(_ overrides: [String: JSONValue?] = [:]) -> JSONValue {
    var members: [String: JSONValue] = [
        "stream": .string("lead/L-1042"), "type": .string("lead.sent"), "actor": .string("mia@marketing"),
        "occurred_at": .string("2026-01-05T09:30:00Z"),
        "data": .object(["lead": .string("L-1042"), "source": .string("webinar")]),
    ]
    for (key, value) in overrides { members[key] = value }
    return .object(members)
}

@Suite struct ProposedEventTests {
    @Test func readsAValidEnvelope() throws {
        let event = try ProposedEvent(envelope: envelope([
            "id": .string("0190F1C2-7E4B-7C3A-9D2E-5B8F0A1C2D3E"), "expected_version": .integer(0),
            "meta": .object(["note": .string("from the webinar list")]),
        ]), line: 3)
        #expect(event.stream == "lead/L-1042")
        #expect(event.id?.description == "0190f1c2-7e4b-7c3a-9d2e-5b8f0a1c2d3e")
        #expect(event.occurredAt == Timestamp(rfc3339: "2026-01-05T09:30:00Z"))
        #expect(event.data == #"{"lead":"L-1042","source":"webinar"}"#)
        #expect(event.meta == #"{"note":"from the webinar list"}"#)
        #expect(event.expectedVersion == 0)
        #expect(event.line == 3)
    }

    @Test func acceptsTheFieldsTheStoreAddsSoExportsReadBack() throws {
        _ = try ProposedEvent(envelope: envelope(["position": .integer(4), "version": .integer(1), "hash": .string("ab")]))
    }

    @Test(arguments: [
        (["stream": nil], "stream", "is required"),
        (["type": nil], "type", "is required"),
        (["actor": nil], "actor", "is required"),
        (["data": nil], "data", "is required"),
        (["stream": .integer(4)], "stream", "must be a string"),
        (["stream": .string("lead")], "stream", "kind/id"),
        (["stream": .string("lead/")], "stream", "kind/id"),
        (["stream": .string("lead/a b")], "stream", "kind/id"),
        (["stream": .string("lead/a/b")], "stream", "kind/id"),
        (["stream": .string("deal/D-1")], "stream", "unknown stream kind \"deal\""),
        (["type": .string("lead.teleported")], "type", "unknown event type"),
        (["actor": .string("")], "actor", "member handle"),
        (["actor": .string("mia marketing")], "actor", "member handle"),
        (["occurred_at": .string("2026-01-05 09:30")], "occurred_at", "RFC 3339"),
        (["occurred_at": .string("2026-01-05T09:30:00")], "occurred_at", "with a zone"),
        (["data": .array([])], "data", "must be a JSON object"),
        (["meta": .string("x")], "meta", "must be a JSON object"),
        (["id": .string("42")], "id", "must be a UUID"),
        (["expected_version": .double(1.5)], "expected_version", "whole number"),
        (["expected_version": .integer(-1)], "expected_version", "0 or more"),
        (["colour": .string("red")], "colour", "unknown field"),
    ] as [([String: JSONValue?], String, String)])
    func namesTheFieldAtFault(overrides: [String: JSONValue?], field: String, reason: String) {
        #expect {
            try ProposedEvent(envelope: envelope(overrides), line: 12)
        } throws: { error in
            guard let invalid = error as? InvalidEvent else { return false }
            return invalid.field == field && invalid.line == 12 && invalid.reason.contains(reason)
                && invalid.description.hasPrefix("line 12: field \"\(field)\": ")
        }
    }

    @Test func refusesAPayloadOverTheLimit() throws {
        let big = String(repeating: "x", count: ProposedEvent.maximumPayloadBytes)
        #expect {
            try ProposedEvent(envelope: envelope(["data": .object(["lead": .string("L-1042"), "source": .string("webinar"), "attributes": .object(["note": .string(big)])])]))
        } throws: { error in
            (error as? InvalidEvent)?.reason.contains("at most 65536 bytes") == true
        }
        let fits = String(repeating: "x", count: ProposedEvent.maximumPayloadBytes - 100)
        _ = try ProposedEvent(envelope: envelope(["data": .object(["lead": .string("L-1042"), "source": .string("webinar"), "attributes": .object(["note": .string(fits)])])]))
    }
}

@Suite struct EventInputReaderTests {
    private func reader(_ text: String) throws -> EventInputReader {
        try reader(Array(text.utf8))
    }

    private func reader(_ bytes: [UInt8]) throws -> EventInputReader {
        let url = FileManager.default.temporaryDirectory.appending(path: "parley-reader-\(UUID()).jsonl")
        try Data(bytes).write(to: url)
        return EventInputReader(try FileHandle(forReadingFrom: url))
    }

    private func line(_ lead: Int) -> String {
        #"{"stream":"lead/L-\#(lead)","type":"lead.sent","actor":"mia@marketing","data":{"lead":"L-\#(lead)","source":"webinar"}}"#
    }

    @Test func readsJSONLinesWithBlankLinesCRLFAndABOM() throws {
        var input = try reader([0xEF, 0xBB, 0xBF] + Array((line(1) + "\r\n\n  \n" + line(2) + "\r\n" + line(3)).utf8))
        var lines: [Int?] = []
        while let event = try input.next() { lines.append(event.line) }
        #expect(lines == [1, 4, 5])
    }

    @Test func readsAPrettyPrintedEventSpanningLines() throws {
        let pretty = try JSONValue.parse(line(7)).prettyText()
        var input = try reader("\n" + pretty + "\n" + line(8) + "\n")
        let first = try #require(try input.next())
        #expect(first.stream == "lead/L-7")
        #expect(first.line == 2)
        #expect(try input.next()?.stream == "lead/L-8")
        #expect(try input.next() == nil)
    }

    @Test func namesTheLineOfABadEventAmongThousands() throws {
        var text = ""
        for n in 1...10_000 {
            text += (n == 4711 ? line(n).replacingOccurrences(of: "\"webinar\"}", with: "\"webinar\"},\"occurred_at\":\"soon\"") : line(n)) + "\n"
        }
        var input = try reader(text)
        #expect {
            while try input.next() != nil {}
        } throws: { error in
            let invalid = error as? InvalidEvent
            return invalid?.line == 4711 && invalid?.field == "occurred_at"
        }
    }

    @Test func namesTheLineOfMalformedJSONAndOfBadUTF8() throws {
        var input = try reader(line(1) + "\n" + "{\"stream\": \"lead/L-2\",, }\n")
        _ = try input.next()
        #expect { try input.next() } throws: { ($0 as? InvalidEvent)?.line == 2 }

        var utf8 = try reader(Array((line(1) + "\n").utf8) + Array(#"{"stream":"lead/L-"#.utf8) + [0xFF] + Array(#"","type":"lead.sent","actor":"a@b","data":{}}"#.utf8))
        _ = try utf8.next()
        #expect { try utf8.next() } throws: { error in
            let invalid = error as? InvalidEvent
            return invalid?.line == 2 && invalid?.reason.contains("UTF-8") == true
        }
    }

    @Test func refusesAnEventLeftOpenAtTheEnd() throws {
        var input = try reader(line(1) + "\n{\"stream\": \"lead/L-2\",\n \"type\": ")
        _ = try input.next()
        #expect { try input.next() } throws: { error in
            let invalid = error as? InvalidEvent
            return invalid?.line == 2 && invalid?.reason.contains("ends in the middle") == true
        }
    }
}
