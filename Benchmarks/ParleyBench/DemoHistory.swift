import Foundation
import ParleyCore

/// A deterministic, realistic history of sales and marketing working
/// together: members joining, criteria agreed, an SLA, then a stream of
/// leads from sources of different quality with verdicts, feedback and
/// outcomes, and now and then a tension flagged, discussed and resolved,
/// and a weekly joint meeting.
///
/// Events come with ids (UUIDv7 of their time), so loading the same
/// history twice writes nothing new.
struct DemoHistory: Sequence, IteratorProtocol {
    struct Source {
        let name: String
        let weight: Int
        /// Chance in percent that sales accepts a lead from it.
        let acceptance: Int
        /// Chance in percent that an accepted lead converts.
        let conversion: Int
    }

    static let sources = [
        Source(name: "webinar", weight: 30, acceptance: 45, conversion: 12),
        Source(name: "paid-search", weight: 20, acceptance: 60, conversion: 18),
        Source(name: "content-download", weight: 20, acceptance: 35, conversion: 8),
        Source(name: "referral", weight: 10, acceptance: 85, conversion: 40),
        Source(name: "trade-show", weight: 12, acceptance: 55, conversion: 20),
        Source(name: "linkedin", weight: 8, acceptance: 50, conversion: 15),
    ]
    static let marketingNames = ["mia@marketing", "noah@marketing", "ava@marketing", "liam@marketing"]
    static let salesNames = ["sam@sales", "olivia@sales", "ethan@sales", "zoe@sales", "lucas@sales"]
    static let management = ["lee@mgmt"]

    /// The shape of a history: how long a lead lives, how many events it
    /// makes, how many sources, campaigns and members there are.
    struct Shape {
        /// Days over which a lead's verdict, feedback and outcome arrive after
        /// it was sent; nil: within days, its events written together (the
        /// bench's own shape). With a lifetime, every event is written in time
        /// order, so a lead's events lie far apart in the log.
        var leadLifetimeDays: Int?
        /// Feedback events per accepted lead.
        var feedbackPerLead: ClosedRange<Int> = 1...1
        var sources = 6
        /// Campaigns across the whole history; nil: one per source and month.
        var campaigns: Int?
        var marketing = 4
        var sales = 5
        /// Chance in percent that a lead is moved to another rep before its
        /// verdict (by management; a tenth of those are moved three times).
        var reassignPercent = 0
        /// Resources marketing shares at the start; with any, a fifth of the
        /// accepted leads use one, and one episode in fifty is sales asking
        /// for content that marketing delivers (most of the time).
        var resources = 0

        /// The bench's own history.
        static let bench = Shape()
        /// Leads whose verdicts, feedback (often several) and outcomes arrive
        /// spread over months, over a thousand campaigns and sixty members.
        static let spread = Shape(leadLifetimeDays: 300, feedbackPerLead: 1...4, sources: 12, campaigns: 1000, marketing: 20, sales: 39)

        static func named(_ name: String) -> Shape? {
            switch name {
            case "bench": .bench
            case "spread": .spread
            default: nil
            }
        }
    }
    static let rejectReasons = ["not-a-fit", "bad-contact", "no-budget", "duplicate", "not-ready", "other"]
    static let objections = ["price", "timing", "already has a vendor", "no budget this year", "needs IT approval"]
    static let tensionTitles = [
        ("Webinar leads are mostly students", "lead-quality", "high"),
        ("Follow-up on trade-show leads took over a week", "sla", "medium"),
        ("Criteria changed without telling sales", "communication", "high"),
        ("Nobody owns the referral programme", "role-confusion", "medium"),
        ("Case studies never used in calls", "resources-ignored", "low"),
        ("Quarter targets pull in opposite directions", "unclear-goals", "medium"),
    ]

    let limit: Int
    let shape: Shape
    private let marketing: [String]
    private let sales: [String]
    private let sources: [Source]
    private var produced = 0
    /// Events of a history with a lead lifetime, by time: the next to write is the earliest.
    private var future = TimeHeap()
    private var random: SeededGenerator
    private var time: Timestamp
    private var pending: [Line] = []
    private var leadNumber = 1000
    private var tensionNumber = 0
    private var meetingNumber = 0
    private var requestNumber = 0
    private var lastMeeting: Timestamp
    /// The resources shared in the opening (none without one).
    private var sharedResources: [String] = []

    /// One event as a JSON line, and when it happened.
    typealias Line = (at: Int64, text: String)

    /// Minutes between episodes, at most; the history spans about the days asked for.
    private let maximumGap: Int

    /// - Parameters:
    ///   - count: how many events.
    ///   - days: about how many days the history spans.
    ///   - opening: whether to begin with members joining, the first
    ///     criteria and the SLA (false when the demo records those through
    ///     the commands).
    init(count: Int, days: Int = 120, seed: UInt64 = 42, opening: Bool = true,
         start: Timestamp = Timestamp(rfc3339: "2025-01-06T08:00:00Z")!, shape: Shape = .bench) {
        limit = count
        self.shape = shape
        marketing = Array(Self.marketingNames.prefix(shape.marketing))
            + (Self.marketingNames.count..<Swift.max(Self.marketingNames.count, shape.marketing)).map { "marketer\($0)@marketing" }
        sales = Array(Self.salesNames.prefix(shape.sales))
            + (Self.salesNames.count..<Swift.max(Self.salesNames.count, shape.sales)).map { "rep\($0)@sales" }
        sources = Array(Self.sources.prefix(shape.sources)) + (Self.sources.count..<Swift.max(Self.sources.count, shape.sources)).map { n in
            Source(name: "source-\(n)", weight: 5, acceptance: 30 + (n * 7) % 50, conversion: 5 + (n * 3) % 20)
        }
        // An episode (a lead, a tension, a meeting) averages about 3.3 events.
        let episodes = Swift.max(1.0, Double(count) / 3.3)
        maximumGap = Swift.max(2, Int(2 * Double(days) * 1440 / episodes))
        random = SeededGenerator(seed: seed)
        time = start
        lastMeeting = start
        pending = opening ? self.opening() : []
    }

    mutating func next() -> String? {
        guard produced < limit else { return nil }
        produced += 1
        if !pending.isEmpty { return pending.removeLast().text }
        guard shape.leadLifetimeDays != nil else {
            pending = nextEpisode().reversed()
            return pending.removeLast().text
        }
        // In time order: episodes are made until none could come before the earliest event waiting.
        while future.isEmpty || future.earliest! > time.microseconds {
            for line in nextEpisode() { future.insert(line) }
        }
        return future.removeEarliest()
    }

    /// Microseconds of a random number of hours in `range`; with a lead
    /// lifetime, up to the lifetime's `lifetimeShare`th part instead.
    private mutating func hours(_ range: ClosedRange<Int>, lifetimeShare: Int) -> Int64 {
        var range = range
        if let days = shape.leadLifetimeDays {
            range = range.lowerBound...Swift.max(range.lowerBound, days * 24 / lifetimeShare)
        }
        return Int64(Int.random(in: range, using: &random)) * 3_600_000_000
    }

    /// A lead's campaign: one per source and month, or one of the shape's campaigns.
    private mutating func campaign(_ source: String, month: Substring) -> String {
        guard let campaigns = shape.campaigns else { return "\(source)-\(month)" }
        return "campaign-\(Int.random(in: 0..<campaigns, using: &random))"
    }

    private mutating func pick<T>(_ items: [T]) -> T { items[Int.random(in: 0..<items.count, using: &random)] }
    private mutating func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &random) < percent }
    private mutating func advance(minutes: ClosedRange<Int>) {
        time.microseconds += Int64(Int.random(in: minutes, using: &random)) * 60_000_000
    }

    private mutating func event(_ stream: String, _ type: String, _ actor: String, at: Timestamp? = nil,
                                _ data: [String: JSONValue]) -> Line {
        let when = at ?? time
        let id = EventID.v7(at: when, using: &random)
        return (when.microseconds, JSONValue.object([
            "id": .string(id.description), "stream": .string(stream), "type": .string(type),
            "actor": .string(actor), "occurred_at": .string(when.rfc3339), "data": .object(data),
        ]).canonicalText)
    }

    private mutating func opening() -> [Line] {
        var events: [Line] = []
        for (handles, team) in [(marketing, "marketing"), (sales, "sales"), (Self.management, "management")] {
            for handle in handles {
                let name = handle.split(separator: "@")[0].capitalized + " " + pick(["Chen", "Novak", "Okafor", "Silva", "Berg"])
                // The first member adds themselves, then adds the others.
                events.append(event("member/\(handle)", "member.joined", events.isEmpty ? handle : "mia@marketing",
                                    ["handle": .string(handle), "name": .string(name), "team": .string(team)]))
                advance(minutes: 1...30)
            }
        }
        events.append(event("criteria/mql", "criteria.changed", "mia@marketing", [
            "version": .integer(1), "rules": .string("title >= manager AND employees >= 50"),
            "rationale": .string("focus on teams that can buy"),
        ]))
        advance(minutes: 60...600)
        events.append(event("criteria/mql", "criteria.agreed", "sam@sales", ["version": .integer(1), "team": .string("sales")]))
        events.append(event("sla/main", "sla.set", "lee@mgmt", [
            "follow_up_hours": .integer(24), "feedback_within_days": .integer(7), "monthly_mql_target": .integer(400),
        ]))
        for (actor, team) in [("mia@marketing", "marketing"), ("sam@sales", "sales")] {
            events.append(event("sla/main", "sla.agreed", actor, ["version": .integer(1), "team": .string(team)]))
        }
        for number in 0..<shape.resources {
            let resource = "R-\(number + 1)"
            advance(minutes: 1...30)
            events.append(event("resource/\(resource)", "resource.shared", pick(marketing), [
                "resource": .string(resource), "title": .string("\(pick(["Case study", "Battle card", "Pricing sheet"])) \(number + 1)"),
                "link": .string("https://wiki.example.com/resources/\(number + 1)"), "team": .string("marketing"),
            ]))
            sharedResources.append(resource)
        }
        return events.reversed()
    }

    private mutating func nextEpisode() -> [Line] {
        advance(minutes: 1...maximumGap)
        if time.microseconds - lastMeeting.microseconds > 7 * 86_400_000_000 {
            lastMeeting = time
            meetingNumber += 1
            let owner = pick(sales)
            let due = Timestamp(microseconds: time.microseconds + 4 * 86_400_000_000)
            var events = [event("meeting/M-\(meetingNumber)", "meeting.held", "lee@mgmt", [
                "meeting": .string("M-\(meetingNumber)"), "title": .string("Weekly pipeline sync"),
                "attendees": .array([.string(pick(marketing)), .string(owner), .string("lee@mgmt")]),
                "decisions": .array([.string("Call back open webinar leads first")]),
                "action_items": .array([.object([
                    "action": .string("A-\(meetingNumber)"), "owner": .string(owner),
                    "text": .string("Call back all open webinar leads"),
                    "due": .string(due.rfc3339),
                ])]),
            ])]
            // Most action items get done, some late.
            if chance(70) {
                let done = Timestamp(microseconds: time.microseconds + Int64(Int.random(in: 24...150, using: &random)) * 3_600_000_000)
                events.append(event("meeting/M-\(meetingNumber)", "action.completed", owner, at: done,
                                    ["action": .string("A-\(meetingNumber)"), "note": .string("called back")]))
            }
            return events
        }
        if chance(2) { return tensionEpisode() }
        if !sharedResources.isEmpty, chance(2) { return contentRequestEpisode() }
        return leadEpisode()
    }

    private mutating func tensionEpisode() -> [Line] {
        tensionNumber += 1
        let id = "T-\(tensionNumber)"
        let (title, category, severity) = pick(Self.tensionTitles)
        let flagger = chance(50) ? pick(sales) : pick(marketing)
        var events = [event("tension/\(id)", "tension.flagged", flagger, [
            "tension": .string(id), "title": .string(title), "severity": .string(severity), "category": .string(category),
            "teams": .array([.string("marketing"), .string("sales")]),
        ])]
        var at = time
        at.microseconds += Int64(Int.random(in: 1...48, using: &random)) * 3_600_000_000
        events.append(event("tension/\(id)", "tension.commented", pick(marketing), at: at, [
            "tension": .string(id), "comment": .string("Looking into it; will bring numbers to the sync."),
        ]))
        if chance(70) {
            at.microseconds += Int64(Int.random(in: 24...240, using: &random)) * 3_600_000_000
            events.append(event("tension/\(id)", "tension.resolved", "lee@mgmt", at: at, [
                "tension": .string(id), "resolution": .string("Agreed a change at the weekly sync"),
            ]))
        }
        return events
    }

    private mutating func contentRequestEpisode() -> [Line] {
        requestNumber += 1
        let request = "C-\(requestNumber)"
        let neededBy = Timestamp(microseconds: time.microseconds + 7 * 86_400_000_000)
        var events = [event("content/\(request)", "content.requested", pick(sales), [
            "request": .string(request), "topic": .string(pick(["ROI calculator", "security FAQ", "case study in retail"])),
            "needed_by": .string(neededBy.rfc3339),
        ])]
        if chance(70) {
            let delivered = Timestamp(microseconds: time.microseconds + Int64(Int.random(in: 24...336, using: &random)) * 3_600_000_000)
            events.append(event("content/\(request)", "content.delivered", pick(marketing), at: delivered, [
                "request": .string(request), "title": .string("Delivered \(request)"),
            ]))
        }
        return events
    }

    private mutating func leadEpisode() -> [Line] {
        leadNumber += 1
        let lead = "L-\(leadNumber)"
        let stream = "lead/\(lead)"
        var roll = Int.random(in: 0..<sources.reduce(0) { $0 + $1.weight }, using: &random)
        var source = sources[0]
        for candidate in sources {
            if roll < candidate.weight { source = candidate; break }
            roll -= candidate.weight
        }
        let firstRep = pick(sales)
        let month = time.rfc3339.prefix(7)
        var events = [event(stream, "lead.sent", pick(marketing), [
            "lead": .string(lead), "source": .string(source.name), "campaign": .string(campaign(source.name, month: month)),
            "score": .integer(Int64(Int.random(in: 20...99, using: &random))), "assigned_to": .string(firstRep),
            "criteria_version": .integer(1),
            "attributes": .object(["employees": .integer(Int64(Int.random(in: 5...5000, using: &random))),
                                   "industry": .string(pick(["software", "retail", "finance", "health", "education"]))]),
        ])]
        var at = time
        at.microseconds += hours(1...60, lifetimeShare: 4)
        // Moved before the verdict: the moves lie between the send and the verdict, which the last rep gives.
        var rep = firstRep
        if shape.reassignPercent > 0, chance(shape.reassignPercent) {
            let moves = chance(10) ? 3 : 1
            for move in 1...moves {
                let moved = Timestamp(microseconds: time.microseconds + (at.microseconds - time.microseconds) * Int64(move) / Int64(moves + 1))
                let others = sales.filter { $0 != rep }
                guard !others.isEmpty else { break }
                rep = pick(others)
                events.append(event(stream, "lead.reassigned", "lee@mgmt", at: moved, [
                    "lead": .string(lead), "to": .string(rep), "reason": .string(pick(["territory", "workload", "language"])),
                ]))
            }
        }
        if chance(source.acceptance) {
            events.append(event(stream, "lead.accepted", rep, at: at, ["lead": .string(lead)]))
            if !sharedResources.isEmpty, chance(20) {
                let resource = pick(sharedResources)
                events.append(event("resource/\(resource)", "resource.used", rep, at: at, ["resource": .string(resource), "lead": .string(lead)]))
            }
            let feedbacks = shape.feedbackPerLead.count > 1 ? Int.random(in: shape.feedbackPerLead, using: &random) : shape.feedbackPerLead.lowerBound
            for _ in 0..<feedbacks {
                at.microseconds += hours(24...200, lifetimeShare: 2 * (feedbacks + 1))
                events.append(event(stream, "lead.feedback", rep, at: at, [
                    "lead": .string(lead), "rating": .integer(Int64(Int.random(in: 2...5, using: &random))),
                    "objections": .array([.string(pick(Self.objections))]),
                ]))
            }
            at.microseconds += hours(72...900, lifetimeShare: 2)
            if chance(source.conversion * 2) {
                events.append(event(stream, "lead.converted", rep, at: at, [
                    "lead": .string(lead), "amount": .integer(Int64(Int.random(in: 20...400, using: &random)) * 100),
                    "currency": .string("EUR"),
                ]))
            } else {
                events.append(event(stream, "lead.lost", rep, at: at, ["lead": .string(lead), "reason": .string(pick(Self.objections))]))
            }
        } else {
            events.append(event(stream, "lead.rejected", rep, at: at, [
                "lead": .string(lead), "reason": .string(pick(Self.rejectReasons)),
                "comment": .string(pick(["student, no budget", "wrong person", "already a customer", "company too small"])),
            ]))
            if chance(30) {
                events.append(event(stream, "lead.feedback", rep, at: at, [
                    "lead": .string(lead), "rating": .integer(Int64(Int.random(in: 1...2, using: &random))),
                    "comment": .string("not what the criteria promised"),
                ]))
            }
        }
        return events
    }
}
