import Foundation
public import ParleyCore

/// Six months of a sales and marketing team, seeded: a calm team with
/// normal noise, or a troubled one where chosen problems start on known
/// days, each with the day a person would flag it. The detectors are
/// judged on these (``SignalTrial``): each problem flagged on the right
/// subject, after it starts and well before the person; a calm team left
/// in peace.
public struct PlantedHistory: Sendable {
    /// The problems that can be planted, one per detector.
    public enum Problem: String, CaseIterable, Sendable {
        case sourceQuality = "source-quality"
        case sla
        case feedbackSilence = "feedback-silence"
        case unagreedCriteria = "unagreed-criteria"
        case meetingCadence = "meeting-cadence"
        case agingTension = "aging-tension"
        case mqlPace = "mql-pace"
    }

    /// A planted problem: what, on whom, from which day, and the day a person would flag it.
    public struct Plant: Sendable, Equatable {
        public var problem: Problem
        public var subject: String
        public var onset: Int
        public var flaggedByPerson: Int
    }

    public var events: [ProposedEvent] = []
    public var plants: [Plant] = []
    public let start: Timestamp
    public let days: Int

    static let day: Int64 = 86_400_000_000
    static let hour: Int64 = 3_600_000_000

    /// Midnight (UTC) of day `day` of the history.
    public func dayStart(_ day: Int) -> Timestamp { Timestamp(microseconds: start.microseconds + Int64(day) * Self.day) }

    /// The history for `seed`, with `problems` planted.
    public init(seed: UInt64, problems: Set<Problem> = [], days: Int = 182) throws {
        // A Monday: 2025-01-06.
        start = Timestamp(rfc3339: "2025-01-06T00:00:00Z")!
        self.days = days
        var random = SeededGenerator(seed: seed)
        var timed: [(at: Int64, order: Int, event: ProposedEvent)] = []
        func add(_ payload: some EventPayload, _ actor: String, at: Int64) throws {
            timed.append((at, timed.count, try payload.event(actor: actor, occurredAt: Timestamp(microseconds: at))))
        }
        let base = start.microseconds
        let marketers = ["mia@marketing", "noah@marketing"]
        let reps = ["sam@sales", "zoe@sales", "ethan@sales", "olivia@sales"]
        for (index, handle) in (marketers + reps + ["lee@mgmt"]).enumerated() {
            let team = handle.hasSuffix("@marketing") ? "marketing" : handle.hasSuffix("@sales") ? "sales" : "management"
            try add(MemberJoined(handle: handle, name: handle, team: team), "mia@marketing", at: base + 8 * Self.hour + Int64(index) * 60_000_000)
        }
        try add(CriteriaChanged(version: 1, rules: "employees >= 50"), "mia@marketing", at: base + 9 * Self.hour)
        try add(CriteriaAgreed(version: 1, team: "sales"), "sam@sales", at: base + 11 * Self.hour)
        // Rejection rates per source, and leads a day (each day draws 0 to twice this many).
        let sources: [(name: String, rejected: Double, perDay: Int)] = [("webinar", 0.35, 3), ("referral", 0.15, 2), ("partner", 0.25, 3), ("paid-search", 0.3, 3)]
        // A month: 22 weekdays and 8 weekend days, at a third of the pace.
        let perMonth = Double(sources.reduce(0) { $0 + $1.perDay }) * (22 + 8.0 / 3)
        try add(SLASet(followUpHours: 24, feedbackWithinDays: 7, monthlyMqlTarget: Int64(perMonth * 0.85)), "lee@mgmt", at: base + 11 * Self.hour)
        try add(SLAAgreed(version: 1, team: "marketing"), "mia@marketing", at: base + 12 * Self.hour)
        try add(SLAAgreed(version: 1, team: "sales"), "sam@sales", at: base + 12 * Self.hour)

        // The planted problems' days (a person flags each about six weeks in).
        let onset: [Problem: Int] = [.sourceQuality: 80, .sla: 70, .feedbackSilence: 90, .unagreedCriteria: 100, .meetingCadence: 110,
                                     .agingTension: 95, .mqlPace: 146]
        for problem in Problem.allCases where problems.contains(problem) {
            let subject = switch problem {
            case .sourceQuality: "partner"
            case .sla: "zoe@sales"
            case .feedbackSilence: "ethan@sales"
            case .unagreedCriteria: "3"
            case .meetingCadence: "joint"
            case .agingTension: "T-99"
            case .mqlPace: "2025-06"
            }
            // The MQL shortfall shows only when the month is done; the others when someone has had enough.
            let flag = problem == .mqlPace ? days - 1 : onset[problem]! + (problem == .unagreedCriteria ? 40 : 45)
            plants.append(Plant(problem: problem, subject: subject, onset: onset[problem]!, flaggedByPerson: flag))
        }
        func planted(_ problem: Problem, from day: Int) -> Bool { problems.contains(problem) && day >= onset[problem]! }

        var lead = 0
        var tension = 0
        var meeting = 0
        var version: Int64 = 1
        for day in 0..<days {
            let dayStart = base + Int64(day) * Self.day
            let weekend = day % 7 >= 5
            // Leads.
            for source in sources {
                var count = Int(random.next() % UInt64(2 * source.perDay + 1))
                if weekend { count /= 3 }
                if planted(.mqlPace, from: day) { count = Int(Double(count) * 0.35) }
                for _ in 0..<count {
                    lead += 1
                    let id = "L-\(lead)"
                    let rep = reps[Int(random.next() % UInt64(reps.count))]
                    let sentAt = dayStart + 8 * Self.hour + Int64(random.next() % UInt64(10 * 60)) * 60_000_000
                    try add(LeadSent(lead: id, source: source.name, criteriaVersion: version, assignedTo: rep), marketers[lead % 2], at: sentAt)
                    let breachRate = rep == "zoe@sales" && planted(.sla, from: day) ? 0.6 : 0.06
                    let delay = random.unit() < breachRate ? 26 + Int64(random.next() % 46) : 1 + Int64(random.next() % 20)
                    let verdictAt = sentAt + delay * Self.hour + Int64(random.next() % 60) * 60_000_000
                    let rejectRate = source.name == "partner" && planted(.sourceQuality, from: day) ? 0.65 : source.rejected
                    if random.unit() < rejectRate {
                        let reasons = ["not-a-fit", "no-budget", "bad-contact", "not-ready", "duplicate"]
                        try add(LeadRejected(lead: id, reason: reasons[Int(random.next() % 5)]), rep, at: verdictAt)
                    } else {
                        try add(LeadAccepted(lead: id), rep, at: verdictAt)
                        let silence = rep == "ethan@sales" && planted(.feedbackSilence, from: day) ? 0.85 : 0.06
                        if random.unit() >= silence {
                            let feedbackAt = verdictAt + (1 + Int64(random.next() % 3)) * Self.day
                            try add(LeadFeedback(lead: id, rating: 2 + Int64(random.next() % 4)), rep, at: feedbackAt)
                        }
                    }
                }
            }
            // A joint meeting every Thursday (now and then skipped), until it stops.
            if day % 7 == 3 && !planted(.meetingCadence, from: day) && random.unit() >= 0.05 {
                meeting += 1
                try add(MeetingHeld(meeting: "M-\(meeting)", title: "Weekly pipeline sync", attendees: ["mia@marketing", "sam@sales", "lee@mgmt"]),
                        "lee@mgmt", at: dayStart + 15 * Self.hour)
            }
            // Now and then a tension, talked over and resolved within days.
            if day % 17 == 5 {
                tension += 1
                let id = "T-\(tension)"
                let categories = ["lead-quality", "sla", "communication"]
                let category = categories[tension % categories.count]
                let flaggedAt = dayStart + 10 * Self.hour
                try add(TensionFlagged(tension: id, title: "Calm-week friction \(tension)", severity: "medium", category: category), reps[tension % reps.count], at: flaggedAt)
                try add(TensionCommented(tension: id, comment: "Looking into it"), "mia@marketing", at: flaggedAt + Self.day)
                try add(TensionResolved(tension: id, resolution: "Agreed at the sync"), "lee@mgmt", at: flaggedAt + (3 + Int64(random.next() % 6)) * Self.day)
            }
            // Criteria v2, signed within days.
            if day == 60 {
                version = 2
                try add(CriteriaChanged(version: 2, rules: "employees >= 50 AND title >= manager"), "mia@marketing", at: dayStart + 9 * Self.hour)
                try add(CriteriaAgreed(version: 2, team: "sales"), "sam@sales", at: dayStart + 33 * Self.hour)
            }
            if day == onset[.unagreedCriteria]!, problems.contains(.unagreedCriteria) {
                version = 3
                try add(CriteriaChanged(version: 3, rules: "employees >= 200 AND title >= director", rationale: "bigger deals"), "mia@marketing", at: dayStart + 9 * Self.hour)
            }
            if day == onset[.agingTension]!, problems.contains(.agingTension) {
                try add(TensionFlagged(tension: "T-99", title: "Nobody owns the partner channel", severity: "high", category: "communication"),
                        "zoe@sales", at: dayStart + 11 * Self.hour)
            }
        }
        let end = base + Int64(days) * Self.day
        events = timed.filter { $0.at < end }.sorted { ($0.at, $0.order) < ($1.at, $1.order) }.map(\.event)
    }
}

extension SeededGenerator {
    /// A number in 0 ..< 1.
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
