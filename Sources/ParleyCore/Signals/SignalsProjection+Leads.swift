// The signals view's fold of lead events: what moves the rate detectors
// (a source's rejections, a rep's SLA deadlines and feedback) and the
// counts the rule detectors read (MQLs per day, leads per criteria version).

extension SignalsProjection {
    /// Folds one lead event (a send, reassignment, verdict or feedback).
    static func lead(_ event: RecordedEvent, _ data: Payload, _ rows: ProjectionRows<Row>) throws {
        guard let id = data[EventCatalogue.lead] else { return }
        let at = event.occurredAt
        let key = "lead/\(id)"
        // The first event of the lead's own stream: nothing before it made its row, so the
        // store is not asked (a rebuild would ask for every lead).
        let first = event.version == 1 && event.stream == key
        var watched: LeadWatch?
        if !first, case let .lead(lead)? = try rows.row(key) { watched = lead }
        switch event.type {
        case LeadSent.type:
            let source = data[LeadSent.source] ?? "unknown"
            let rep = data[LeadSent.assignedTo]
            let lead = LeadWatch(source: source, rep: rep, sentAt: at)
            if first { rows.insert(key, .lead(lead)) } else { rows.set(key, .lead(lead)) }
            // MQLs per day, for the monthly pace.
            let (month, day) = month(at, rows)
            try rows.modify(month) { row in
                var watch = MonthWatch()
                if case let .month(existing)? = row { watch = existing }
                row = nil  // the value alone holds its arrays: changed in place, not copied
                watch.days[min(30, max(0, day))] += 1
                watch.lastPosition = event.position
                row = .month(watch)
            }
            // Leads under a criteria version, and the first once its grace is over.
            if let version = data[LeadSent.criteriaVersion] {
                try rows.modify("criteria/\(version)") { row in
                    guard case var .criteria(criteria)? = row else { return }
                    row = nil
                    criteria.leads += 1
                    let graceOver = criteria.changedAt.microseconds + criteria.graceDays * 86_400_000_000
                    if criteria.firstLeadAfterGrace == nil, at.microseconds >= graceOver {
                        criteria.firstLeadAfterGrace = at
                        criteria.firstLeadPosition = event.position
                    }
                    row = .criteria(criteria)
                }
            }
            if let rep, let terms = try terms(rows) {
                let config = try config(.sla, rows)
                try watch(.sla, rep, rows) { watch in
                    watch.pass(until: at, config: config)
                    // A lead sent again while it waits; a lead no row watches has no deadline anywhere.
                    if watched != nil { watch.meet(id) }
                    watch.expect(RateWatch.Deadline(lead: id, due: Timestamp(microseconds: at.microseconds + terms.followUpHours * 3_600_000_000),
                                                    position: event.position))
                }
            }
        case LeadReassigned.type:
            guard var lead = watched, lead.verdictAt == nil else { return }
            let config = try config(.sla, rows)
            if let old = lead.rep { try watch(.sla, old, rows) { watch in watch.meet(id) } }
            lead.rep = data[LeadReassigned.to]
            rows.set(key, .lead(lead))
            if let rep = lead.rep, let terms = try terms(rows) {
                try watch(.sla, rep, rows) { watch in
                    watch.pass(until: at, config: config)
                    watch.expect(RateWatch.Deadline(lead: id, due: Timestamp(microseconds: at.microseconds + terms.followUpHours * 3_600_000_000),
                                                    position: event.position))
                }
            }
        case LeadAccepted.type, LeadRejected.type:
            guard var lead = watched, lead.verdictAt == nil else { return }
            lead.verdictAt = at
            let rejected = event.type == LeadRejected.type
            // The source's rate of rejections, as verdicts arrive.
            let sourceConfig = try config(.sourceQuality, rows)
            try watch(.sourceQuality, lead.source, rows) { watch in
                watch.observe(rejected, at: at, position: event.position, reason: rejected ? data[LeadRejected.reason] : nil, config: sourceConfig)
            }
            let terms = try terms(rows)
            if let rep = lead.rep {
                let config = try config(.sla, rows)
                try watch(.sla, rep, rows) { watch in
                    watch.pass(until: at, config: config)
                    // Still pending: in time. Already passed: it was counted as a breach at its deadline.
                    if watch.meet(id) != nil { watch.observe(false, at: at, position: event.position, config: config) }
                }
                if let days = terms?.feedbackWithinDays, !rejected || !(terms?.rejectionIsFeedback ?? true) {
                    try passFeedback(rep, until: at, rows)
                    try watch(.feedbackSilence, rep, rows) { watch in
                        watch.expect(RateWatch.Deadline(lead: id, due: Timestamp(microseconds: lead.sentAt.microseconds + days * 86_400_000_000),
                                                        position: event.position))
                    }
                }
            }
            // Kept while feedback is still expected; else nothing more will move a detector.
            let feedbackExpected = lead.rep != nil && terms?.feedbackWithinDays != nil && (!rejected || !(terms?.rejectionIsFeedback ?? true))
            rows.set(key, feedbackExpected ? .lead(lead) : nil)
        case LeadFeedback.type:
            guard let lead = watched, let rep = lead.rep else { return }
            rows.set(key, nil)
            let config = try config(.feedbackSilence, rows)
            try passFeedback(rep, until: at, rows)
            var met = false
            try watch(.feedbackSilence, rep, rows) { watch in
                if watch.meet(id) != nil {
                    met = true
                    let base = try teamBaseline(rows, before: watch.run?.from ?? at, weeks: config.baselineWeeks)
                    watch.observe(false, at: at, position: event.position, config: config, baseline: .some(base))
                }
            }
            if met { try teamRecord(false, at: at, weeks: config.baselineWeeks, rows) }
        default:
            break
        }
    }
}
