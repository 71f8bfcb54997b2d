public import ParleyCore
import ParleyStore

/// A tension as the tensions page lists it.
public struct TensionEntry: Sendable, Equatable, Encodable {
    public var id: String
    public var title: String
    public var severity: String
    public var category: String
    public var flaggedBy: String
    public var flaggedAt: Timestamp
    /// `open`, `escalated` or `resolved` (``states``).
    public var state: String
    /// The states a tension can be in.
    public static let states = ["open", "escalated", "resolved"]
    public var resolution: String?
    public var resolvedAt: Timestamp?
    public var lastActivity: Timestamp
    public var comments: Int

    public func encode(to encoder: any Encoder) throws {
        var out = encoder.container(keyedBy: JSONKey.self)
        try out.put(id, "id")
        try out.put(title, "title")
        try out.put(severity, "severity")
        try out.put(category, "category")
        try out.put(flaggedBy, "flagged_by")
        try out.put(flaggedAt, "flagged_at")
        try out.put(state, "state")
        try out.put(resolution, "resolution")
        try out.put(resolvedAt, "resolved_at")
        try out.put(lastActivity, "last_activity")
        try out.put(comments, "comments")
    }
}

/// One stream's events, each with a line of words, and what they add up to.
public struct StreamStory: Sendable, Equatable, Encodable {
    public struct Line: Sendable, Equatable, Encodable {
        public var event: RecordedEvent
        public var summary: String
        /// True when a later correction retracted it: it no longer counts.
        public var retracted: Bool

        public func encode(to encoder: any Encoder) throws {
            var out = encoder.container(keyedBy: JSONKey.self)
            try out.put(event.position, "position")
            try out.put(event.id.description, "id")
            try out.put(event.type, "type")
            try out.put(event.actor, "actor")
            try out.put(event.occurredAt, "occurred_at")
            try out.put(summary, "summary")
            try out.put(retracted, "retracted")
        }
    }

    public var stream: String
    public var lines: [Line]

    /// Where a lead's story stands, in words: `Waiting for a verdict from
    /// sales.`, `Rejected by sales. Converted.` (retracted events do not count).
    public var leadStatus: String {
        let types = lines.filter { !$0.retracted }.map(\.event.type)
        let verdict = types.last { $0 == LeadAccepted.type || $0 == LeadRejected.type }
        let outcome = types.last { $0 == LeadConverted.type || $0 == LeadLost.type }
        var status = verdict == nil ? "Waiting for a verdict from sales." : verdict == LeadAccepted.type ? "Accepted by sales." : "Rejected by sales."
        if let outcome { status += outcome == LeadConverted.type ? " Converted." : " Lost." }
        return status
    }

    /// Whether the lead had a verdict (accepted or rejected) that counts.
    public var leadHasVerdict: Bool {
        lines.contains { !$0.retracted && ($0.event.type == LeadAccepted.type || $0.event.type == LeadRejected.type) }
    }

    /// Where the story stands: ``leadStatus`` for a lead's stream, else nil.
    public var status: String? { stream.hasPrefix("lead/") ? leadStatus : nil }

    public func encode(to encoder: any Encoder) throws {
        var out = encoder.container(keyedBy: JSONKey.self)
        try out.put(stream, "stream")
        try out.put(status, "status")
        try out.put(lines, "events")
    }
}

/// A tension as the tensions list shows it, and its story.
public struct TensionStory: Sendable, Equatable, Encodable {
    public var tension: TensionEntry
    public var story: StreamStory

    public func encode(to encoder: any Encoder) throws {
        var out = encoder.container(keyedBy: JSONKey.self)
        try out.put(tension, "tension")
        try out.put(story.lines, "events")
    }
}

extension App {
    /// Every tension as it stood at the window's moment, newest first.
    public func tensions(_ window: ReplayWindow = ReplayWindow()) throws(ParleyError) -> [TensionEntry] {
        var streams: [String: [RecordedEvent]] = [:]
        var order: [String] = []
        try events(Self.filter(stream: "tension/*", window)) { event in
            if streams[event.stream] == nil { order.append(event.stream) }
            streams[event.stream, default: []].append(event)
            return true
        }
        return order.reversed().compactMap { stream -> TensionEntry? in
            let events = streams[stream]!
            let history = StreamHistory(events, stream: stream)
            guard let flagged = history.tension.flagged else { return nil }
            let data = flagged.payload
            let counted = events.filter { history.retractions[$0.id] == nil && $0.type != EventRetracted.type }
            let state = history.tension.resolved != nil ? "resolved" : history.tension.escalated ? "escalated" : "open"
            return TensionEntry(id: history.id, title: data[TensionFlagged.title] ?? "", severity: data[TensionFlagged.severity] ?? "",
                                category: data[TensionFlagged.category] ?? "", flaggedBy: flagged.actor, flaggedAt: flagged.occurredAt,
                                state: state, resolution: history.tension.resolved?.payload[TensionResolved.resolution],
                                resolvedAt: history.tension.resolved?.occurredAt,
                                lastActivity: counted.map(\.occurredAt).max() ?? flagged.occurredAt,
                                comments: counted.filter { $0.type == TensionCommented.type }.count)
        }
    }

    /// A tension as it stood at the window's moment, and its events in words.
    ///
    /// - Throws: ``ParleyError`` not found when there is no such tension by then.
    public func tensionStory(_ id: String, _ window: ReplayWindow = ReplayWindow()) throws(ParleyError) -> TensionStory {
        guard let tension = try tensions(window).first(where: { $0.id == id }) else {
            throw ParleyError(.notFound, code: "not-found", "there is no tension \(id)\(window.asOf.map { " by \($0.rfc3339)" } ?? "")")
        }
        return TensionStory(tension: tension, story: try story(of: "tension/\(id)", window))
    }

    /// A stream's events in order, each in words (a tension's history, a lead's life).
    ///
    /// - Throws: ``ParleyError`` not found when the stream has no events by then.
    public func story(of stream: String, _ window: ReplayWindow = ReplayWindow()) throws(ParleyError) -> StreamStory {
        var events: [RecordedEvent] = []
        try self.events(Self.filter(stream: stream, window)) { events.append($0); return true }
        guard !events.isEmpty else {
            // `lead/L-9` reads as "lead L-9".
            let named = stream.split(separator: "/", maxSplits: 1).joined(separator: " ")
            throw ParleyError(.notFound, code: "not-found", "there is nothing in the log for \(named)\(window.asOf.map { " by \($0.rfc3339)" } ?? "")")
        }
        let history = StreamHistory(events, stream: stream)
        return StreamStory(stream: stream, lines: events.map { event in
            StreamStory.Line(event: event, summary: EventSummary.line(event, data: Payload(event.payload)),
                             retracted: history.retractions[event.id] != nil)
        })
    }

    /// The events of `stream` (a prefix with `*`) that the window sees: occurred by `asOf`, known by `knownAt`.
    private static func filter(stream: String, _ window: ReplayWindow) -> EventFilter {
        EventFilter(stream: stream, until: window.asOf.map { Timestamp(microseconds: $0.microseconds + 1) }, knownAt: window.knownAt)
    }
}
