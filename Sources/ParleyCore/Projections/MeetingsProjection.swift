/// Joint meetings: who attended, what was decided, which action items came of it.
public enum MeetingsProjection: Projection {
    public static let typePrefixes = ["meeting."]

    public static let name = "meetings"
    public static let version = 1

    public struct Row: Codable, Sendable, Equatable {
        public var meeting: String
        public var title: String
        public var heldBy: String
        public var at: Timestamp
        public var attendees: [String]
        public var decisions: [String]
        public var actions: [String]

        /// Whether marketing and sales both attended, given each attendee's team.
        public func isJoint(teamOf team: (String) -> String) -> Bool {
            let teams = Set(attendees.map(team))
            return teams.contains("marketing") && teams.contains("sales")
        }
    }

    public static func apply(_ event: RecordedEvent, data: Payload, to rows: ProjectionRows<Row>) throws {
        guard event.type == MeetingHeld.type else { return }
        let id = data[MeetingHeld.meeting] ?? ""
        rows.set("meeting/\(id)", Row(meeting: id, title: data[MeetingHeld.title] ?? "", heldBy: event.actor, at: event.occurredAt,
                                      attendees: data[MeetingHeld.attendees] ?? [], decisions: data[MeetingHeld.decisions] ?? [],
                                      actions: (data[MeetingHeld.actionItems] ?? []).map(\.action)))
    }
}
