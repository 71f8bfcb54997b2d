// Over 400 lines: the random history and the properties every view must hold of it
// (stepwise, rebuilt and replayed alike) are one piece; view-specific tests go elsewhere.

import Foundation
import GRDB
import ParleyCore
import Testing
@testable import ParleyStore

/// A random but valid history: members, leads from several sources with
/// verdicts, feedback, reassignments, recycling, outcomes, role
/// definitions, moves, and retractions of some of it.
struct RandomHistory {
    var generator: SeededGenerator
    var time = Timestamp(rfc3339: "2026-01-05T08:00:00Z")!
    var leads: [String] = []
    var events: [RecordedEvent] = []

    init(seed: UInt64) { generator = SeededGenerator(seed: seed) }

    mutating func next(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &generator) }
    mutating func pick<T>(_ items: [T]) -> T { items[next(0...(items.count - 1))] }

    /// The next `count` events, as proposals (some backdated).
    mutating func batch(_ count: Int, log: EventLog) throws -> [ProposedEvent] {
        var batch: [ProposedEvent] = []
        let reps = ["sam@sales", "zoe@sales", "olivia@sales"]
        while batch.count < count {
            time.microseconds += Int64(next(1...240)) * 60_000_000
            let at = next(0...9) == 0 ? Timestamp(microseconds: time.microseconds - Int64(next(1...30)) * 86_400_000_000) : time
            switch next(0...25) {
            case 20:
                batch.append(try SLASet(followUpHours: Int64(next(4...48)), feedbackWithinDays: Int64(next(1...9))).event(actor: "lee@mgmt", occurredAt: at))
            case 21:
                let tension = "T-\(next(1...8))"
                switch next(0...3) {
                case 0:
                    batch.append(try TensionFlagged(tension: tension, title: "t", severity: pick(EventCatalogue.severities), category: "sla")
                        .event(actor: "sam@sales", occurredAt: at))
                case 1: batch.append(try TensionResolved(tension: tension, resolution: "r").event(actor: "lee@mgmt", occurredAt: at))
                case 2: batch.append(try TensionReopened(tension: tension).event(actor: "sam@sales", occurredAt: at))
                default: batch.append(try TensionEscalated(tension: tension, to: "lee@mgmt").event(actor: "sam@sales", occurredAt: at))
                }
            case 22:
                let meeting = "M-\(next(1...50))"
                batch.append(try MeetingHeld(meeting: meeting, title: "sync", attendees: ["sam@sales", "mia@marketing"],
                                             actionItems: [.init(action: "A-\(meeting.dropFirst(2))", owner: "sam@sales", text: "x", due: "2026-02-01")])
                    .event(actor: "lee@mgmt", occurredAt: at))
            case 23:
                let meeting = "M-\(next(1...50))"
                batch.append(try ActionCompleted(action: "A-\(meeting.dropFirst(2))").event(actor: "sam@sales", stream: "meeting/\(meeting)", occurredAt: at))
            case 24:
                let version = Int64(next(1...4))
                batch.append(try (next(0...1) == 0
                    ? CriteriaChanged(version: version, rules: "rule \(next(1...3)) and more").event(actor: "mia@marketing", occurredAt: at)
                    : CriteriaAgreed(version: version, team: pick(["sales", "marketing"])).event(actor: "sam@sales", occurredAt: at)))
            case 25:
                let request = "C-\(next(1...9))"
                batch.append(try (next(0...1) == 0
                    ? ContentRequested(request: request, topic: "t", neededBy: "2026-02-0\(next(1...9))").event(actor: "sam@sales", occurredAt: at)
                    : ContentDelivered(request: request).event(actor: "mia@marketing", occurredAt: at)))
            case 0:
                batch.append(try MemberJoined(handle: "m\(next(1...5))@sales", name: "M", team: pick(["sales", "marketing"])).event(actor: "lee@mgmt", occurredAt: at))
            case 1:
                batch.append(try RoleDefined(team: pick(["sales", "marketing"]), responsibility: "r\(next(1...9))").event(actor: "lee@mgmt", occurredAt: at))
            case 2...7:
                let lead = "L-\(leads.count + 1)"
                leads.append(lead)
                batch.append(try LeadSent(lead: lead, source: pick(["webinar", "referral", "paid-search"]), campaign: pick(["q1", "q2", nil]),
                                          criteriaVersion: Int64(next(1...2)), score: Int64(next(0...100)), assignedTo: pick(reps))
                    .event(actor: "mia@marketing", occurredAt: at))
            default:
                guard !leads.isEmpty else { continue }
                let lead = pick(leads)
                let payload: any EventPayload = switch next(0...6) {
                case 0: LeadAccepted(lead: lead)
                case 1: LeadRejected(lead: lead, reason: pick(EventCatalogue.rejectReasons))
                case 2: LeadFeedback(lead: lead, rating: Int64(next(1...5)), objections: [pick(["price", "timing"])])
                case 3: LeadConverted(lead: lead, amount: Double(next(1...90)) * 100.5, currency: "EUR")
                case 4: LeadReassigned(lead: lead, to: pick(reps))
                case 5: LeadRecycled(lead: lead)
                default: LeadLost(lead: lead)
                }
                batch.append(try event(payload, actor: pick(reps), at: at))
            }
        }
        // Now and then, take back one of the events already in the log.
        if next(0...2) == 0, try log.head().count > 0 {
            let target = try log.event(at: Int64(next(1...Int(try log.head().lastPosition))))
            if target.type != "event.retracted" {
                batch.append(try EventRetracted(target: target.id.description, reason: "mistake").event(actor: "lee@mgmt", stream: target.stream))
            }
        }
        return batch
    }

    private func event(_ payload: any EventPayload, actor: String, at: Timestamp) throws -> ProposedEvent {
        try payload.event(actor: actor, occurredAt: at)
    }
}

extension EventLog {
    /// Every event, in position order.
    func everything() throws -> [RecordedEvent] { try all() }
}

@Suite struct ProjectionTests {
    private func randomLog(seed: UInt64, batches: Int = 30, size: Int = 40, catchUpEachBatch: Bool) throws -> EventLog {
        let log = try EventLog.create(at: try temporaryFolder().appending(path: "p.db").path).0
        var history = RandomHistory(seed: seed)
        for batch in 0..<batches {
            try log.append(try history.batch(size, log: log), policy: .payloadOnly)
            if catchUpEachBatch { try AllViews.catchUp(log, batch: batch) }
        }
        // Last, one pass for all: the views stand at different checkpoints by now.
        if catchUpEachBatch { try AllViews.catchUp(log, batch: 0) }
        return log
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func caughtUpInStepsEqualsRebuiltEqualsReplayed(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        let log = try randomLog(seed: seed, catchUpEachBatch: true)
        let events = try log.everything()
        #expect(events.contains { $0.type == "event.retracted" }, "the history has retractions")
        try AllViews.check(log, events)
        // The deadline tallies SQLite counts equal those counted in memory, at any moment.
        let rows = try log.rows(FollowUpProjection.self)
        for kind in FollowUpProjection.DeadlineKind.allCases {
            #expect(rows.keys.contains { $0.hasPrefix(kind.prefix) }, "the history leaves \(kind) deadlines open")
            for time in events.map(\.occurredAt).shuffled(using: &rng).prefix(5) {
                let persisted = try log.tally(FollowUpProjection.self, prefix: kind.prefix, split: kind.split(time))
                let fromTotals = try log.tally(FollowUpProjection.self, prefix: kind.prefix, split: kind.split(time), total: FollowUpProjection.DeadlineKind.total)
                let counted = RowTally.of(rows, prefix: kind.prefix, split: kind.split(time))
                #expect(persisted.count == counted.count && Set(persisted.map { "\($0)" }) == Set(counted.map { "\($0)" }))
                // The groups' count rows, kept by the fold, agree with the rows counted one by one.
                #expect(Set(fromTotals.map { "\($0)" }) == Set(counted.map { "\($0)" }))
                #expect(persisted.reduce(0) { $0 + $1.below + $1.atOrAbove } == rows.keys.filter { $0.hasPrefix(kind.prefix) && $0.dropFirst(kind.prefix.count).contains("/") }.count)
            }
        }
    }

    @Test(arguments: [false, true], [false, true])
    func viewsFoldedSideBySideEqualViewsFoldedOneByOne(startingOver: Bool, smallChunks: Bool) throws {
        // Caught up once, then 2,700 events later: the views fold on two threads, the second
        // reading through its own connection, and the first share's rows (over a thousand)
        // are encoded on both. With a retraction among them, every view starts over in that
        // transaction, while the second connection still sees the old rows: the view must
        // not read them. Small chunks: 1,000 events each, with 50 rows cached, so that the
        // folds read back what the chunks before wrote.
        let log = try EventLog.create(at: try temporaryFolder().appending(path: "s.db").path).0
        var history = RandomHistory(seed: 13)
        for _ in 0..<20 { try log.append(try history.batch(40, log: log), policy: .payloadOnly) }
        try log.catchUp(ViewCatalogue.projections)
        // New leads (no retraction among them, which would start the views over), judged and rated.
        var time = Timestamp(rfc3339: "2026-06-01T08:00:00Z")!
        func later(_ hours: Int64) -> Timestamp { Timestamp(microseconds: time.microseconds + hours * 3_600_000_000) }
        var events: [ProposedEvent] = []
        for n in 0..<1_000 {
            time.microseconds += 3_600_000_000
            let lead = "P-\(n)"
            events.append(try LeadSent(lead: lead, source: ["webinar", "referral", "trade-show"][n % 3], campaign: "c\(n % 5)",
                                       assignedTo: ["sam@sales", "zoe@sales"][n % 2]).event(actor: "mia@marketing", occurredAt: time))
            if n % 3 != 0 {
                events.append(try (n % 3 == 1 ? LeadAccepted(lead: lead).event(actor: "sam@sales", occurredAt: later(Int64(n % 50)))
                                              : LeadRejected(lead: lead, reason: "no-budget").event(actor: "sam@sales", occurredAt: later(30))))
            }
            if n % 2 == 0 { events.append(try LeadFeedback(lead: lead, rating: Int64(n % 5 + 1)).event(actor: "sam@sales", occurredAt: later(40))) }
        }
        if startingOver {
            let target = try log.everything().first { $0.type == "lead.sent" }!
            events.append(try EventRetracted(target: target.id.description, reason: "mistake").event(actor: "lee@mgmt", stream: target.stream))
        }
        try log.append(events, policy: .payloadOnly)
        let folded = try log.catchUp(ViewCatalogue.projections, chunk: smallChunks ? 1_000 : EventLog.catchUpChunk,
                                     cached: smallChunks ? 50 : EventLog.catchUpCached)
        #expect(folded > (smallChunks ? 2_000 : ChunkFold.parallelAbove), "enough new events to fold side by side")
        try AllViews.check(log, try log.everything())
    }

    @Test func theQueryNamesTheTypesOnlyWhenTheyAreTheFewer() throws {
        // All views read most types: the rows come unfiltered, and the reading thread tests them.
        let all = Set(ViewCatalogue.projections.flatMap { $0.typePrefixes }).sorted()
        #expect(EventLog.typeTest(all).clause == "")
        // One small view: SQLite skips the rest.
        let members = EventLog.typeTest(MembersProjection.typePrefixes)
        let memberTypes = EventCatalogue.typeNames.filter { $0.hasPrefix("member.") }
        let placeholders = Array(repeating: "?", count: memberTypes.count).joined(separator: ", ")
        #expect(!memberTypes.isEmpty)
        #expect(members.types == memberTypes)
        #expect(members.clause == " AND type IN (\(placeholders))")
        #expect(EventLog.typeTest(["nothing."]).clause == " AND 0")
        #expect(EventLog.typeTest([]).clause == "")
        // The reading thread's test agrees with the prefixes.
        let log = try EventLog.create(at: try temporaryFolder().appending(path: "t.db").path).0
        try log.append([try lead("L-1"), try lead("L-1", "lead.accepted")], policy: .payloadOnly)
        let filter = TypePrefixes(["lead.acc"])
        let accepted: [Bool] = try log.read { db in
            let statement = try RawStatement(db, cached: "SELECT \(EventLog.foldColumns) FROM events ORDER BY position")
            defer { statement.reset() }
            var accepted: [Bool] = []
            while try statement.step() { accepted.append(filter.accept(statement)) }
            return accepted
        }
        #expect(accepted == [false, true])
    }

    @Test func aCatchUpOfManyChunksLeavesTheWALEmpty() throws {
        let path = try temporaryFolder().appending(path: "w.db").path
        let log = try EventLog.create(at: path).0
        var history = RandomHistory(seed: 19)
        func walSize() throws -> Int { try FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int ?? -1 }
        for _ in 0..<8 { try log.append(try history.batch(300, log: log), policy: .payloadOnly) }
        try log.catchUp(ViewCatalogue.projections, chunk: 300)
        #expect(try walSize() == 0, "checkpointed and truncated after the pass")
        // A reader in another connection, on a snapshot from before the pass, holds the WAL:
        // the catch-up ends all the same, and leaves it.
        for _ in 0..<8 { try log.append(try history.batch(300, log: log), policy: .payloadOnly) }
        let other = try DatabaseQueue(path: path)
        try other.read { db in
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM events") ?? 0 > 0)
            try log.catchUp(ViewCatalogue.projections, chunk: 300)
        }
        try other.close()
        #expect(try walSize() > 0)
        try AllViews.check(log, try log.everything())
    }

    @Test func aViewCaughtUpElsewhereBetweenChunksIsNotFoldedAgain() throws {
        // A catch-up in chunks of 300, each folded outside the write lock. Once the first is
        // written, another connection catches quality up to the head: the chunks after must
        // not write over its rows and set its checkpoint back (the catch-up reads anew from
        // where the checkpoints stand).
        let path = try temporaryFolder().appending(path: "o.db").path
        let log = try EventLog.create(at: path).0
        var history = RandomHistory(seed: 17)
        for _ in 0..<10 { try log.append(try history.batch(300, log: log), policy: .payloadOnly) }
        let other = try EventLog.open(at: path)
        let head = try log.head().lastPosition
        var checkpoints: [Int64] = []
        var failures: [String] = []
        try log.catchUp(ViewCatalogue.projections, chunk: 300, cached: 20) { _, _ in
            do {
                if checkpoints.isEmpty { try other.catchUp(LeadQualityProjection.self) }
                checkpoints.append(try other.checkpoint(of: LeadQualityProjection.self).position)
            } catch {
                failures.append("\(error)")
            }
        }
        #expect(failures.isEmpty, "\(failures)")
        #expect(checkpoints.count > 3 && checkpoints.allSatisfy { $0 == head }, "quality's checkpoint stays at the head: \(checkpoints)")
        try AllViews.check(log, try log.everything())
    }

    @Test func rowsReadByKeyAtOnceAreTheRowsReadOneByOne() throws {
        let log = try randomLog(seed: 11, catchUpEachBatch: false)
        try log.catchUp(LeadQualityProjection.self)
        let all = try log.rows(LeadQualityProjection.self)
        let leads = all.keys.filter { $0.hasPrefix("lead/") }.sorted()
        #expect(leads.count > 100)
        // Some leads, a group, keys that are not there, and one asked twice.
        let asked = Array(leads.prefix(60)) + [LeadQualityProjection.Dimension.source.allTimeKeys + "webinar", "lead/nobody", "lead/", leads[0]]
        var read: [String: LeadQualityProjection.Row] = [:]
        var order: [String] = []
        try log.forEachRow(LeadQualityProjection.self, keys: asked) { key, reader in
            order.append(key)
            read[key] = try LeadQualityProjection.Row(reading: &reader)
        }
        #expect(order == Set(asked.filter { all[$0] != nil }).sorted(), "each row once, in key order")
        #expect(read.count == 61 && read["lead/nobody"] == nil)
        for (key, row) in read {
            #expect(row == all[key])
            #expect(try log.row(LeadQualityProjection.self, key: key) == row)
        }
        var none = 0
        try log.forEachRow(LeadQualityProjection.self, keys: []) { _, _ in none += 1 }
        #expect(none == 0)
    }

    @Test func theGroupsAreTheSumsOfTheirLeads() throws {
        let log = try randomLog(seed: 7, catchUpEachBatch: false)
        try log.catchUp(LeadQualityProjection.self)
        let rows = try log.rows(LeadQualityProjection.self)
        let leads = rows.values.compactMap { row -> LeadQualityProjection.Lead? in
            if case let .lead(lead) = row { return lead }
            return nil
        }
        // The day groups between two days equal the leads sent between them, summed one by one.
        var rng = SeededGenerator(seed: 7)
        let days = Set(leads.map { $0.sentAt.yearMonthDay }).sorted()
        #expect(days.count > 3, "the history spans days")
        // Random days, month starts, the same month, and open ends: month groups and day groups never overlap.
        var cases: [(String?, String?)] = (0..<10).map { _ in
            let bounds = [days.randomElement(using: &rng)!, days.randomElement(using: &rng)!].sorted()
            return (bounds[0], bounds[1])
        }
        cases += [("2026-02-01", "2026-03-01"), ("2026-01-20", "2026-03-01"), ("2026-02-01", "2026-03-17"), ("2026-02-03", "2026-02-27"),
                  (nil, "2026-02-10"), ("2026-02-10", nil), (nil, "2026-03-01"), ("2026-03-01", nil), ("2025-12-31", "2026-01-01")]
        #expect(days.first! < "2026-02-01" && days.last! > "2026-03-17", "the history spans the months the cases cut")
        // Added up straight from the rows' bytes, range by range, as the facade reads a report.
        func fromBytes(_ sums: LeadQualityProjection.ReportSums) throws -> [LeadQualityProjection.Line] {
            var sums = sums
            for range in sums.ranges {
                try log.forEachRow(LeadQualityProjection.self, from: range.from, to: range.to) { key, reader in try sums.add(key, reading: &reader) }
            }
            return sums.lines
        }
        for (sinceDay, untilDay) in cases {
            let since = sinceDay.map { Timestamp(rfc3339: $0 + "T00:00:00Z")! }
            let until = untilDay.map { Timestamp(rfc3339: $0 + "T00:00:00Z")! }
            for dimension in LeadQualityProjection.Dimension.allCases {
                let fromGroups = LeadQualityProjection.report(rows, by: dimension, since: sinceDay, until: untilDay)
                #expect(try fromBytes(.init(by: dimension, since: sinceDay, until: untilDay)) == fromGroups,
                        "\(dimension) \(String(describing: sinceDay)) \(String(describing: untilDay))")
                let fromLeads = LeadQualityProjection.report(leads: leads, by: dimension, since: since, until: until)
                #expect(fromGroups.map(\.key) == fromLeads.map(\.key), "\(dimension) \(String(describing: sinceDay)) \(String(describing: untilDay))")
                for (a, b) in zip(fromGroups, fromLeads) {
                    #expect(a.group.sent == b.group.sent && a.group.accepted == b.group.accepted && a.group.converted == b.group.converted
                            && a.group.rejectedByReason == b.group.rejectedByReason && a.group.verdictTenths == b.group.verdictTenths
                            && a.group.objections == b.group.objections && abs(a.group.revenue - b.group.revenue) < 1e-6, "\(dimension) \(a.key)")
                }
            }
        }
        for dimension in LeadQualityProjection.Dimension.allCases {
            // The all-time groups, the month groups added up and the leads summed one by one agree.
            let persisted = LeadQualityProjection.report(rows, by: dimension)
            #expect(try fromBytes(.init(by: dimension)) == persisted, "\(dimension)")
            #expect(persisted == LeadQualityProjection.report(rows, by: dimension, since: nil, until: nil), "\(dimension)")
            #expect(dimension == .month || rows.keys.contains { $0.hasPrefix(dimension.totalKeys) }, "\(dimension) has all-time groups")
            let summed = LeadQualityProjection.report(leads: leads, by: dimension, since: nil, until: nil)
            #expect(persisted.map(\.key) == summed.map(\.key), "\(dimension)")
            for (a, b) in zip(persisted, summed) {
                #expect(a.group.sent == b.group.sent && a.group.accepted == b.group.accepted && a.group.rejected == b.group.rejected
                        && a.group.converted == b.group.converted && a.group.rejectedByReason == b.group.rejectedByReason
                        && a.group.verdictTenths == b.group.verdictTenths && abs(a.group.revenue - b.group.revenue) < 1e-6,
                        "\(dimension) \(a.key)")
            }
        }
    }

    @Test func asOfEqualsTheViewOfOnlyWhatHadHappenedByThen() throws {
        let log = try randomLog(seed: 11, catchUpEachBatch: false)
        let events = try log.everything()
        let middle = events[events.count / 2].occurredAt
        // A second log holding only the events that had happened by then.
        let past = try EventLog.create(at: try temporaryFolder().appending(path: "past.db").path).0
        var copies: [ProposedEvent] = []
        for event in events where event.occurredAt <= middle {
            copies.append(try ProposedEvent(id: event.id, stream: event.stream, type: event.type, actor: event.actor,
                                            occurredAt: event.occurredAt, data: event.payload))
        }
        try past.append(copies, policy: .payloadOnly)
        try past.catchUp(LeadQualityProjection.self)
        let replayed = try log.replay(LeadQualityProjection.self, window: ReplayWindow(asOf: middle))
        #expect(replayed == (try past.rows(LeadQualityProjection.self)))
        #expect(replayed != (try log.replay(LeadQualityProjection.self, window: ReplayWindow())))
        // A replay that leaves out the rows a report does not read gives that report unchanged.
        for dimension in LeadQualityProjection.Dimension.allCases {
            let lean = try log.replay(LeadQualityProjection.self, window: ReplayWindow(asOf: middle),
                                      leavingOut: LeadQualityProjection.rowsLeftOut(reading: dimension, days: false))
            #expect(LeadQualityProjection.report(lean, by: dimension) == LeadQualityProjection.report(replayed, by: dimension), "\(dimension)")
            #expect(!lean.keys.contains { $0.hasPrefix(LeadQualityProjection.dayPrefix) }, "no day groups kept")
            #expect(dimension == .month || !lean.keys.contains { $0.hasPrefix(LeadQualityProjection.monthPrefix) }, "no month groups kept")
            let withDays = try log.replay(LeadQualityProjection.self, window: ReplayWindow(asOf: middle),
                                          leavingOut: LeadQualityProjection.rowsLeftOut(reading: dimension, days: true))
            #expect(LeadQualityProjection.report(withDays, by: dimension, since: "2026-01-20", until: "2026-03-03")
                    == LeadQualityProjection.report(replayed, by: dimension, since: "2026-01-20", until: "2026-03-03"), "\(dimension)")
        }
    }

    @Test func knownAtLeavesOutWhatWasRecordedLaterEvenIfBackdated() throws {
        let log = try EventLog.create(at: try temporaryFolder().appending(path: "k.db").path).0
        try log.append([try LeadSent(lead: "L-1", source: "webinar").event(actor: "mia@marketing", occurredAt: Timestamp(rfc3339: "2026-03-01T00:00:00Z"))],
                       policy: .payloadOnly)
        let before = Timestamp.now()
        usleep(2_000)
        // Recorded later, but backdated to before the first lead.
        try log.append([try LeadSent(lead: "L-0", source: "referral").event(actor: "mia@marketing", occurredAt: Timestamp(rfc3339: "2026-02-01T00:00:00Z"))],
                       policy: .payloadOnly)
        let known = try log.replay(LeadQualityProjection.self, window: ReplayWindow(knownAt: before))
        #expect(LeadQualityProjection.report(known, by: .source).map(\.key) == ["webinar"])
        let happened = try log.replay(LeadQualityProjection.self, window: ReplayWindow(asOf: Timestamp(rfc3339: "2026-02-15T00:00:00Z")))
        #expect(LeadQualityProjection.report(happened, by: .source).map(\.key) == ["referral"])
        #expect(LeadQualityProjection.report(try log.replay(LeadQualityProjection.self, window: ReplayWindow()), by: .source).count == 2)
    }

    @Test func aNewCodeVersionRebuildsOnTheNextRead() throws {
        let log = try randomLog(seed: 5, batches: 5, catchUpEachBatch: true)
        let good = try log.rows(LeadQualityProjection.self)
        // As if an older Parley had built the view, and built it wrong.
        try log.tamper("""
            UPDATE view_checkpoints SET version = 0 WHERE view = 'quality';
            UPDATE view_quality SET value = x'00' WHERE key LIKE 'source/%';
            """)
        let leadEvents = try log.everything().filter { $0.type.hasPrefix("lead.") }.count
        #expect(try log.catchUp(LeadQualityProjection.self) == leadEvents, "rebuilt from every lead event")
        #expect(try log.rows(LeadQualityProjection.self) == good)
        #expect(try log.checkpoint(of: LeadQualityProjection.self).version == LeadQualityProjection.version)
    }

    @Test func aRetractionTakesItsEventOutOfTheView() throws {
        let log = try EventLog.inMemory()
        let sent = try log.append([try LeadSent(lead: "L-1", source: "webinar").event(actor: "mia@marketing"),
                                   try LeadRejected(lead: "L-1", reason: "no-budget").event(actor: "sam@sales")], policy: .payloadOnly)
        try log.catchUp(LeadQualityProjection.self)
        #expect(LeadQualityProjection.report(try log.rows(LeadQualityProjection.self), by: .source).first?.group.rejected == 1)
        try log.append([try EventRetracted(target: sent[1].event.id.description, reason: "wrong lead").event(actor: "sam@sales", stream: "lead/L-1")],
                       policy: .payloadOnly)
        try log.catchUp(LeadQualityProjection.self)
        let line = LeadQualityProjection.report(try log.rows(LeadQualityProjection.self), by: .source).first
        #expect(line?.group.rejected == 0)
        #expect(line?.group.sent == 1)
    }

    @Test func aPersistedViewReadsAnOldSchemaPayloadUpcast() throws {
        let log = try EventLog.inMemory()
        try log.append([try LeadSent(lead: "L-1", source: "webinar").event(actor: "mia@marketing"),
                        try LeadFeedback(lead: "L-1", rating: 2, objections: ["price"]).event(actor: "sam@sales")], policy: .payloadOnly)
        // As an older Parley stored it: schema 1 had one `objection`, not a list.
        try log.tamper("DROP TRIGGER events_refuse_update")
        try log.tamper(#"UPDATE events SET schema = 1, data = '{"lead":"L-1","objection":"timing","rating":2}' WHERE position = 2"#)
        try log.catchUp(LeadQualityProjection.self)
        let line = LeadQualityProjection.report(try log.rows(LeadQualityProjection.self), by: .source).first
        #expect(line?.group.objections == ["timing": 1])
        #expect(line?.group.ratings == 1)
    }

    @Test func eachViewKeepsItsRowsInATableOfItsOwn() throws {
        let log = try randomLog(seed: 11, batches: 6, catchUpEachBatch: true)
        // A table's rows, decoded (equal rows may differ in bytes: a dictionary's order is not fixed).
        func table<P: Projection>(_ projection: P.Type) throws -> [String: P.Row] {
            try log.read { db in
                let rows = try Row.fetchAll(db, sql: "SELECT key, value FROM \(P.table)")
                return try Dictionary(uniqueKeysWithValues: rows.map { ($0[0] as String, try RowCoder.decode(P.Row.self, from: [UInt8]($0[1] as Data))) })
            }
        }
        func holdsItsRows<P: Projection>(_ projection: P.Type) throws -> Bool { try table(P.self) == log.rows(P.self) }
        #expect(try !table(LeadQualityProjection.self).isEmpty && !table(FollowUpProjection.self).isEmpty)
        let followUp = try table(FollowUpProjection.self)
        for projection in ViewCatalogue.projections {
            #expect(projection.table == "\"view_\(projection.name)\"")
            #expect(try holdsItsRows(projection), "view_\(projection.name) holds the rows of \(projection.name)")
        }
        // Rebuilding one view empties and refills its table alone.
        let quality = try table(LeadQualityProjection.self)
        try log.tamper("UPDATE view_quality SET value = x'00'; UPDATE view_checkpoints SET position = 0 WHERE view = 'followup'")
        #expect(throws: (any Error).self) { try table(LeadQualityProjection.self) }
        try log.rebuild(LeadQualityProjection.self)
        #expect(try table(LeadQualityProjection.self) == quality)
        #expect(try table(FollowUpProjection.self) == followUp)
        #expect(try log.checkpoint(of: FollowUpProjection.self).position == 0, "followup was not caught up by the rebuild of quality")
    }

    @Test func aCaughtUpViewDoesNotWrite() throws {
        let log = try randomLog(seed: 9, batches: 3, catchUpEachBatch: true)
        #expect(try log.catchUp(LeadQualityProjection.self) == 0)
        #expect(try log.checkpoint(of: LeadQualityProjection.self).position == (try log.head().lastPosition))
    }
}

/// Every projection, for tests that hold them all to the same promises.
enum AllViews {
    /// Catches the views up: all in one pass on even batches; on odd ones
    /// some on their own first, so that the next pass starts views from
    /// different checkpoints.
    static func catchUp(_ log: EventLog, batch: Int) throws {
        if batch % 2 == 0 {
            // Sometimes in chunks of a few events, so that a pass commits many times (each chunk
            // written while the next folds), and its reads of the log run on over several chunks
            // (of 7) or end within one (at 11); or with 3 rows cached, so that rows the last
            // chunks wrote are read back from the store.
            try log.catchUp(ViewCatalogue.projections, chunk: batch % 4 == 0 ? 7 : 100_000, stream: batch % 8 == 0 ? 11 : 250_000,
                            cached: batch % 8 == 4 ? 3 : EventLog.catchUpCached)
            return
        }
        if batch % 3 == 0 { try log.catchUp([LeadQualityProjection.self, MembersProjection.self]) }
        if batch % 5 == 0 { try log.catchUp(IssuesProjection.self) }
        if batch % 3 != 0 { return }
        try log.catchUp(MembersProjection.self)
        try log.catchUp(RolesProjection.self)
        try log.catchUp(LeadQualityProjection.self)
        try log.catchUp(FollowUpProjection.self)
        try log.catchUp(IssuesProjection.self)
        try log.catchUp(CriteriaProjection.self)
        try log.catchUp(MeetingsProjection.self)
    }

    /// The persisted view (caught up in steps) equals the view rebuilt in one
    /// pass, the in-memory replay of `events`, and the store's replay.
    static func check(_ log: EventLog, _ events: [RecordedEvent]) throws {
        try check(MembersProjection.self, log, events)
        try check(RolesProjection.self, log, events)
        try check(LeadQualityProjection.self, log, events)
        try check(FollowUpProjection.self, log, events)
        try check(IssuesProjection.self, log, events)
        try check(CriteriaProjection.self, log, events)
        try check(MeetingsProjection.self, log, events)
    }

    static func check<P: Projection>(_ projection: P.Type, _ log: EventLog, _ events: [RecordedEvent],
                                     sourceLocation: SourceLocation = #_sourceLocation) throws {
        let stepwise = try log.rows(P.self)
        #expect(!stepwise.isEmpty, "\(P.name) has rows", sourceLocation: sourceLocation)
        try log.rebuild(P.self)
        #expect(try log.rows(P.self) == stepwise, "\(P.name): rebuilt equals stepwise", sourceLocation: sourceLocation)
        #expect(try P.replay(events) == stepwise, "\(P.name): replayed equals stepwise", sourceLocation: sourceLocation)
        #expect(try log.replay(P.self, window: ReplayWindow()) == stepwise, "\(P.name): store replay equals stepwise", sourceLocation: sourceLocation)
    }
}
