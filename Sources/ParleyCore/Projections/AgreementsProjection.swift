/// Agreements the teams keep as versioned documents (personas, the
/// messaging guide, routing rules, the content calendar): each version's
/// text and rationale, and who signed which (``AgreementVersions``).
///
/// Rows: `agreement/<name>`.
public enum AgreementsProjection: Projection {
    public static let typePrefixes = ["agreement."]

    public static let name = "agreements"
    public static let version = 1

    /// One version's text, as proposed.
    public struct Text: Codable, Sendable, Equatable {
        public var version: Int64
        public var text: String
        public var rationale: String?
    }

    public struct Row: Codable, Sendable, Equatable {
        public var name: String
        public var versions = AgreementVersions()
        public var texts: [Text] = []

        public func text(_ version: Int64) -> Text? { texts.first { $0.version == version } }
    }

    public static func key(_ name: String) -> String { "agreement/\(name)" }

    public static func apply(_ event: RecordedEvent, data: Payload, to rows: ProjectionRows<Row>) throws {
        guard event.type.hasPrefix("agreement."), let name = data["agreement"]?.stringValue,
              let version = data["version"]?.integerValue else { return }
        var row = try rows.row(key(name)) ?? Row(name: name)
        switch event.type {
        case AgreementProposed.type:
            row.versions.propose(version, by: event.actor, at: event.occurredAt)
            row.texts.removeAll { $0.version == version }
            row.texts.append(Text(version: version, text: data["text"]?.stringValue ?? "", rationale: data["rationale"]?.stringValue))
            row.texts.sort { $0.version < $1.version }
        case AgreementAgreed.type:
            guard let team = data["team"]?.stringValue, row.versions.sign(version, team: team, by: event.actor, at: event.occurredAt) else { return }
        default:
            return
        }
        rows.set(key(name), row)
    }
}
