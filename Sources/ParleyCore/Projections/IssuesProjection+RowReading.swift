// The issues view's most-read rows read straight from their bytes
// (RowReadable), in the forms their Codable conformances write: every
// `issues` reads every open tension and action item, `actions` and
// `meetings` every action item. The other cases are left to Codable.

extension IssuesProjection.Row: RowReadable {
    public init?(reading reader: inout RowReader) throws {
        let start = reader.offset
        switch try reader.rowCase() {
        case 0: self = .tension(try IssuesProjection.Tension(reading: &reader))
        case 1: self = .action(try IssuesProjection.Action(reading: &reader))
        default:
            reader.offset = start
            return nil
        }
    }
}

extension IssuesProjection.Tension {
    /// The fields in the order `encode(to:)` writes them (a list).
    init(reading reader: inout RowReader) throws {
        guard try reader.list() == 10 else { throw RowReader.corrupt("a tension has 10 fields") }
        tension = try reader.string()
        title = try reader.string()
        severity = try reader.string()
        category = try reader.string()
        teams = try reader.strings()
        flaggedBy = try reader.string()
        flaggedAt = try reader.time()
        lastActivity = try reader.time()
        escalated = try reader.bool()
        resolved = try reader.bool()
    }
}

extension IssuesProjection.Action {
    /// Keyed, as the synthesized conformance writes it: an absent optional has no entry.
    init(reading reader: inout RowReader) throws {
        var action: String?, meeting: String?, owner: String?, text: String?, due: String?, heldAt: Timestamp?, completedAt: Timestamp?
        try reader.keyed { key, value in
            switch key {
            case "action": action = try value.string()
            case "meeting": meeting = try value.string()
            case "owner": owner = try value.string()
            case "text": text = try value.string()
            case "due": due = try value.optional { try $0.string() }
            case "heldAt": heldAt = try value.time()
            case "completedAt": completedAt = try value.optional { try $0.time() }
            default: try value.skipValue()
            }
        }
        guard let action, let meeting, let owner, let text, let heldAt else { throw RowReader.missing("a field of an action item") }
        self.init(action: action, meeting: meeting, owner: owner, text: text, due: due, heldAt: heldAt, completedAt: completedAt)
    }
}
