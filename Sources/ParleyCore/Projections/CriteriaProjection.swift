/// The audit of the lead criteria (the MQL definition): every version, who
/// changed it, when (both clocks), why, and which teams agreed when.
/// What leads sent under each version became comes from the quality view's
/// `criteria/v<n>` groups.
public enum CriteriaProjection: Projection {
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

    public static func apply(_ event: RecordedEvent, to rows: ProjectionRows<Row>) throws {
        guard event.type.hasPrefix("criteria.") else { return }
        let data = event.payload
        guard let version = data["version"]?.integerValue else { return }
        switch event.type {
        case "criteria.changed":
            rows.set(key(version), Row(version: version, rules: data["rules"]?.stringValue ?? "", changedBy: event.actor,
                                       occurredAt: event.occurredAt, recordedAt: event.recordedAt, rationale: data["rationale"]?.stringValue))
        case "criteria.agreed":
            guard var row = try rows.take(key(version)) else { return }
            row.agreedBy.append(Agreement(team: data["team"]?.stringValue ?? "", by: event.actor, at: event.occurredAt))
            rows.set(key(version), row)
        default:
            break
        }
    }
}

/// A word diff of two rule texts, as `git diff --word-diff` writes one:
/// `[-removed-]` and `{+added+}` among the words both share.
public enum WordDiff {
    public static func diff(_ old: String, _ new: String) -> String {
        let a = old.split(whereSeparator: \.isWhitespace).map(String.init)
        let b = new.split(whereSeparator: \.isWhitespace).map(String.init)
        // Longest common subsequence, by dynamic programming (rules are short).
        var lengths = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in stride(from: a.count - 1, through: 0, by: -1) {
            for j in stride(from: b.count - 1, through: 0, by: -1) {
                lengths[i][j] = a[i] == b[j] ? lengths[i + 1][j + 1] + 1 : max(lengths[i + 1][j], lengths[i][j + 1])
            }
        }
        var parts: [String] = []
        var removed: [String] = []
        var added: [String] = []
        func flush() {
            if !removed.isEmpty { parts.append("[-" + removed.joined(separator: " ") + "-]") }
            if !added.isEmpty { parts.append("{+" + added.joined(separator: " ") + "+}") }
            removed = []
            added = []
        }
        var i = 0, j = 0
        while i < a.count || j < b.count {
            if i < a.count, j < b.count, a[i] == b[j] {
                flush()
                parts.append(a[i])
                i += 1
                j += 1
            } else if j < b.count, i == a.count || lengths[i][j + 1] >= lengths[i + 1][j] {
                added.append(b[j])
                j += 1
            } else {
                removed.append(a[i])
                i += 1
            }
        }
        flush()
        return parts.joined(separator: " ")
    }
}

/// Joint meetings: who attended, what was decided, which action items came of it.
public enum MeetingsProjection: Projection {
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
    }

    public static func apply(_ event: RecordedEvent, to rows: ProjectionRows<Row>) throws {
        guard event.type == "meeting.held" else { return }
        let data = event.payload
        func strings(_ value: JSONValue?) -> [String] {
            if case let .array(items)? = value { return items.compactMap(\.stringValue) }
            return []
        }
        var actions: [String] = []
        if case let .array(items)? = data["action_items"] { actions = items.compactMap { $0["action"]?.stringValue } }
        let id = data["meeting"]?.stringValue ?? ""
        rows.set("meeting/\(id)", Row(meeting: id, title: data["title"]?.stringValue ?? "", heldBy: event.actor, at: event.occurredAt,
                                      attendees: strings(data["attendees"]), decisions: strings(data["decisions"]), actions: actions))
    }
}
