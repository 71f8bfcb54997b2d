/// Fields the catalogue fills in when a writer leaves them out, the same on
/// every path that records (a command, `parley record`, an import, the
/// server).
///
/// - `lead.sent` without `criteria_version` is sent under the criteria
///   version in force when it happened: the highest version changed to at
///   or before its `occurred_at`. Before any version, it stays without one.
public enum EventDefaults {
    /// Whether `event` leaves out a field with a default that needs the
    /// lead criteria's history.
    public static func needsCriteria(_ event: ProposedEvent) -> Bool {
        event.type == LeadSent.type && event.payload["criteria_version"] == nil
    }

    /// `event` with its defaults filled in.
    ///
    /// - Parameters:
    ///   - time: when it happened (its `occurred_at`, or the time of recording).
    ///   - criteria: the lead criteria's history, when ``needsCriteria(_:)``.
    public static func complete(_ event: ProposedEvent, at time: Timestamp, criteria: StreamHistory?) -> ProposedEvent {
        guard needsCriteria(event), let version = criteria?.criteria.version(inForceAt: time) else { return event }
        return event.setting("criteria_version", to: .integer(version))
    }

    /// True when `stored` is `proposed` with its defaults filled in: a
    /// retry of an event whose default was decided when it was first
    /// recorded.
    public static func isCompleted(_ proposed: ProposedEvent, as stored: RecordedEvent) -> Bool {
        guard needsCriteria(proposed), let version = stored.payload["criteria_version"] else { return false }
        return proposed.setting("criteria_version", to: version).isSameContent(as: stored)
    }
}
