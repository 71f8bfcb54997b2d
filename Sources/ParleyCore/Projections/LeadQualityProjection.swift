/// Lead quality per source, campaign, criteria version, rep and month:
/// what marketing sent and what sales made of it.
///
/// Rows: one per lead (`lead/<id>`: what is known of it), and one per group
/// and dimension (`source/webinar`, `rep/sam@sales`, …) holding the sums of
/// its leads' contributions. Every lead event replaces the lead's old
/// contribution by its new one in each group it belongs to, so a reassigned
/// or recycled lead moves between groups and the sums stay exact.
///
/// A lead's ten groups follow from one ``Cell`` (its day, source, campaign,
/// criteria version and rep). The fold sums each event's change into the
/// cell's entry in `HeldSums`, and ``settle(_:)`` adds the cells' sums up per
/// group before the rows are read or written: a group row changes once per
/// chunk, not once per event. Every sum is an integer (money in cents, times
/// in seconds), so the order sums are added in never changes a digit.
public enum LeadQualityProjection: Projection {
    public static let typePrefixes = ["lead."]

    public static let name = "quality"
    /// 2: verdict times in tenths of hours, not minutes. 3: keyed by number.
    /// 4: day groups. 5: a group's counts by key stored as two lists.
    /// 6: month groups instead of all-time ones. 7: revenue in cents and
    /// conversion times in seconds, as integers; rows coded as lists.
    /// 8: all-time groups too, beside the month and day ones.
    public static let version = 8

    /// The prefix of the month groups (`month/source/2026-01/webinar`): the
    /// sums of the leads sent that UTC month. A report adds up a group's months.
    public static let monthPrefix = "month/"
    /// The prefix of the day groups (`day/source/2026-01-05/webinar`): the
    /// sums of the leads sent that UTC day, for the parts of months a
    /// `--since`/`--until` report cuts.
    public static let dayPrefix = "day/"
    /// The prefix of the all-time groups (`total/campaign/spring-promo`): the
    /// sums of every lead, for a report over the whole log, which then reads
    /// one row a group instead of one a month (a thousand campaigns over
    /// three years are 36,000 month rows). The month dimension has none: its
    /// groups are the months.
    public static let totalPrefix = "total/"

    /// The ways to group leads (`parley quality --by`).
    public enum Dimension: String, CaseIterable, Sendable, Codable {
        case source, campaign, criteria, rep, month


        /// The prefix of this dimension's month groups: `month/source/`.
        public var monthKeys: String { LeadQualityProjection.monthPrefix + rawValue + "/" }
        /// The prefix of this dimension's day groups: `day/source/`.
        public var dayKeys: String { LeadQualityProjection.dayPrefix + rawValue + "/" }
        /// The prefix of this dimension's all-time groups: `total/source/`
        /// (none for the month dimension, whose groups are the months).
        public var totalKeys: String { LeadQualityProjection.totalPrefix + rawValue + "/" }
        /// The prefix of the rows a report over the whole log reads: the
        /// all-time groups, or for the month dimension its month groups.
        public var allTimeKeys: String { self == .month ? monthKeys : totalKeys }

        /// The key ranges (`from ..< to`) of the group rows that add up to
        /// the leads sent on the UTC days `since ..< until` (`2026-01-05`;
        /// nil: no bound): whole months from month rows, the days of a month
        /// cut short from day rows. Nothing is counted twice.
        public func keyRanges(since: String?, until: String?) -> [(from: String, to: String)] {
            let months = "\(LeadQualityProjection.monthPrefix)\(rawValue)/"
            let days = "\(LeadQualityProjection.dayPrefix)\(rawValue)/"
            let end = "\u{10FFFF}"
            func isFirst(_ day: String) -> Bool { day.hasSuffix("-01") }
            func month(_ day: String) -> String { String(day.prefix(7)) }
            // The whole months: from the first that starts on or after `since`, to the one `until` falls in.
            let firstMonth = since.map { isFirst($0) ? month($0) : Self.month(after: month($0)) }
            let lastMonth = until.map(month)
            if let firstMonth, let lastMonth, firstMonth >= lastMonth {
                // No whole month between: every day from the day rows.
                return [(days + (since ?? ""), until.map { days + $0 } ?? days + end)]
            }
            var ranges = [(from: months + (firstMonth ?? ""), to: lastMonth.map { months + $0 } ?? months + end)]
            if let since, let firstMonth, !isFirst(since) { ranges.append((days + since, days + firstMonth)) }
            if let until, let lastMonth, !isFirst(until) { ranges.append((days + lastMonth, days + until)) }
            return ranges
        }

        /// The month after `2026-01`: `2026-02`.
        static func month(after month: String) -> String {
            let year = Int(month.prefix(4)) ?? 0
            let number = Int(month.suffix(2)) ?? 1
            let (nextYear, nextMonth) = number == 12 ? (year + 1, 1) : (year, number + 1)
            let digits = String(nextYear)
            return String(repeating: "0", count: max(0, 4 - digits.count)) + digits + (nextMonth < 10 ? "-0" : "-") + String(nextMonth)
        }

        /// The key of the group `cell` falls in: its source, `v3`, `2026-03`, …
        public func value(of cell: Cell) -> String {
            switch self {
            case .source: cell.source
            case .campaign: cell.campaign ?? "(none)"
            case .criteria: cell.criteriaVersion.map { "v\($0)" } ?? "(none)"
            case .rep: cell.rep ?? "(unassigned)"
            case .month: cell.day.yearMonth
            }
        }
    }

    /// What decides a lead's groups: the UTC day it was sent, its source,
    /// campaign, criteria version and rep. Kept with the lead, its hash
    /// worked out once: every event of the lead adds to its cell's sums.
    public struct Cell: Hashable, Sendable {
        /// The start of the UTC day.
        public let day: Timestamp
        public let source: String
        public let campaign: String?
        public let criteriaVersion: Int64?
        public let rep: String?
        /// The hash of the fields above.
        private let digest: Int

        init(sentAt: Timestamp, source: String, campaign: String?, criteriaVersion: Int64?, rep: String?) {
            let micros = sentAt.microseconds, perDay: Int64 = 86_400_000_000
            // Rounded down, before 1970 too.
            day = Timestamp(microseconds: (micros / perDay - (micros % perDay < 0 ? 1 : 0)) * perDay)
            self.source = source
            self.campaign = campaign
            self.criteriaVersion = criteriaVersion
            self.rep = rep
            var hasher = Hasher()
            hasher.combine(day)
            hasher.combine(source)
            hasher.combine(campaign)
            hasher.combine(criteriaVersion)
            hasher.combine(rep)
            digest = hasher.finalize()
        }

        public func hash(into hasher: inout Hasher) { hasher.combine(digest) }

        public static func == (a: Cell, b: Cell) -> Bool {
            a.digest == b.digest && a.day == b.day && a.source == b.source && a.campaign == b.campaign
                && a.criteriaVersion == b.criteriaVersion && a.rep == b.rep
        }
    }

    /// What is known of one lead.
    public struct Lead: Codable, Sendable, Equatable {
        public var lead: String
        /// Its groups (see ``Cell``): made when it is sent, and again when it is reassigned.
        public internal(set) var cell: Cell
        public let sentAt: Timestamp
        public var verdict: String?
        public var verdictAt: Timestamp?
        public var rejectReason: String?
        public var recycled = false
        public var ratingSum: Int64 = 0
        public var ratings: Int64 = 0
        public var objections: [String] = []
        public var converted = false
        public var convertedAt: Timestamp?
        public var amount: Double = 0
        public var lost = false

        public init(lead: String, source: String, campaign: String?, criteriaVersion: Int64?, rep: String?, sentAt: Timestamp) {
            self.lead = lead
            self.sentAt = sentAt
            cell = Cell(sentAt: sentAt, source: source, campaign: campaign, criteriaVersion: criteriaVersion, rep: rep)
        }

        /// Whether `type` (a lead event other than `lead.sent`) changes the
        /// lead: a verdict counts only once.
        func takes(_ type: String) -> Bool {
            switch type {
            case LeadAccepted.type, LeadRejected.type: verdict == nil
            case LeadReassigned.type, LeadRecycled.type, LeadFeedback.type, LeadConverted.type, LeadLost.type: true
            default: false
            }
        }

        /// Applies `event`, which it ``takes(_:)``, but a reassignment (which moves it to another cell).
        mutating func apply(_ event: RecordedEvent, _ data: Payload) {
            switch event.type {
            case LeadAccepted.type, LeadRejected.type:
                verdict = event.type
                verdictAt = event.occurredAt
                rejectReason = data[LeadRejected.reason]
            case LeadRecycled.type: recycled = true
            case LeadFeedback.type:
                ratingSum += data[LeadFeedback.rating] ?? 0
                ratings += 1
                if let heard = data[LeadFeedback.objections] { objections += heard }
            case LeadConverted.type:
                converted = true
                convertedAt = event.occurredAt
                if let value = data[LeadConverted.amount] { amount = value }
            case LeadLost.type: lost = true
            default: break
            }
        }

        public var source: String { cell.source }
        public var campaign: String? { cell.campaign }
        public var criteriaVersion: Int64? { cell.criteriaVersion }
        /// Its rep: setting it (a reassignment) moves it to another cell.
        public var rep: String? {
            get { cell.rep }
            set { cell = Cell(sentAt: sentAt, source: source, campaign: campaign, criteriaVersion: criteriaVersion, rep: newValue) }
        }
    }

    /// Boxed: a lead is a large value, and rows move in and out of caches often.
    public indirect enum Row: Codable, Sendable, Equatable {
        case lead(Lead)
        case group(Group)

        // Coded as `[case number, value]` (see PositionalCoding).
        public func encode(to encoder: any Encoder) throws {
            switch self {
            case let .lead(lead): try RowCase.encode(0, lead, to: encoder)
            case let .group(group): try RowCase.encode(1, group, to: encoder)
            }
        }

        public init(from decoder: any Decoder) throws {
            var (number, list) = try RowCase.decode(from: decoder)
            switch number {
            case 0: self = .lead(try list.decode(Lead.self))
            case 1: self = .group(try list.decode(Group.self))
            default: throw RowCase.unknown(number, list)
            }
        }
    }

    public static func apply(_ event: RecordedEvent, data: Payload, to rows: ProjectionRows<Row>) throws {
        guard event.type.hasPrefix("lead."), let id = data[EventCatalogue.lead] else { return }
        let held = HeldSums.of(rows)
        // The lead's row, taken out to change and put back (see ProjectionRows.take(_:new:)).
        // New when the event is the first of the lead's stream.
        let key = "lead/\(id)"
        var (slot, row) = try rows.take(key, new: event.version == 1 && event.stream == key)
        defer { rows.put(row.take(), at: slot) }
        if event.type == LeadSent.type {
            // A lead sent again after recycling starts over, in the groups of its new send.
            if case let .lead(before)? = row { held.add(before, to: before.cell, sign: -1) }
            let lead = Lead(lead: id, source: data[LeadSent.source] ?? "unknown", campaign: data[LeadSent.campaign],
                            criteriaVersion: data[LeadSent.criteriaVersion], rep: data[LeadSent.assignedTo],
                            sentAt: event.occurredAt)
            held.add(lead, to: lead.cell)
            row = .lead(lead)
            return
        }
        guard case var .lead(lead)? = row, lead.takes(event.type) else { return }
        // Out of the row first, so that the lead is the only holder of its parts
        // and changes them in place (an objection is appended, not the list copied).
        row = nil
        if event.type == LeadReassigned.type {
            // The one change that moves a lead between groups.
            held.add(lead, to: lead.cell, sign: -1)
            lead.rep = data[LeadReassigned.to]
            held.add(lead, to: lead.cell)
        } else {
            // Its old contribution out and its new one in, in the one cell's sums.
            let sums = held.index(lead.cell)
            held.add(lead, at: sums, sign: -1)
            lead.apply(event, data)
            held.add(lead, at: sums, sign: 1)
        }
        row = .lead(lead)
    }

    /// The changes the fold has summed per cell and not yet added to the group rows.
    final class HeldSums {
        private var sums: [Cell: Group] = [:]

        /// The sums held for `rows` (made on first use).
        static func of(_ rows: ProjectionRows<Row>) -> HeldSums {
            if let held = rows.held { return unsafeDowncast(held, to: HeldSums.self) }
            let held = HeldSums()
            rows.held = held
            return held
        }

        func add(_ lead: Lead, to cell: Cell, sign: Int64 = 1) {
            sums[cell, default: Group()].add(lead, sign: sign)
        }

        /// Where the sums held for `cell` are (made empty if none are), for
        /// ``add(_:at:sign:)``: valid until sums of another cell are added.
        func index(_ cell: Cell) -> [Cell: Group].Index {
            if let index = sums.index(forKey: cell) { return index }
            sums[cell] = Group()
            return sums.index(forKey: cell)!
        }

        /// Adds `lead` to the sums at `index` (see ``index(_:)``), in place.
        func add(_ lead: Lead, at index: [Cell: Group].Index, sign: Int64) {
            sums.values[index].add(lead, sign: sign)
        }

        /// The sums, emptied.
        func take() -> [Cell: Group] {
            defer { sums = [:] }
            return sums
        }
    }
}

// MARK: - The report
