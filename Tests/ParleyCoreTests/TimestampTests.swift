import Foundation
import Testing
@testable import ParleyCore

@Suite struct TimestampTests {
    @Test(arguments: [
        ("2026-01-05T09:30:00Z", "2026-01-05T09:30:00Z"),
        ("2026-01-05T10:30:00+01:00", "2026-01-05T09:30:00Z"),
        ("2026-01-05t04:00:00-05:30", "2026-01-05T09:30:00Z"),
        ("2026-01-05 09:30:00.25z", "2026-01-05T09:30:00.250Z"),
        ("2026-01-05T09:30:00.1234567Z", "2026-01-05T09:30:00.123456Z"),
        ("2024-02-29T23:59:59Z", "2024-02-29T23:59:59Z"),
        ("1969-12-31T23:59:59.5Z", "1969-12-31T23:59:59.500Z"),
        ("0001-01-01T00:00:00Z", "0001-01-01T00:00:00Z"),
        ("9999-12-31T12:29:59-11:30", "9999-12-31T23:59:59Z"),
    ])
    func parsesRFC3339AndWritesUTC(input: String, expected: String) throws {
        let time = try #require(Timestamp(rfc3339: input))
        #expect(time.rfc3339 == expected)
        #expect(Timestamp(rfc3339: time.rfc3339) == time)
        // The day and month the views group by are the RFC 3339 text's own.
        #expect(time.yearMonthDay == String(expected.prefix(10)))
        #expect(time.yearMonth == String(expected.prefix(7)))
        #expect(time.isMidnight == expected.dropFirst(10).hasPrefix("T00:00:00Z"))
    }

    @Test(arguments: [
        "2026-01-05T09:30:00", "2026-01-05", "2026-02-30T00:00:00Z", "2025-02-29T00:00:00Z",
        "2026-13-01T00:00:00Z", "2026-01-05T24:00:00Z", "2026-01-05T09:30:60Z", "2026-01-05T09:30:00+0100",
        "2026-01-05T09:30:00.Z", "2026-01-05T09:30:00Z trailing", "yesterday", "",
        // Found by the time-parser fuzz target: in UTC these leave the four-digit years,
        // and printed back they would not parse.
        "9999-12-31T23:59:59-11:30", "0000-01-01T00:00:00+00:01",
    ])
    func refusesTimesWithoutZoneOrImpossible(input: String) {
        #expect(Timestamp(rfc3339: input) == nil)
    }

    @Test func agreesWithFoundation() throws {
        let time = try #require(Timestamp(rfc3339: "2026-11-23T13:45:32Z"))
        let formatter = ISO8601DateFormatter()
        #expect(time.date == formatter.date(from: "2026-11-23T13:45:32Z"))
    }
}

@Suite struct EventIDTests {
    @Test func v7IdsCarryVersionVariantAndTimeOrder() throws {
        let early = EventID.v7(at: Timestamp(rfc3339: "2026-01-05T09:30:00Z")!)
        let late = EventID.v7(at: Timestamp(rfc3339: "2026-01-05T09:30:00.002Z")!)
        #expect(early.bytes[6] >> 4 == 7)
        #expect(early.bytes[8] >> 6 == 0b10)
        #expect(early.bytes.lexicographicallyPrecedes(late.bytes))
        #expect(EventID(early.description) == early)
        #expect(EventID(bytes: early.bytes) == early)
        #expect(early.description == early.description.lowercased())
    }

    @Test func refusesWhatIsNotAUUID() {
        #expect(EventID("not-a-uuid") == nil)
        #expect(EventID("6f1c") == nil)
        #expect(EventID(bytes: [1, 2, 3]) == nil)
    }
}
