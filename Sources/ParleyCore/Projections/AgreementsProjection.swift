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
        switch event.type {
        case AgreementProposed.type:
            guard let name = data[AgreementProposed.agreement], let version = data[AgreementProposed.version] else { return }
            var row = try rows.row(key(name)) ?? Row(name: name)
            row.versions.propose(version, by: event.actor, at: event.occurredAt)
            row.texts.removeAll { $0.version == version }
            row.texts.append(Text(version: version, text: data[AgreementProposed.text] ?? "", rationale: data[AgreementProposed.rationale]))
            row.texts.sort { $0.version < $1.version }
            rows.set(key(name), row)
        case AgreementAgreed.type:
            guard let name = data[AgreementAgreed.agreement], let version = data[AgreementAgreed.version],
                  let team = data[AgreementAgreed.team] else { return }
            var row = try rows.row(key(name)) ?? Row(name: name)
            guard row.versions.sign(version, team: team, by: event.actor, at: event.occurredAt) else { return }
            rows.set(key(name), row)
        default:
            return
        }
    }
}
