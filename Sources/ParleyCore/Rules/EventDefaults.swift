/// Fields the catalogue fills in when a writer leaves them out, the same on
/// every path that records (a command, `parley record`, an import, the
/// server).
///
/// - `lead.sent` without `criteria_version` is sent under the criteria
///   version in force when it happened: the highest version changed to at
///   or before its `occurred_at`. Before any version, it stays without one.
/// - `sla.set` without `version` is the next version of the SLA.
public enum EventDefaults {
    /// The stream whose history `event`'s defaults are decided from, when
    /// it leaves out a field that has one.
    public static func streamNeeded(for event: ProposedEvent) -> String? {
        guard let field = defaultedField(event.type), event.payload[field] == nil else { return nil }
        return event.type == LeadSent.type ? CriteriaChanged.stream : SLASet.stream
    }

    /// The field of `type` that has a default.
    static func defaultedField(_ type: String) -> String? {
        switch type {
        case LeadSent.type: "criteria_version"
        case SLASet.type: "version"
        default: nil
        }
    }

    /// `event` with its defaults filled in.
    ///
    /// - Parameters:
    ///   - time: when it happened (its `occurred_at`, or the time of recording).
    ///   - history: the history of the stream ``streamNeeded(for:)`` names.
    public static func complete(_ event: ProposedEvent, at time: Timestamp, history: StreamHistory?) -> ProposedEvent {
        guard let history, streamNeeded(for: event) == history.stream else { return event }
        switch event.type {
        case LeadSent.type:
            guard let version = history.versions.latest(proposedAtOrBefore: time) else { return event }
            return event.setting("criteria_version", to: .integer(version))
        case SLASet.type:
            return event.setting("version", to: .integer(history.versions.latest + 1))
        default:
            return event
        }
    }

    /// True when `stored` is `proposed` with its defaults filled in: a
    /// retry of an event whose default was decided when it was first
    /// recorded.
    public static func isCompleted(_ proposed: ProposedEvent, as stored: RecordedEvent) -> Bool {
        guard streamNeeded(for: proposed) != nil, let field = defaultedField(proposed.type), let value = stored.payload[field] else { return false }
        return proposed.setting(field, to: value).isSameContent(as: stored)
    }
}
