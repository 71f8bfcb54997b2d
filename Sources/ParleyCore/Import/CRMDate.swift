/// Dates as CRM exports write them. Times without a zone are taken as UTC.
///
/// Accepted: RFC 3339 (`2026-01-05T09:30:00Z`, `…+01:00`), Salesforce's
/// `2026-01-05T09:30:00.000+0000`, `2026-01-05 09:30[:00]`, `2026-01-05`,
/// and US style `01/05/2026[ 09:30[:00][ AM|PM]]`.
public enum CRMDate {
    public static func parse(_ raw: String) -> Timestamp? {
        let text = String(raw.trimmingWhitespace)
        guard !text.isEmpty else { return nil }
        if let time = Timestamp(rfc3339: text) { return time }
        // An offset without a colon: +0000, -0530.
        if text.count > 5 {
            let tail = text.suffix(5)
            if let sign = tail.first, sign == "+" || sign == "-", tail.dropFirst().allSatisfy(\.isNumber) {
                if let time = Timestamp(rfc3339: text.dropLast(5) + tail.prefix(3) + ":" + tail.suffix(2)) { return time }
            }
        }
        let parts = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard let datePart = parts.first else { return nil }
        var date: String?
        if datePart.count == 10, datePart.dropFirst(4).first == "-" {
            date = datePart
        } else {
            let pieces = datePart.split(separator: "/").map(String.init)
            if pieces.count == 3, let month = Int(pieces[0]), let day = Int(pieces[1]), let year = Int(pieces[2]), year > 999 {
                date = String(format4(year)) + "-" + two(month) + "-" + two(day)
            }
        }
        guard let date else { return nil }
        var time = "00:00:00"
        if parts.count > 1 {
            var clock = parts[1].split(separator: ":").compactMap { Int($0) }
            guard clock.count >= 2 else { return nil }
            if clock.count == 2 { clock.append(0) }
            if parts.count > 2 {
                switch parts[2].uppercased() {
                case "AM": if clock[0] == 12 { clock[0] = 0 }
                case "PM": if clock[0] < 12 { clock[0] += 12 }
                default: return nil
                }
            }
            time = two(clock[0]) + ":" + two(clock[1]) + ":" + two(clock[2])
        }
        return Timestamp(rfc3339: date + "T" + time + "Z")
    }

    private static func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
    private static func format4(_ value: Int) -> String { String(value) }
}
