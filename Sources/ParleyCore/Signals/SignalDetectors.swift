import Foundation

/// Reads the signals out of the detectors' rows at a moment: the rate
/// detectors' open CUSUM signals (after the deadlines passed by then are
/// counted), and the rule detectors on their clocks. Pure: same rows, same
/// moment, same signals.
public enum SignalDetectors {
    /// The row prefixes a read needs (all but the leads).
    public static let prefixes = ["watch/", "team/", "sla/", "config/", "criteria/", "meetings/", "durations/", "month/", "answer/"]

    /// The key prefix of open tensions last active at `time`: `quiet/<µs, 20 digits>/`.
    public static func quietKey(_ time: Timestamp) -> String {
        let digits = String(max(0, time.microseconds))
        return "quiet/" + String(repeating: "0", count: max(0, 20 - digits.count)) + digits + "/"
    }

    /// The keys of the open tensions that can be aging at `now`: last active
    /// less than the longest threshold and the warning window ago.
    public static func quietRange(at now: Timestamp) -> (from: String, to: String) {
        (quietKey(Timestamp(microseconds: now.microseconds - (longestQuiet + agingWindowDays) * day)), "quiet/~")
    }

    /// The longest an aging tension's threshold can be, in days.
    static let longestQuiet: Int64 = 365

    static let day: Int64 = 86_400_000_000

    /// The open signals at `now`, most severe and oldest first; dismissed
    /// ones too when `dismissed`.
    public static func signals(_ rows: [String: SignalsProjection.Row], at now: Timestamp, dismissed: Bool = false) throws -> [Signal] {
        // The deadlines passed by `now` are folded into copies of the watches: nothing is written back.
        let scratch = ProjectionRows<SignalsProjection.Row>(load: { rows[$0] })
        for key in rows.keys.sorted() {
            if key.hasPrefix("watch/sla/") {
                let config = try SignalsProjection.config(.sla, scratch)
                try scratch.modify(key) { row in
                    guard case var .watch(watch)? = row else { return }
                    row = nil
                    watch.pass(until: now, config: config)
                    row = .watch(watch)
                }
            } else if key.hasPrefix("watch/feedback-silence/") {
                try SignalsProjection.passFeedback(String(key.dropFirst("watch/feedback-silence/".count)), until: now, scratch)
            }
        }
        var current = rows
        for (key, row) in scratch.rows { current[key] = row }
        func config(_ kind: SignalKind) -> SignalConfig {
            if case let .config(config)? = current["config/\(kind.rawValue)"] { return config }
            return SignalConfig()
        }
        var signals: [Signal] = []
        for (key, row) in current where key.hasPrefix("watch/") {
            guard case let .watch(watch) = row, let raised = watch.raised, let run = watch.run else { continue }
            let parts = key.split(separator: "/", maxSplits: 2).map(String.init)
            guard parts.count == 3, let kind = SignalKind(rawValue: parts[1]), config(kind).on else { continue }
            signals.append(rateSignal(kind, subject: parts[2], watch: watch, raised: raised, run: run, terms: terms(current)))
        }
        if config(.unagreedCriteria).on, let signal = unagreedCriteria(current, now: now) { signals.append(signal) }
        if config(.meetingCadence).on, let signal = meetingCadence(current, now: now) { signals.append(signal) }
        if config(.agingTension).on { signals += agingTensions(current, now: now) }
        if config(.mqlPace).on, let signal = mqlPace(current, now: now) { signals.append(signal) }
        for index in signals.indices {
            if case let .answer(answer)? = current["answer/\(signals[index].id)"] { signals[index].answer = answer }
        }
        if !dismissed { signals.removeAll { $0.answer?.state == "dismissed" } }
        return signals.sorted {
            (Signal.severityRank[$0.severity] ?? 3, $0.since, $0.id) < (Signal.severityRank[$1.severity] ?? 3, $1.since, $1.id)
        }
    }

    static func terms(_ rows: [String: SignalsProjection.Row]) -> SignalsProjection.Terms? {
        if case let .terms(terms)? = rows["sla/current"] { return terms }
        return nil
    }

    static func date(_ time: Timestamp) -> String { time.yearMonthDay }

    /// A rate as the CLI and the dashboard print one (`Figures.percent`: 12.5% is "12%", as printf rounds).
    static func percent(_ rate: Double) -> String { Figures.percent(rate) }

    /// A number of days or years as a whole number, as the evidence states them (`Figures.fixed` to no digits).
    static func whole(_ value: Double) -> String { Figures.fixed(value, digits: 0) }

    // MARK: - Rates

    static func rateSignal(_ kind: SignalKind, subject: String, watch: RateWatch, raised: RateWatch.Raised, run: RateWatch.Run,
                           terms: SignalsProjection.Terms?) -> Signal {
        let base = raised.baseline
        let now = SignalWindow(from: run.from, to: run.to, count: run.count, events: run.events)
        let expected = Cusum.expectedAtMost(run.count, rate: base.cautiousRate)
        let weeks = max(1, Int((Double(base.to.microseconds - base.from.microseconds) / Double(7 * day)).rounded()))
        let summary: String
        let unit: String
        let clears: String
        switch kind {
        case .sourceQuality:
            unit = "verdicts"
            summary = "\(subject) leads: \(run.events) of the last \(run.count) rejected since \(date(run.from)), against \(base.events) of \(base.count) in the \(weeks) weeks before; expected at most \(expected)"
            clears = "clears when \(subject)'s rejections fall back to the baseline rate and the statistic returns to zero"
        case .sla:
            unit = "deadlines"
            let hours = terms.map { " \($0.followUpHours)-hour" } ?? ""
            summary = "\(subject): \(run.events) of \(run.count) leads missed the\(hours) follow-up deadline since \(date(run.from)), against \(percent(base.rate)) (\(base.events) of \(base.count)) in the \(weeks) weeks before; expected at most \(expected)"
            clears = "clears when \(subject) answers leads within the SLA again and the statistic returns to zero"
        default:
            unit = "feedback deadlines"
            let days = terms?.feedbackWithinDays.map { " within \($0) days" } ?? ""
            summary = "\(subject): \(run.events) of \(run.count) accepted leads got no feedback\(days) since \(date(run.from)), against the team's usual \(percent(base.rate)); expected at most \(expected)"
            clears = "clears when \(subject) rates accepted leads in time again and the statistic returns to zero"
        }
        let rise = now.rate - base.rate
        let severity = rise >= 0.25 || watch.statistic >= 2 * raised.threshold ? "high" : rise >= 0.12 ? "medium" : "low"
        let noun = kind == .sourceQuality ? "source" : "rep"
        let years = raised.arl0 / max(1, Double(base.count) / max(7, Double(base.to.microseconds - base.from.microseconds) / Double(day))) / 365
        let budget = "a false alarm about once in \(whole(years)) years per \(noun) at its usual volume (in-control average run length \(whole(raised.arl0)) \(unit))"
        var evidence = SignalEvidence(baseline: base, current: now, statistic: (watch.statistic * 100).rounded() / 100,
                                      threshold: (raised.threshold * 100).rounded() / 100, budget: budget,
                                      positions: run.positions, reasons: run.reasons)
        evidence.configuredBy = raised.configuredBy
        return Signal(id: Signal.id(kind, subject, since: raised.at), kind: kind, subject: subject, since: raised.at,
                      severity: severity, summary: summary, evidence: evidence, clears: clears)
    }

    // MARK: - Rules

    static func unagreedCriteria(_ rows: [String: SignalsProjection.Row], now: Timestamp) -> Signal? {
        guard case let .latest(version)? = rows["criteria/latest"], case let .criteria(criteria)? = rows["criteria/\(version)"],
              let firstLead = criteria.firstLeadAfterGrace else { return nil }
        let missing = criteria.signed["management"] != nil ? [] : ["marketing", "sales"].filter { criteria.signed[$0] == nil }
        guard !missing.isEmpty else { return nil }
        let graceOver = Timestamp(microseconds: criteria.changedAt.microseconds + criteria.graceDays * day)
        let since = max(graceOver, firstLead)
        guard since <= now else { return nil }
        let waiting = Int((now.microseconds - criteria.changedAt.microseconds) / day)
        let teams = missing.joined(separator: " and ")
        var evidence = SignalEvidence()
        evidence.fact = "criteria v\(version), changed by \(criteria.changedBy) on \(date(criteria.changedAt)), is not signed by \(teams); \(criteria.leads) leads were sent under it"
        evidence.clock = "days since the version was proposed: \(waiting)"
        evidence.rule = "a version one team has not signed \(criteria.graceDays) days after it was proposed, while leads are sent under it"
        evidence.positions = [criteria.position] + (criteria.firstLeadPosition.map { [$0] } ?? [])
        let severity = criteria.leads >= 50 || Int64(waiting) >= 3 * criteria.graceDays ? "high" : "medium"
        return Signal(id: Signal.id(.unagreedCriteria, "v\(version)", since: since), kind: .unagreedCriteria, subject: String(version),
                      since: since, severity: severity,
                      summary: "Criteria v\(version) is not signed by \(teams) after \(waiting) days; \(criteria.leads) leads have been sent under it",
                      evidence: evidence, clears: "clears when \(teams) sign\(missing.count == 1 ? "s" : "") version \(version), or a new version replaces it")
    }

    static func meetingCadence(_ rows: [String: SignalsProjection.Row], now: Timestamp) -> Signal? {
        guard case let .meetings(meetings)? = rows["meetings/joint"], meetings.count >= 4, let last = meetings.last else { return nil }
        let intervals = zip(meetings.dropFirst(), meetings).map { Double($0.at.microseconds - $1.at.microseconds) / Double(day) }.sorted()
        let usual = intervals[intervals.count / 2]
        let threshold = max(2 * usual, usual + 7)
        let since = Timestamp(microseconds: last.at.microseconds + Int64(threshold * Double(day)))
        guard since <= now else { return nil }
        let gap = Double(now.microseconds - last.at.microseconds) / Double(day)
        var evidence = SignalEvidence()
        evidence.fact = "the last meeting both marketing and sales attended was on \(date(last.at)), \(Int(gap)) days ago"
        evidence.clock = "days since that meeting; the last \(meetings.count) joint meetings were a median of \(whole(usual)) days apart"
        evidence.rule = "no joint meeting for longer than twice the usual interval, or the usual interval and a week (here \(whole(threshold)) days)"
        evidence.positions = [last.position]
        return Signal(id: Signal.id(.meetingCadence, "joint", since: since), kind: .meetingCadence, subject: "joint", since: since,
                      severity: gap > 2 * threshold ? "high" : "medium",
                      summary: "No joint meeting for \(Int(gap)) days; they were usually \(whole(usual)) days apart (last: \(date(last.at)))",
                      evidence: evidence, clears: "clears at the next meeting both marketing and sales attend")
    }

    /// Days an aging tension stays a signal after it crossed its threshold.
    public static let agingWindowDays: Int64 = 90

    static func agingTensions(_ rows: [String: SignalsProjection.Row], now: Timestamp) -> [Signal] {
        var signals: [Signal] = []
        let range = quietRange(at: now)
        for (key, row) in rows where key.hasPrefix("quiet/") && key >= range.from {
            guard case let .tension(tension) = row, !tension.resolved else { continue }
            var usual = 14.0
            var samples = 0
            if case let .durations(days)? = rows["durations/\(tension.category)"], days.count >= 3 {
                let sorted = days.sorted()
                usual = sorted[sorted.count / 2]
                samples = days.count
            }
            var threshold = min(Double(longestQuiet), max(3, 2 * usual))
            if tension.escalated { threshold = max(2, threshold / 2) }
            let since = Timestamp(microseconds: tension.lastActivity.microseconds + Int64(threshold * Double(day)))
            // An early warning: a tension quiet for months more has long been in the open issues, and is no news.
            guard since <= now, now.microseconds - since.microseconds <= agingWindowDays * day else { continue }
            let quiet = Int((now.microseconds - tension.lastActivity.microseconds) / day)
            var evidence = SignalEvidence()
            evidence.fact = "\(tension.tension) “\(tension.title)” (\(tension.category), \(tension.severity)\(tension.escalated ? ", escalated" : "")) has had no comment, escalation or resolution since \(date(tension.lastActivity))"
            evidence.clock = "days since its last activity: \(quiet)"
            let halved = tension.escalated ? ", halved when escalated" : ""
            evidence.rule = samples > 0
                ? "quiet for longer than twice the median time to resolve a \(tension.category) tension (\(whole(usual)) days, from \(samples) resolved)\(halved): \(whole(threshold)) days"
                : "quiet for longer than \(whole(threshold)) days (fewer than 3 \(tension.category) tensions resolved yet to learn from)\(halved)"
            evidence.positions = [tension.lastPosition]
            signals.append(Signal(
                id: Signal.id(.agingTension, tension.tension, since: since), kind: .agingTension, subject: tension.tension, since: since,
                severity: tension.severity == "high" || tension.escalated ? "high" : "medium",
                summary: "\(tension.tension) “\(tension.title)” has had no activity for \(quiet) days" + (samples > 0 ? "; \(tension.category) tensions usually resolve in \(whole(usual)) days" : ""),
                evidence: evidence, clears: "clears with any comment, escalation or resolution of \(tension.tension)"))
        }
        return signals
    }

    /// Days in the month `month` (`2026-02`).
    static func daysIn(_ month: String) -> Int {
        guard let start = Timestamp(rfc3339: month + "-01T00:00:00Z") else { return 30 }
        var probe = start.microseconds + 27 * day
        while Timestamp(microseconds: probe).yearMonth == month { probe += day }
        return Int((probe - start.microseconds) / day)
    }

    static func mqlPace(_ rows: [String: SignalsProjection.Row], now: Timestamp) -> Signal? {
        guard let target = terms(rows)?.monthlyMqlTarget, target > 0 else { return nil }
        let month = now.yearMonth
        guard case let .month(watch)? = rows["month/\(month)"] ?? .some(.month(SignalsProjection.MonthWatch())) else { return nil }
        let length = daysIn(month)
        let completed = Int(now.monthAndDay.day.suffix(2)).map { $0 - 1 } ?? 0
        // A log that began this month is judged from its first lead, not from the 1st.
        let previous = Timestamp(microseconds: (Timestamp(rfc3339: month + "-01T00:00:00Z")?.microseconds ?? 0) - day).yearMonth
        let opening = rows["month/\(previous)"] == nil ? (watch.days.firstIndex { $0 > 0 } ?? 0) : 0
        guard completed - opening >= 10 else { return nil }
        // On each completed day from the 10th: is the month on pace to miss by a wide margin?
        func behind(_ days: Int) -> (Bool, Int64, Double) {
            let sent = watch.days.prefix(days).reduce(0, +)
            let counted = Double(days - opening)
            let pace = Double(sent) / counted * Double(length)
            let generous = (Double(sent) + 1.645 * Double(sent).squareRoot() + 1) / counted * Double(length)
            return (pace < 0.7 * Double(target) && generous < Double(target), sent, pace)
        }
        guard behind(completed).0 else { return nil }
        var first = completed
        while first - opening > 10 && behind(first - 1).0 { first -= 1 }
        guard let start = Timestamp(rfc3339: month + "-01T00:00:00Z") else { return nil }
        let since = Timestamp(microseconds: start.microseconds + Int64(first) * day)
        let (_, sent, pace) = behind(completed)
        var evidence = SignalEvidence()
        evidence.fact = "\(sent) MQLs sent in the first \(completed) days of \(month), on pace for \(Int(pace)) against the SLA's monthly target of \(target)"
        evidence.clock = "completed days of the month: \(completed) of \(length)"
        evidence.rule = "on pace for less than 70% of the target from the 10th, and short of it even at the top of the count's 95% range"
        evidence.positions = [watch.lastPosition].filter { $0 > 0 }
        return Signal(id: Signal.id(.mqlPace, month, since: since), kind: .mqlPace, subject: month, since: since,
                      severity: pace < 0.5 * Double(target) ? "high" : "medium",
                      summary: "\(month): \(sent) MQLs in \(completed) days, on pace for \(Int(pace)) against a target of \(target)",
                      evidence: evidence, clears: "clears when the pace comes back within 30% of the target, or at the month's end")
    }

    // MARK: - Answers

    /// Per kind: how many signals people acknowledged, and dismissed for each reason.
    public static func stats(_ rows: [String: SignalsProjection.Row]) -> [(kind: SignalKind, acknowledged: Int, dismissed: [String: Int])] {
        var counts: [SignalKind: (Int, [String: Int])] = [:]
        for (key, row) in rows where key.hasPrefix("answer/") {
            guard case let .answer(answer) = row else { continue }
            let id = key.dropFirst("answer/".count)
            guard let kind = SignalKind.allCases.sorted(by: { $0.rawValue.count > $1.rawValue.count }).first(where: { id.hasPrefix($0.rawValue + "-") }) else { continue }
            var entry = counts[kind] ?? (0, [:])
            if answer.state == "dismissed" { entry.1[answer.reason ?? "other", default: 0] += 1 } else { entry.0 += 1 }
            counts[kind] = entry
        }
        return SignalKind.allCases.map { ($0, counts[$0]?.0 ?? 0, counts[$0]?.1 ?? [:]) }
    }
}
