/// Fields a family of event types share, by the same name and Swift type,
/// for code that reads the whole family at once: every lead event names its
/// lead, every signature its version and team. `familyFields` lists which
/// types each belongs to, and a test holds each to every type it lists.
extension EventCatalogue {
    /// The lead of every `lead.*` event (the id of its `lead/…` stream).
    public static let lead = LeadSent.lead
    /// The tension of every `tension.*` event.
    public static let tension = TensionFlagged.tension
    /// The agreement of every `agreement.*` event.
    public static let agreement = AgreementProposed.agreement
    /// The version a proposal puts forward: `criteria.changed`, `sla.set`
    /// (which may leave it out: Parley numbers it), `agreement.proposed`.
    public static let proposedVersion = SLASet.version
    /// The version a signature signs, and the team it signs for:
    /// `criteria.agreed`, `sla.agreed`, `agreement.agreed`.
    public static let signedVersion = CriteriaAgreed.version, signingTeam = CriteriaAgreed.team
    /// The member whose access a token event gives or takes away.
    public static let tokenMember = TokenIssued.member

    /// Each family field, and the types it belongs to.
    public static let familyFields: [(field: PayloadField, types: [String])] = [
        (lead.field, typeNames.filter { $0.hasPrefix("lead.") }),
        (tension.field, typeNames.filter { $0.hasPrefix("tension.") }),
        (agreement.field, typeNames.filter { $0.hasPrefix("agreement.") }),
        (proposedVersion.field, [CriteriaChanged.type, SLASet.type, AgreementProposed.type]),
        (signedVersion.field, [CriteriaAgreed.type, SLAAgreed.type, AgreementAgreed.type]),
        (signingTeam.field, [CriteriaAgreed.type, SLAAgreed.type, AgreementAgreed.type]),
        (tokenMember.field, [TokenIssued.type, TokenRevoked.type]),
    ]
}
