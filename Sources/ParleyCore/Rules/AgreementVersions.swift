/// The versions of one agreement between the teams (the lead criteria, the
/// SLA, a document such as the messaging guide) and who signed which.
///
/// A version is *proposed* until marketing and sales have both agreed to it
/// (management may agree for either); it is then *in force* until a later
/// version is, and *superseded* after. A version proposed after the one in
/// force, not yet signed by both, waits. The rules, the views and the
/// reports all read agreements through this one type, so that the states
/// mean the same thing everywhere.
public struct AgreementVersions: Codable, Sendable, Hashable {
    /// The teams whose signatures put a version in force.
    public static let signingTeams = ["marketing", "sales"]

    /// A team's signature on a version.
    public struct Signature: Codable, Sendable, Hashable {
        public var team: String
        public var by: String
        public var at: Timestamp

        public init(team: String, by: String, at: Timestamp) {
            self.team = team
            self.by = by
            self.at = at
        }
    }

    public enum State: String, Codable, Sendable {
        /// Waiting for a signature.
        case proposed
        case inForce = "in-force"
        /// A later version is in force.
        case superseded
    }

    public struct Version: Codable, Sendable, Hashable {
        public var number: Int64
        public var proposedBy: String
        public var proposedAt: Timestamp
        public var signatures: [Signature] = []

        /// The signing teams that have not signed yet.
        public var missing: [String] {
            AgreementVersions.signingTeams.filter { team in !signatures.contains { $0.team == team } }
        }

        public var isAgreed: Bool { missing.isEmpty }

        /// When the last of the signing teams signed, once both have.
        public var agreedAt: Timestamp? {
            guard isAgreed else { return nil }
            return signatures.filter { AgreementVersions.signingTeams.contains($0.team) }.map(\.at).max()
        }
    }

    /// Every version, by number.
    public private(set) var versions: [Version] = []

    public init() {}

    /// The highest version number, 0 when there is none.
    public var latest: Int64 { versions.last?.number ?? 0 }

    public func version(_ number: Int64) -> Version? { versions.first { $0.number == number } }

    /// The highest version both teams have signed.
    public var inForce: Version? { versions.last { $0.isAgreed } }

    /// What counts today: the version in force, else the latest proposed
    /// (which then counts as not agreed).
    public var current: Version? { inForce ?? versions.last }

    public func state(of version: Version) -> State {
        guard let inForce else { return .proposed }
        if version.number == inForce.number { return .inForce }
        return version.number < inForce.number ? .superseded : .proposed
    }

    /// The latest version, when it waits for a signature: what `issues` lists.
    public var waiting: Version? {
        guard let last = versions.last, state(of: last) == .proposed else { return nil }
        return last
    }

    /// The highest version proposed at or before `time` (nil: none yet):
    /// the criteria a lead sent then is sent under.
    public func latest(proposedAtOrBefore time: Timestamp) -> Int64? {
        versions.last { $0.proposedAt <= time }?.number
    }

    /// Adds a version: `number`, or the next one when nil. Returns its number.
    @discardableResult
    public mutating func propose(_ number: Int64? = nil, by: String, at: Timestamp) -> Int64 {
        let number = number ?? latest + 1
        let version = Version(number: number, proposedBy: by, proposedAt: at)
        if let index = versions.firstIndex(where: { $0.number >= number }) {
            if versions[index].number == number { versions[index] = version } else { versions.insert(version, at: index) }
        } else {
            versions.append(version)
        }
        return number
    }

    /// Adds `team`'s signature to version `number`. False when there is no
    /// such version or the team has already signed it.
    @discardableResult
    public mutating func sign(_ number: Int64, team: String, by: String, at: Timestamp) -> Bool {
        guard let index = versions.firstIndex(where: { $0.number == number }),
              !versions[index].signatures.contains(where: { $0.team == team }) else { return false }
        versions[index].signatures.append(Signature(team: team, by: by, at: at))
        return true
    }

    /// The signature `team` put on version `number`, if any.
    public func signature(_ number: Int64, team: String) -> Signature? {
        version(number)?.signatures.first { $0.team == team }
    }

    /// Whole days from `from` to `to` (0 when `to` is earlier).
    public static func days(from: Timestamp, to: Timestamp) -> Int64 {
        max(0, (to.microseconds - from.microseconds) / 86_400_000_000)
    }
}
