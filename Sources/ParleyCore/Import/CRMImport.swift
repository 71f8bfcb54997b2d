import Foundation

/// Turns the rows of a CRM's leads export into Parley events: `lead.sent`
/// from the mapped columns, and where a status or converted column says
/// so, `lead.accepted` / `lead.rejected` / `lead.converted` / `lead.lost`
/// at the mapped times.
///
/// The CSV itself is read elsewhere (the CLI, with CSV.swift); this is the
/// pure part: which column means what, and what each value means.
public struct CRMImport: Sendable {
    /// The mapping keys of a leads file (`--map key=COLUMN`).
    public enum Key: String, CaseIterable, Sendable {
        case lead, source, campaign, score, owner
        case sentAt = "sent_at"
        case status
        case verdictAt = "verdict_at"
        case reason, converted
        case convertedAt = "converted_at"
        case amount

        public var help: String {
            switch self {
            case .lead: "the lead's id (required), e.g. Record ID"
            case .source: "where it came from (an empty cell becomes \"unknown\")"
            case .campaign: "the campaign"
            case .score: "lead score, 0 to 100"
            case .owner: "the CRM owner, kept as assigned_to"
            case .sentAt: "when marketing handed it over (required): the MQL date"
            case .status: "lead status: accepted, rejected, converted, lost, or none yet"
            case .verdictAt: "when sales gave the verdict (default: sent_at)"
            case .reason: "why it was rejected"
            case .converted: "true/false, yes/no, 1/0: the lead became a customer"
            case .convertedAt: "when it converted (default: the verdict time)"
            case .amount: "the deal's amount"
            }
        }
    }

    /// Column names for each key, matched case-insensitively; the first present wins.
    public var columns: [Key: [String]]
    /// Columns carried into each lead's `attributes` (`--attribute COLUMN[=NAME]`),
    /// so that criteria rules can be checked on imported leads.
    public var attributes: [(column: String, name: String)] = []

    public init(columns: [Key: [String]]) {
        self.columns = columns
    }

    /// HubSpot's contacts export.
    public static let hubspot = CRMImport(columns: [
        .lead: ["Record ID", "Contact ID"], .source: ["Original Source"], .campaign: ["Original Source Drill-Down 1"],
        .score: ["HubSpot Score"], .owner: ["Contact owner"],
        .sentAt: ["Became a Marketing Qualified Lead Date", "Create Date"],
        .status: ["Lead Status", "Lifecycle Stage"], .verdictAt: ["Became a Sales Qualified Lead Date"],
        .convertedAt: ["Became a Customer Date"],
    ])

    /// Salesforce's Lead export (Data Loader header case varies: matched case-insensitively).
    public static let salesforce = CRMImport(columns: [
        .lead: ["Id"], .source: ["LeadSource"], .status: ["Status"], .converted: ["IsConverted"],
        .convertedAt: ["ConvertedDate"], .sentAt: ["CreatedDate"], .owner: ["OwnerId"],
    ])

    public static let presets: [String: CRMImport] = ["hubspot": hubspot, "salesforce": salesforce]

    /// What a status value says about a lead.
    public enum Outcome: Sendable, Equatable {
        case none, accepted, rejected(reason: String), converted, lost

        /// How far the lead got: a later stage says more than an earlier one.
        var rank: Int {
            switch self {
            case .none: 0
            case .accepted: 1
            case .rejected: 2
            case .lost: 3
            case .converted: 4
            }
        }
    }

    /// Status words of HubSpot, Salesforce and plain use; anything else is unknown.
    public static func outcome(ofStatus raw: String) -> Outcome? {
        let status = raw.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).joined(separator: " ")
        switch status {
        case "", "new", "open", "open not contacted", "attempted to contact", "subscriber", "lead",
             "marketing qualified lead", "marketingqualifiedlead", "mql":
            return Outcome.none
        case "accepted", "qualified", "sal", "working", "working contacted", "contacted", "connected", "in progress",
             "open deal", "sales qualified lead", "salesqualifiedlead", "sql", "opportunity":
            return .accepted
        case "rejected", "unqualified", "disqualified", "not a fit", "junk", "closed not converted":
            return .rejected(reason: "not-a-fit")
        case "bad timing", "not ready", "nurture":
            return .rejected(reason: "not-ready")
        case "converted", "customer", "won", "closed won", "closed converted", "evangelist":
            return .converted
        case "lost", "closed lost":
            return .lost
        default:
            return nil
        }
    }

    /// A cell as an attribute: a number when it reads as one and prints the
    /// same way back (so a code such as "00123" stays text), else text.
    public static func attribute(_ text: String) -> AttributeValue {
        if let integer = Int64(text), String(integer) == text { return .number(Double(integer)) }
        if text.contains("."), !text.hasPrefix("."), !text.hasSuffix("."), let number = Double(text), number.isFinite { return .number(number) }
        return .text(text)
    }

    /// The attribute name a column gives by default: lower case, spaces and
    /// punctuation as underscores ("Number of Employees" is number_of_employees).
    public static func attributeName(forColumn column: String) -> String {
        var name = ""
        for character in column.lowercased() {
            if character.isLetter || character.isNumber { name.append(character) } else if !name.hasSuffix("_") { name.append("_") }
        }
        return String(name.trimmingCharacters(in: CharacterSet(charactersIn: "_")))
    }

    /// A value of the `converted` column: true, false, or nil when not a yes/no.
    public static func flag(_ raw: String) -> Bool? {
        switch raw.lowercased().trimmingWhitespace {
        case "true", "yes", "y", "1", "x": true
        case "false", "no", "n", "0", "": false
        default: nil
        }
    }

    /// A CRM owner as a member handle: kept if it is one, else made one
    /// (`Sam Ortiz` → `sam.ortiz@crm`, `0055e000001AbcD` → `0055e000001abcd@crm`).
    public static func handle(forOwner raw: String) -> String? {
        let owner = String(raw.trimmingWhitespace)
        guard !owner.isEmpty else { return nil }
        if PayloadField.Kind.isHandle(owner) { return owner }
        var name = ""
        for scalar in owner.lowercased().unicodeScalars {
            if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "." || scalar == "-" || scalar == "_" {
                name.unicodeScalars.append(scalar)
            } else if !name.isEmpty, name.last != "." {
                name.append(".")
            }
        }
        while name.hasSuffix(".") { name.removeLast() }
        return name.isEmpty ? nil : String(name.prefix(80)) + "@crm"
    }
}

/// One row of a leads file that could not become events.
public struct CRMRowError: Error, Sendable, Equatable, CustomStringConvertible {
    public var row: Int
    public var column: String?
    public var reason: String
    /// What of the mapping the error is about, when it is about the
    /// mapping rather than the file: `attribute` for a column to carry into
    /// the leads' attributes (a front end names its own option for it).
    public var mapping: String?

    public var description: String {
        "row \(row)" + (column.map { ", column \"\($0)\"" } ?? "") + ": " + reason
    }
}

/// Values the import met and could not use, counted, to report once each.
public struct CRMNotes: Sendable, Equatable {
    public var unknownStatuses: [String: Int] = [:]
    public var badScores: [String: Int] = [:]
    public var badDates: [String: Int] = [:]
    public var badAmounts: [String: Int] = [:]
    public var owners: [String: String] = [:]

    public init() {}

    /// One line per kind of value not used, with counts.
    public var lines: [String] {
        var lines: [String] = []
        func list(_ counts: [String: Int]) -> String {
            counts.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.prefix(8).map { "\"\($0.key)\" ×\($0.value)" }.joined(separator: ", ")
                + (counts.count > 8 ? ", …" : "")
        }
        if !unknownStatuses.isEmpty { lines.append("unknown status values, imported without a verdict: \(list(unknownStatuses))") }
        if !badScores.isEmpty { lines.append("scores that are not 0–100, left out: \(list(badScores))") }
        if !badDates.isEmpty { lines.append("dates that could not be read, left out: \(list(badDates))") }
        if !badAmounts.isEmpty { lines.append("amounts that are not numbers, left out: \(list(badAmounts))") }
        let renamed = owners.filter { $0.key != $0.value }
        if !renamed.isEmpty {
            lines.append("CRM owners kept as handles: " + renamed.sorted { $0.key < $1.key }.prefix(8).map { "\($0.key) → \($0.value)" }.joined(separator: ", ")
                         + (renamed.count > 8 ? ", …" : ""))
        }
        return lines
    }
}

extension CRMImport {
    /// A header matched to the mapping: the index of each mapped key's column.
    public struct Header: Sendable {
        public var index: [Key: Int]
        public var names: [Key: String]
        /// Every status column present (HubSpot has Lead Status and Lifecycle Stage): the strongest outcome wins.
        public var statusIndices: [Int] = []
        /// Header cells no key maps, to report.
        public var unmapped: [String]
        /// Columns carried into the leads' attributes, by index, with the attribute's name.
        public var attributeIndices: [(index: Int, name: String)] = []
    }

    /// The widest header read. CRM exports run to a few hundred columns;
    /// a file far wider is not one, and each of its rows would be held whole.
    public static let maximumColumns = 2_000

    /// Matches `header` (the first row) against the mapping.
    ///
    /// - Throws: ``CRMRowError`` when `lead` or `sent_at` has no column, an
    ///   attribute's column is missing, or the header is wider than ``maximumColumns``.
    public func match(header: [String]) throws(CRMRowError) -> Header {
        guard header.count <= Self.maximumColumns else {
            throw CRMRowError(row: 1, column: nil, reason: "the header has \(header.count) columns; a CRM export has at most \(Self.maximumColumns) — export only the columns you map")
        }
        let lowered = header.map { $0.trimmingWhitespace.lowercased().replacingBOM }
        var index: [Key: Int] = [:]
        var names: [Key: String] = [:]
        for (key, candidates) in columns {
            for candidate in candidates {
                if let found = lowered.firstIndex(of: candidate.lowercased()) {
                    index[key] = found
                    names[key] = header[found]
                    break
                }
            }
        }
        let statusIndices = (columns[.status] ?? []).compactMap { lowered.firstIndex(of: $0.lowercased()) }
        for key in [Key.lead, .sentAt] where index[key] == nil {
            throw CRMRowError(row: 1, column: nil, reason: "no column for \(key.rawValue) (looked for \(columns[key]?.map { "\"\($0)\"" }.joined(separator: ", ") ?? "nothing; map a column to \(key.rawValue)")); the header has \(header.prefix(12).map { "\"\($0)\"" }.joined(separator: ", "))")
        }
        var attributeIndices: [(index: Int, name: String)] = []
        for attribute in attributes {
            guard let found = lowered.firstIndex(of: attribute.column.lowercased()) else {
                throw CRMRowError(row: 1, column: nil, reason: "no column \"\(attribute.column)\" to carry into the leads' attributes; the header has \(header.prefix(12).map { "\"\($0)\"" }.joined(separator: ", "))",
                                  mapping: "attribute")
            }
            attributeIndices.append((found, attribute.name))
        }
        let used = Set(index.values).union(statusIndices).union(attributeIndices.map(\.index))
        return Header(index: index, names: names, statusIndices: statusIndices,
                      unmapped: header.indices.filter { !used.contains($0) }.map { header[$0] },
                      attributeIndices: attributeIndices)
    }
}

extension String {
    /// Without a UTF-8 byte order mark at the start (a first header cell may carry one).
    var replacingBOM: String { hasPrefix("\u{FEFF}") ? String(dropFirst()) : self }
}

extension CRMImport {
    /// A deal from a separate outcomes file, joined by lead id.
    public struct Deal: Sendable, Equatable {
        public var convertedAt: Timestamp?
        public var amount: Double?

        public init(convertedAt: Timestamp?, amount: Double?) {
            self.convertedAt = convertedAt
            self.amount = amount
        }
    }

    /// An amount as CRMs write them: `12000`, `12,000.50`, `€ 12000`.
    public static func amount(_ raw: String) -> Double? {
        let cleaned = raw.filter { $0.isNumber || $0 == "." || $0 == "-" }
        guard !cleaned.isEmpty, let value = Double(cleaned), value >= 0 else { return nil }
        return value
    }

    /// The events of one data row (row numbers as a spreadsheet shows them:
    /// the header is row 1).
    ///
    /// - Parameters:
    ///   - makeID: a stable event id for a text (the same row of the same
    ///     file gets the same ids, so importing it again adds nothing).
    /// - Throws: ``CRMRowError`` naming the row and column when the row cannot be a lead.
    public func events(
        row cells: [String], number: Int, header: Header, actor: String, file: String,
        deals: [String: Deal] = [:], notes: inout CRMNotes, makeID: (String) -> EventID
    ) throws(CRMRowError) -> [ProposedEvent] {
        func cell(_ key: Key) -> String? {
            guard let index = header.index[key], index < cells.count else { return nil }
            let value = String(cells[index].trimmingWhitespace)
            return value.isEmpty ? nil : value
        }
        func fail(_ key: Key?, _ reason: String) -> CRMRowError {
            CRMRowError(row: number, column: key.flatMap { header.names[$0] }, reason: reason)
        }
        func date(_ key: Key) -> Timestamp? {
            guard let text = cell(key) else { return nil }
            if let time = CRMDate.parse(text) { return time }
            notes.badDates[text, default: 0] += 1
            return nil
        }
        guard let rawLead = cell(.lead) else { throw fail(.lead, "the lead id is empty") }
        let lead = rawLead.replacingOccurrences(of: " ", with: "-").replacingOccurrences(of: "/", with: "-")
        guard let sentText = cell(.sentAt) else { throw fail(.sentAt, "the date the lead was handed over is empty") }
        guard let sentAt = CRMDate.parse(sentText) else {
            throw fail(.sentAt, "cannot read the date \"\(sentText)\"; use 2026-01-05, 2026-01-05 09:30, 01/05/2026 or RFC 3339")
        }
        var score: Int64?
        if let text = cell(.score) {
            if let value = Double(text), (0...100).contains(value) { score = Int64(value.rounded()) } else { notes.badScores[text, default: 0] += 1 }
        }
        var owner: String?
        if let raw = cell(.owner) {
            owner = CRMImport.handle(forOwner: raw)
            notes.owners[raw] = owner
        }
        var outcome = Outcome.none
        for index in header.statusIndices where index < cells.count {
            let status = String(cells[index].trimmingWhitespace)
            guard !status.isEmpty else { continue }
            if let known = CRMImport.outcome(ofStatus: status) {
                if known.rank > outcome.rank { outcome = known }
            } else {
                notes.unknownStatuses[status, default: 0] += 1
            }
        }
        if let converted = cell(.converted), CRMImport.flag(converted) == true { outcome = .converted }
        // A conversion date is set only for leads that converted (HubSpot, Salesforce).
        if cell(.convertedAt).flatMap(CRMDate.parse) != nil, cell(.converted).flatMap(CRMImport.flag) != false { outcome = .converted }
        let deal = deals[rawLead]
        if deal != nil { outcome = .converted }
        let verdictAt = max(date(.verdictAt) ?? sentAt, sentAt)
        let convertedAt = max(deal?.convertedAt ?? date(.convertedAt) ?? verdictAt, verdictAt)
        var amount = deal?.amount
        if amount == nil, let text = cell(.amount) {
            amount = CRMImport.amount(text)
            if amount == nil { notes.badAmounts[text, default: 0] += 1 }
        }

        let meta = JSONValue.object(["import": .object(["file": .string(file), "row": .integer(Int64(number))])])
        var events: [ProposedEvent] = []
        func add<T: EventPayload>(_ payload: T, at time: Timestamp) throws(CRMRowError) {
            do {
                var event = try payload.event(actor: actor, occurredAt: time, meta: meta)
                event.id = makeID("\(file)|\(number)|\(T.type)")
                event.line = number
                events.append(event)
            } catch {
                throw CRMRowError(row: number, column: error.field.flatMap { field in
                    Key.allCases.first { field == "data.\($0.rawValue)" || (field == "data.assigned_to" && $0 == .owner) }
                        .flatMap { header.names[$0] } ?? field
                }, reason: error.reason)
            }
        }
        var attributes: [String: AttributeValue] = [:]
        for (index, name) in header.attributeIndices where index < cells.count {
            let value = String(cells[index].trimmingWhitespace)
            if !value.isEmpty { attributes[name] = CRMImport.attribute(value) }
        }
        try add(LeadSent(lead: lead, source: cell(.source) ?? "unknown", campaign: cell(.campaign).map { String($0.prefix(100)) },
                         score: score, assignedTo: owner, attributes: attributes.isEmpty ? nil : attributes), at: sentAt)
        switch outcome {
        case .none:
            break
        case .accepted:
            try add(LeadAccepted(lead: lead), at: verdictAt)
        case let .rejected(reason):
            let given = cell(.reason)
            let known = given.flatMap { text in EventCatalogue.rejectReasons.first { $0 == text.lowercased().replacingOccurrences(of: " ", with: "-") } }
            try add(LeadRejected(lead: lead, reason: known ?? (given == nil ? reason : "other"), comment: known == nil ? given : nil), at: verdictAt)
        case .converted:
            try add(LeadAccepted(lead: lead), at: verdictAt)
            try add(LeadConverted(lead: lead, amount: amount, currency: nil), at: convertedAt)
        case .lost:
            try add(LeadAccepted(lead: lead), at: verdictAt)
            try add(LeadLost(lead: lead, reason: cell(.reason)), at: convertedAt)
        }
        return events
    }
}
