import Foundation
@testable import ParleyCore
import Testing
@testable import ParleyStore

/// The binary form of view rows: whatever a row's Codable shape, it reads back equal.
@Suite struct RowCoderTests {
    struct Sample: Codable, Equatable {
        enum Kind: String, Codable { case a, b }
        struct Inner: Codable, Equatable { var name: String; var when: Timestamp? }
        indirect enum Tree: Codable, Equatable { case leaf(Int64), node([Tree]) }

        var small: Int64
        var numbers: [Int64]
        var words: [String]
        var text: String
        var flag: Bool
        var ratio: Double
        var count: Int
        var optional: String?
        var missing: Int64?
        var time: Timestamp
        var kind: Kind
        var byName: [String: Int64]
        var byNumber: [Int64: Int64]
        var inner: [Inner]
        var tree: Tree
    }

    @Test func everyShapeReadsBackEqual() throws {
        let sample = Sample(
            small: -1, numbers: [0, 1, -1, .max, .min, 300, -300], words: ["", "é", "日本", "a/b|c%"], text: "line\nbreak \"quoted\"",
            flag: true, ratio: -0.1, count: Int.max, optional: "here", missing: nil,
            time: Timestamp(rfc3339: "1969-12-31T23:59:59.5Z")!, kind: .b, byName: ["x": 1, "": -2], byNumber: [5: 6, -7: 8],
            inner: [.init(name: "n", when: nil), .init(name: "m", when: Timestamp(microseconds: 42))],
            tree: .node([.leaf(1), .node([]), .node([.leaf(-2)])]))
        let bytes = try RowCoder.encode(sample)
        #expect(try RowCoder.decode(Sample.self, from: bytes) == sample)
        // Times are their microseconds, not text.
        #expect(try RowCoder.encode(Timestamp(microseconds: 1)) == [3, 2])
    }

    @Test func theBytesAreTheDocumentedForm() throws {
        // Keyed: tag 7, count, then each key (length, UTF-8) and value; an absent optional is left out.
        #expect(try RowCoder.encode(Sample.Inner(name: "n", when: nil)) == [7, 1, 4] + Array("name".utf8) + [5, 1, UInt8(ascii: "n")])
        #expect(try RowCoder.encode([Int64(1), -1]) == [6, 2, 3, 2, 3, 1])
    }

    /// The rows views write by the hundred thousand are lists of their
    /// fields: every case, with optionals present and absent, reads back equal.
    @Test func positionalRowsReadBackEqual() throws {
        typealias Quality = LeadQualityProjection
        var lead = Quality.Lead(lead: "L-1", source: "web", campaign: nil, criteriaVersion: 3, rep: nil, sentAt: Timestamp(microseconds: -5))
        let bare = lead
        lead.verdict = "lead.rejected"
        lead.verdictAt = Timestamp(microseconds: 99)
        lead.rejectReason = "no-budget"
        lead.objections = ["price", "timing"]
        lead.converted = true
        lead.amount = 12.5
        var group = Quality.Group()
        group.add(lead, sign: 1)
        group.add(bare, sign: 1)
        let qualityRows: [Quality.Row] = [.lead(bare), .lead(lead), .group(group), .group(Quality.Group())]
        for row in qualityRows {
            #expect(try RowCoder.decode(Quality.Row.self, from: try RowCoder.encode(row)) == row)
            try expectWritesItsCodableBytes(row, directly: true)
        }
        // A lead's outcome read from its row's bytes alone (the other fields
        // skipped) is the outcome of the whole row, for every case.
        // A quality row reads itself straight from the bytes (RowReadable): the
        // same row as its Codable form gives, every case, counts and all.
        #expect(!group.rejectedByReason.isEmpty && !group.objections.isEmpty && !group.verdictTenths.isEmpty)
        for row in qualityRows {
            let bytes = try RowCoder.encode(row)
            var reader = RowReader(bytes)
            #expect(try Quality.Row(reading: &reader) == row && reader.offset == bytes.count)
            #expect(try RowReader.value(Quality.Row.self, bytes: bytes, at: 0, codingPath: []) == row)
            #expect(throws: (any Error).self) { try RowCoder.decode(Quality.Row.self, from: bytes + [0]) }
        }
        // So is its place (its id, when it was sent and its groups).
        for row in qualityRows {
            var reader = RowReader(try RowCoder.encode(row))
            #expect(try Quality.LeadOutcome(reading: &reader) == Quality.LeadOutcome(row))
            reader.offset = 0
            #expect(try Quality.LeadPlace(reading: &reader) == Quality.LeadPlace(row))
        }
        #expect(Quality.LeadOutcome(.lead(lead)).verdict == "lead.rejected" && Quality.LeadOutcome(.lead(lead)).amount == 12.5)
        #expect(Quality.LeadPlace(.lead(lead)).cell?.criteriaVersion == 3 && Quality.LeadPlace(.lead(lead)).sentAt == Timestamp(microseconds: -5))
        #expect(!Quality.LeadOutcome(.group(group)).isLead && Quality.LeadPlace(.group(group)).lead == nil)
        // A row cut short is an error, not a crash.
        var cut = RowReader(Array(try RowCoder.encode(Quality.Row.lead(lead)).prefix(12)))
        #expect(throws: (any Error).self) { try Quality.LeadOutcome(reading: &cut) }
        // A list of two (case 0, then the lead as a list of its 17 fields), no field names.
        #expect(Array(try RowCoder.encode(Quality.Row.lead(bare)).prefix(6)) == [6, 2, 3, 0, 6, 17])

        typealias FollowUp = FollowUpProjection
        var pending = FollowUp.Pending(lead: "L-2", rep: nil, source: "web", clockStart: Timestamp(microseconds: 1), sentAt: Timestamp(microseconds: 1),
                                       followUpHours: nil, feedbackWithinDays: 7)
        let waiting = pending
        pending.rep = "sam@sales"
        pending.verdictAt = Timestamp(microseconds: 2)
        let sla = FollowUp.SLA(version: 1, followUpHours: 24, feedbackWithinDays: nil, monthlyMqlTarget: 10, setBy: "lee@mgmt", setAt: Timestamp(microseconds: 0))
        let followUpRows: [FollowUp.Row] = [.sla(sla), .pending(waiting), .pending(pending), .counts(FollowUp.Counts()),
                                            .deadline(.init(rep: nil, source: "web")), .deadline(.init(rep: "sam@sales", source: "web")), .openDeadlines(-3),
                                            .versions(AgreementVersions())]
        for row in followUpRows {
            #expect(try RowCoder.decode(FollowUp.Row.self, from: try RowCoder.encode(row)) == row)
            let keyed: Bool
            switch row {
            case .sla, .counts, .versions: keyed = true
            default: keyed = false
            }
            try expectWritesItsCodableBytes(row, directly: !keyed)
        }
        // An unknown case is an error, not a crash.
        #expect(throws: (any Error).self) { try RowCoder.decode(FollowUp.Row.self, from: [6, 2, 3, 18, 0]) }

        typealias Issues = IssuesProjection
        let tension = Issues.Tension(tension: "T-1", title: "Slow", severity: "high", category: "sla", teams: ["sales", "marketing"],
                                     flaggedBy: "mia@marketing", flaggedAt: Timestamp(microseconds: 5), lastActivity: Timestamp(microseconds: 9),
                                     escalated: true, resolved: false)
        let issuesRows: [Issues.Row] = [
            .tension(tension),
            .action(.init(action: "A-1", meeting: "M-1", owner: "sam@sales", text: "call", due: nil, heldAt: Timestamp(microseconds: 1), completedAt: nil)),
            .content(.init(request: "C-1", topic: "ROI", requestedBy: "sam@sales", requestedAt: Timestamp(microseconds: 2), neededBy: "2026-03-04")),
            .criteria(.init(version: 2, changedBy: "mia@marketing", changedAt: Timestamp(microseconds: 3), agreed: ["marketing"])),
            .action(.init(action: "A-2", meeting: "M-1", owner: "mia@marketing", text: "send the deck", due: "2026-03-01",
                          heldAt: Timestamp(microseconds: 1), completedAt: Timestamp(microseconds: 4))),
            .team("sales"),
        ]
        for row in issuesRows {
            let bytes = try RowCoder.encode(row)
            #expect(try RowCoder.decode(Issues.Row.self, from: bytes) == row)
            // Tensions and action items read themselves from their bytes, the same
            // row as their Codable form; the other cases are left to Codable.
            var reader = RowReader(bytes)
            switch row {
            case .tension, .action: #expect(try Issues.Row(reading: &reader) == row && reader.offset == bytes.count)
            default: #expect(try Issues.Row(reading: &reader) == nil && reader.offset == 0)
            }
            #expect(try RowReader.value(Issues.Row.self, bytes: bytes, at: 0, codingPath: []) == row)
            #expect(throws: (any Error).self) { try RowCoder.decode(Issues.Row.self, from: Array(bytes.dropLast())) }
        }
    }

    @Test func routingRowsReadBackEqualAndALeadWritesItsCodableBytes() throws {
        typealias Routing = RoutingProjection
        let sent = Routing.Assignment(reassigned: false, to: "sam@sales", at: Timestamp(microseconds: -3), by: "mia@marketing", reason: nil, position: 1)
        let moved = Routing.Assignment(reassigned: true, to: nil, at: Timestamp(microseconds: 9), by: "lee@mgmt", reason: "out", position: 1_000_000)
        let leads: [Routing.Row] = [.lead(.init(source: "web", assignments: [sent])), .lead(.init(source: "", assignments: [sent, moved, sent]))]
        for row in leads {
            #expect(try RowCoder.decode(Routing.Row.self, from: try RowCoder.encode(row)) == row)
            try expectWritesItsCodableBytes(row, directly: true)
        }
        let tallies: [Routing.Row] = [.rep(.init(sent: 3, movedIn: 1, movedOut: 2, holding: 2)), .source(.init(leads: 4, reassignments: 5, moved: 1)), .often]
        for row in tallies {
            #expect(try RowCoder.decode(Routing.Row.self, from: try RowCoder.encode(row)) == row)
            try expectWritesItsCodableBytes(row, directly: false)
        }
    }

    /// A row that writes itself (RowWritable) writes the bytes of its Codable
    /// form; `directly`: it has a direct form for this case (else it declines,
    /// and the store codes it through Codable).
    func expectWritesItsCodableBytes(_ row: some RowWritable & Encodable, directly: Bool,
                                     sourceLocation: SourceLocation = #_sourceLocation) throws {
        var writer = RowWriter()
        #expect(row.write(to: &writer) == directly, sourceLocation: sourceLocation)
        let codable = try RowCoder.encodeThroughCodable(row)
        if directly { #expect(writer.bytes == codable, "\(row)", sourceLocation: sourceLocation) }
        #expect(try RowCoder.encode(row) == codable, sourceLocation: sourceLocation)
    }

    /// The signals view's most-read cases read themselves from their bytes
    /// (RowReadable): the same row as their Codable form gives, a rate
    /// watch with its run, raised signal, frozen baseline and deadlines
    /// included. The other cases are left to Codable, the reader unmoved.
    @Test func signalsRowsReadFromTheirBytesAreTheirCodableForm() throws {
        typealias Signals = SignalsProjection
        let start = Timestamp(rfc3339: "2026-01-05T09:00:00Z")!
        func at(_ hours: Int) -> Timestamp { Timestamp(microseconds: start.microseconds + Int64(hours) * 3_600_000_000) }
        let config = SignalConfig()
        // A calm history (one rejection in ten), then rejections only: the
        // statistic climbs, a signal is raised and its baseline frozen.
        var watch = RateWatch()
        for step in 0..<400 { watch.observe(step % 10 == 0, at: at(step * 3), position: Int64(step), reason: "no-budget", config: config) }
        let learning = watch
        for step in 400..<460 {
            watch.observe(true, at: at(step * 3), position: Int64(step), reason: step % 2 == 0 ? "no-budget" : "wrong-fit", config: config)
        }
        watch.expect(.init(lead: "L-1", due: at(2_000), position: 7))
        watch.expect(.init(lead: "L-2", due: at(1_990), position: 8))
        #expect(watch.raised != nil && watch.frozen != nil && watch.run?.reasons.count == 2 && watch.run?.positions.isEmpty == false)
        #expect(watch.pending.count == 2 && watch.buckets.count > 2 && learning.run == nil && learning.raised == nil)

        let tension = Signals.TensionWatch(tension: "T-1", title: "Leads are “students”", category: "lead-quality", severity: "high",
                                           flaggedAt: at(0), lastActivity: at(5), lastPosition: 9, escalated: true, resolved: false)
        var month = Signals.MonthWatch()
        month.days[3] = 12
        let handRead: [Signals.Row] = [
            .watch(RateWatch()), .watch(learning), .watch(watch), .tension(tension),
            .lead(.init(source: "webinar", rep: "sam@sales", sentAt: at(1), verdictAt: at(2))),
            .lead(.init(source: "webinar", rep: nil, sentAt: at(1), verdictAt: nil)),
        ]
        let leftToCodable: [Signals.Row] = [.team("sales"), .latest(3), .durations([1.5, 7]), .month(month), .config(config),
                                            .meetings([.init(at: at(3), position: 4)]), .slaVersions(AgreementVersions())]
        for row in handRead + leftToCodable {
            let bytes = try RowCoder.encode(row)
            var reader = RowReader(bytes)
            if let read = try Signals.Row(reading: &reader) {
                #expect(read == row && reader.offset == bytes.count)
            } else {
                #expect(reader.offset == 0 && leftToCodable.contains(row))
            }
            #expect(try RowCoder.decode(Signals.Row.self, from: bytes) == row)
            #expect(try RowReader.value(Signals.Row.self, bytes: bytes, at: 0, codingPath: []) == row)
            // Cut short, it is an error, not a crash.
            #expect(throws: (any Error).self) { try RowCoder.decode(Signals.Row.self, from: Array(bytes.dropLast())) }
        }
        // Every hand-read case was read by hand.
        for row in handRead {
            var reader = RowReader(try RowCoder.encode(row))
            #expect(try Signals.Row(reading: &reader) != nil)
        }
    }

    @Test func contentRowsReadFromTheirBytesAreTheirCodableForm() throws {
        typealias Content = ContentProjection
        let uses = [Content.Use(actor: "sam@sales", lead: "L-1", at: Timestamp(microseconds: -7)),
                    Content.Use(actor: "mia@marketing", lead: nil, at: Timestamp(microseconds: 1_000_000))]
        var shared = Content.Resource()
        (shared.order, shared.title, shared.kind, shared.team) = (12, "Pricing “sheet”", "pdf", "marketing")
        (shared.sharedBy, shared.sharedAt, shared.uses) = ("mia@marketing", Timestamp(microseconds: 5), uses)
        var usedOnly = Content.Resource()
        usedOnly.uses = [uses[0]]
        let rows: [Content.Row] = [
            .resource(Content.Resource()), .resource(shared), .resource(usedOnly),
            .request(.init(order: 3, topic: "case study", requestedBy: "sam@sales", requestedAt: Timestamp(microseconds: 9), neededBy: nil, deliveredAt: nil)),
            .request(.init(order: 4, topic: "", requestedBy: "sam@sales", requestedAt: Timestamp(microseconds: 9),
                           neededBy: Timestamp(microseconds: 99), deliveredAt: Timestamp(microseconds: 50))),
        ]
        for row in rows {
            let bytes = try RowCoder.encode(row)
            var reader = RowReader(bytes)
            #expect(try Content.Row(reading: &reader) == row)
            #expect(reader.offset == bytes.count)
            #expect(try RowReader.value(Content.Row.self, bytes: bytes, at: 0, codingPath: []) == row)
            #expect(throws: (any Error).self) { try RowCoder.decode(Content.Row.self, from: Array(bytes.dropLast())) }
        }
    }

    @Test func containersPastOneByteOfCountReadBackEqual() throws {
        // Counts past 127 and 16,383 take more than one byte.
        let names = Dictionary(uniqueKeysWithValues: (0..<200).map { ("k\($0)", Int64($0)) })
        let inner = (0..<20_000).map { Sample.Inner(name: "n\($0)", when: $0 % 2 == 0 ? Timestamp(microseconds: Int64($0)) : nil) }
        let trees = Sample.Tree.node((0..<300).map { .node([.leaf(Int64($0)), .node([])]) })
        #expect(try RowCoder.decode([String: Int64].self, from: try RowCoder.encode(names)) == names)
        #expect(try RowCoder.decode([Sample.Inner].self, from: try RowCoder.encode(inner)) == inner)
        #expect(try RowCoder.decode(Sample.Tree.self, from: try RowCoder.encode(trees)) == trees)
    }

    @Test func damagedBytesAreAnErrorNotACrash() throws {
        let bytes = try RowCoder.encode(Sample.Inner(name: "name", when: Timestamp(microseconds: 7)))
        for cut in 0..<bytes.count {
            #expect(throws: (any Error).self) { try RowCoder.decode(Sample.Inner.self, from: Array(bytes.prefix(cut))) }
        }
        #expect(throws: (any Error).self) { try RowCoder.decode(Sample.Inner.self, from: bytes + [0]) }
        #expect(throws: (any Error).self) { try RowCoder.decode(Sample.Inner.self, from: [9]) }
        #expect(throws: (any Error).self) { try RowCoder.decode(Int64.self, from: try RowCoder.encode("text")) }
    }
}
