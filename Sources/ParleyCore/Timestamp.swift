public import Foundation

/// A point in time, in whole microseconds since 1970-01-01T00:00:00Z.
///
/// Parley stores both clocks of an event (`occurred_at`, `recorded_at`) in
/// this form: compact, exact, and ordered like time itself. It reads and
/// writes RFC 3339 text with an explicit zone; the zone the writer used is
/// normalised to UTC (the instant is kept, the offset is not).
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
    public var microseconds: Int64

    public init(microseconds: Int64) {
        self.microseconds = microseconds
    }

    /// Encoded as its RFC 3339 text, as everywhere else in Parley's JSON.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let time = Timestamp(rfc3339: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not an RFC 3339 time: \(text)"))
        }
        self = time
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rfc3339)
    }

    public init(_ date: Date) {
        microseconds = Int64((date.timeIntervalSince1970 * 1_000_000).rounded(.down))
    }

    /// The current time.
    public static func now() -> Timestamp { Timestamp(Date()) }

    public var date: Date { Date(timeIntervalSince1970: Double(microseconds) / 1_000_000) }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.microseconds < rhs.microseconds }

    /// RFC 3339 in UTC: `2026-01-05T09:30:00Z`, with `.123` or `.123456`
    /// only when the time has a fraction of a second.
    public var description: String { rfc3339 }

    public var rfc3339: String {
        var out: [UInt8] = []
        writeRFC3339(into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// The UTC month, `2026-01`.
    public var yearMonth: String { monthAndDay.month }

    /// The UTC day, `2026-01-05`.
    public var yearMonthDay: String { monthAndDay.day }

    /// The UTC minute, as tables show a moment: `2026-01-05 09:30`.
    public var minute: String {
        var text = String(rfc3339.prefix(16))
        if let t = text.firstIndex(of: "T") { text.replaceSubrange(t...t, with: " ") }
        return text
    }

    /// The UTC month and day, `2026-01` and `2026-01-05`, worked out once.
    public var monthAndDay: (month: String, day: String) {
        let (year, month, day) = Self.civil(fromDays: microseconds.floorDivided(by: 86_400_000_000))
        let digits = String(year)
        let yearMonth = String(repeating: "0", count: max(0, 4 - digits.count)) + digits + (month < 10 ? "-0" : "-") + String(month)
        return (yearMonth, yearMonth + (day < 10 ? "-0" : "-") + String(day))
    }

    /// Whether this is the start of a UTC day.
    public var isMidnight: Bool { microseconds.floorDivided(by: 86_400_000_000) * 86_400_000_000 == microseconds }

    /// Appends ``rfc3339`` to `out` (the hot path of hashing and export).
    public func writeRFC3339(into out: inout [UInt8]) {
        let seconds = microseconds.floorDivided(by: 1_000_000)
        let micros = Int(microseconds - seconds * 1_000_000)
        let days = seconds.floorDivided(by: 86_400)
        let secondOfDay = Int(seconds - days * 86_400)
        let (year, month, day) = Self.civil(fromDays: days)
        guard (0...9999).contains(year) else {
            // Outside what RFC 3339 can write; never made from its input.
            out.append(contentsOf: "\(year)-\(month)-\(day)T\(secondOfDay)s+\(micros)usZ".utf8)
            return
        }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 27) { buffer in
            let zero = UInt8(ascii: "0")
            var count = 0
            func put(_ value: Int, digits: Int) {
                var divisor = 1
                for _ in 1..<digits { divisor &*= 10 }
                var rest = value
                while divisor > 0 {
                    buffer[count] = zero &+ UInt8(truncatingIfNeeded: rest / divisor)
                    rest %= divisor
                    divisor /= 10
                    count += 1
                }
            }
            func put(_ byte: UInt8) {
                buffer[count] = byte
                count += 1
            }
            put(Int(year), digits: 4)
            put(UInt8(ascii: "-"))
            put(Int(month), digits: 2)
            put(UInt8(ascii: "-"))
            put(Int(day), digits: 2)
            put(UInt8(ascii: "T"))
            put(secondOfDay / 3600, digits: 2)
            put(UInt8(ascii: ":"))
            put(secondOfDay / 60 % 60, digits: 2)
            put(UInt8(ascii: ":"))
            put(secondOfDay % 60, digits: 2)
            if micros != 0 {
                put(UInt8(ascii: "."))
                put(micros % 1000 == 0 ? micros / 1000 : micros, digits: micros % 1000 == 0 ? 3 : 6)
            }
            put(UInt8(ascii: "Z"))
            out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[..<count]))
        }
    }

    /// An RFC 3339 time, or a date `YYYY-MM-DD` (the start of that UTC day):
    /// what every front end takes for `as of`, `since` and the like.
    public init?(timeOrDate text: String) {
        if let time = Timestamp(rfc3339: text) {
            self = time
        } else if text.utf8.count == 10, let time = Timestamp(rfc3339: text + "T00:00:00Z") {
            self = time
        } else {
            return nil
        }
    }

    /// Parses an RFC 3339 date-time with a zone: `2026-01-05T09:30:00Z`,
    /// `2026-01-05T10:30:00.250+01:00`, `2026-01-05 09:30:00z`. Fractions
    /// finer than a microsecond are truncated. Returns nil for anything
    /// else, including dates without a zone and impossible dates.
    public init?(rfc3339 text: String) {
        let b = Array(text.utf8)
        var i = 0
        func number(_ width: Int) -> Int64? {
            guard i + width <= b.count else { return nil }
            var value: Int64 = 0
            for _ in 0..<width {
                guard (48...57).contains(b[i]) else { return nil }
                value = value * 10 + Int64(b[i] - 48)
                i += 1
            }
            return value
        }
        func expect(_ chars: String) -> Bool {
            guard i < b.count, chars.utf8.contains(b[i]) else { return false }
            i += 1
            return true
        }
        guard let year = number(4), expect("-"), let month = number(2), expect("-"), let day = number(2),
              expect("Tt "), let hour = number(2), expect(":"), let minute = number(2), expect(":"),
              let second = number(2)
        else { return nil }
        guard (1...12).contains(month), day >= 1, day <= Self.daysIn(month: month, year: year),
              hour < 24, minute < 60, second < 60
        else { return nil }
        var micros: Int64 = 0
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            var digits = 0
            while i < b.count, (48...57).contains(b[i]) {
                if digits < 6 { micros = micros * 10 + Int64(b[i] - 48) }
                digits += 1
                i += 1
            }
            guard digits > 0 else { return nil }
            for _ in digits..<max(digits, 6) { micros *= 10 }
        }
        var offsetSeconds: Int64 = 0
        guard i < b.count else { return nil }
        if b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z") {
            i += 1
        } else if b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
            let sign: Int64 = b[i] == UInt8(ascii: "-") ? -1 : 1
            i += 1
            guard let offsetHours = number(2), expect(":"), let offsetMinutes = number(2),
                  offsetHours < 24, offsetMinutes < 60
            else { return nil }
            offsetSeconds = sign * (offsetHours * 3600 + offsetMinutes * 60)
        } else {
            return nil
        }
        guard i == b.count else { return nil }
        let days = Self.days(fromCivil: year, month, day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        // In UTC the year must still have four digits, or the time could not be
        // written back (9999-12-31T23:59:59-11:30 is in the year 10000).
        guard (Self.earliestSecond...Self.latestSecond).contains(seconds) else { return nil }
        self.microseconds = seconds * 1_000_000 + micros
    }

    /// 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z, in seconds since the epoch.
    private static let earliestSecond = days(fromCivil: 0, 1, 1) * 86_400
    private static let latestSecond = days(fromCivil: 9999, 12, 31) * 86_400 + 86_399

    private static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    // Howard Hinnant's days_from_civil / civil_from_days.
    private static func days(fromCivil year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = y.floorDivided(by: 400)
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    private static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = z.floorDivided(by: 146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (month <= 2 ? yoe + era * 400 + 1 : yoe + era * 400, month, day)
    }
}

extension Int64 {
    /// Division rounding toward negative infinity (dates before 1970).
    func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
