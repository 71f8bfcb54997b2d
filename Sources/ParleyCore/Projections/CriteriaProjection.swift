/// The audit of the lead criteria (the MQL definition): every version, who
/// changed it, when (both clocks), why, and which teams agreed when.
/// What leads sent under each version became comes from the quality view's
/// `criteria/v<n>` groups.
public enum CriteriaProjection: Projection {
    public static let typePrefixes = ["criteria."]

    public static let name = "criteria"
    public static let version = 1

    public struct Agreement: Codable, Sendable, Equatable {
        public var team: String
        public var by: String
        public var at: Timestamp
    }

    public struct Row: Codable, Sendable, Equatable {
        public var version: Int64
        public var rules: String
        public var changedBy: String
        public var occurredAt: Timestamp
        public var recordedAt: Timestamp
        public var rationale: String?
        public var agreedBy: [Agreement] = []
    }

    /// Row keys sort by version.
    public static func key(_ version: Int64) -> String {
        let digits = String(version)
        return "version/" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
    }

    public static func apply(_ event: RecordedEvent, data: Payload, to rows: ProjectionRows<Row>) throws {
        switch event.type {
        case CriteriaChanged.type:
            guard let version = data[CriteriaChanged.version] else { return }
            rows.set(key(version), Row(version: version, rules: data[CriteriaChanged.rules] ?? "", changedBy: event.actor,
                                       occurredAt: event.occurredAt, recordedAt: event.recordedAt, rationale: data[CriteriaChanged.rationale]))
        case CriteriaAgreed.type:
            guard let version = data[CriteriaAgreed.version], var row = try rows.row(key(version)) else { return }
            row.agreedBy.append(Agreement(team: data[CriteriaAgreed.team] ?? "", by: event.actor, at: event.occurredAt))
            rows.set(key(version), row)
        default:
            break
        }
    }
}
