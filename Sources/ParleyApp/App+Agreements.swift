public import ParleyCore

/// One agreement as `parley agreements` lists it: its latest version, the
/// version in force, and who has still to sign.
public struct AgreementSummary: Sendable, Equatable, Encodable {
    public var name: String
    public var latest: Int64
    /// The version both teams signed last (nil: none yet).
    public var inForce: Int64?
    /// The latest version's sign-off.
    public var signOff: SignOff
    public var proposedBy: String
    public var proposedAt: Timestamp

    public func encode(to encoder: any Encoder) throws {
        var out = encoder.container(keyedBy: JSONKey.self)
        try out.put(name, "agreement")
        try out.put(latest, "latest")
        try out.put(inForce, "in_force")
        try out.put(proposedBy, "proposed_by")
        try out.put(proposedAt, "proposed_at")
        try signOff.encode(to: encoder)
    }
}

/// One version of an agreement: its text, why, who signed, and a word diff
/// from the version before.
public struct AgreementVersion: Sendable, Equatable, Encodable {
    public var name: String
    public var version: Int64
    public var text: String
    public var rationale: String?
    public var proposedBy: String
    public var proposedAt: Timestamp
    public var signOff: SignOff
    /// The version before's text changed into this one's (`{+added+}`,
    /// `[-removed-]`); the whole text as added for the first version.
    public var diff: String
    /// Every version's number, to step through them.
    public var versions: [Int64]

    public func encode(to encoder: any Encoder) throws {
        var out = encoder.container(keyedBy: JSONKey.self)
        try out.put(name, "agreement")
        try out.put(version, "version")
        try out.put(text, "text")
        try out.put(rationale, "rationale")
        try out.put(proposedBy, "proposed_by")
        try out.put(proposedAt, "proposed_at")
        try signOff.encode(to: encoder)
        try out.put(diff, "diff")
        try out.put(versions, "versions")
    }
}

extension App {
    /// Every agreement kept as a document, by name, with its latest
    /// version's sign-off at the window's moment.
    public func agreements(_ window: ReplayWindow = ReplayWindow(), progress: ProgressReporter = .none) throws(ParleyError) -> [AgreementSummary] {
        let source = try self.source(AgreementsProjection.self, window, progress: progress)
        let rows = try mapped { try source.rows(prefix: "agreement/") }
        return rows.values.sorted { $0.name < $1.name }.compactMap { row in
            guard let last = row.versions.versions.last else { return nil }
            return AgreementSummary(name: row.name, latest: last.number, inForce: row.versions.inForce?.number,
                                    signOff: SignOff(row.versions, number: last.number, now: window.now),
                                    proposedBy: last.proposedBy, proposedAt: last.proposedAt)
        }
    }

    /// Version `version` (nil: the latest) of the agreement `name`.
    ///
    /// - Throws: ``ParleyError`` not found when there is no such agreement or version.
    public func agreement(_ name: String, version: Int64? = nil, _ window: ReplayWindow = ReplayWindow(),
                          progress: ProgressReporter = .none) throws(ParleyError) -> AgreementVersion {
        let source = try self.source(AgreementsProjection.self, window, progress: progress)
        guard let row = try mapped({ try source.row(AgreementsProjection.key(name)) }), let last = row.versions.versions.last else {
            throw ParleyError(.notFound, code: "not-found", "there is no agreement \(name)",
                              remedy: "see the agreements there are, or propose a first version of \(name)", hint: .proposeAgreement(name))
        }
        let number = version ?? last.number
        guard let proposed = row.versions.version(number), let text = row.text(number) else {
            let numbers = row.versions.versions.map { String($0.number) }.joined(separator: ", ")
            throw ParleyError(.notFound, code: "not-found", "agreement \(name) has no version \(number); its versions are \(numbers)",
                              field: "version")
        }
        let before = row.texts.last { $0.version < number }
        return AgreementVersion(name: name, version: number, text: text.text, rationale: text.rationale, proposedBy: proposed.proposedBy,
                                proposedAt: proposed.proposedAt, signOff: SignOff(row.versions, number: number, now: window.now),
                                diff: before.map { WordDiff.diff($0.text, text.text) } ?? "{+\(text.text)+}",
                                versions: row.versions.versions.map(\.number))
    }
}
