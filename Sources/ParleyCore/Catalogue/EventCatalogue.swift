/// The v1 event catalogue (DESIGN.md, "Event catalogue"): every event
/// type, the kind of stream it lives in, its payload fields, and the
/// schema number its payload is written with today.
///
/// Each type is declared once, with its payload (`Payloads.swift`): the
/// spec there validates every event (``EventTypeSpec/validate(data:)``),
/// and `parley types` prints it, as text or as JSON Schema.
public enum EventCatalogue {
    /// Stream kinds: the part of a stream name before the `/`.
    public static let streamKinds: [String] = [
        "lead", "tension", "criteria", "meeting", "sla", "goal", "agreement",
        "member", "content", "resource", "role", "signal", "signal-config",
        "token", "webhook",
    ]

    public static let rejectReasons = ["not-a-fit", "bad-contact", "no-budget", "duplicate", "not-ready", "other"]
    public static let severities = ["low", "medium", "high"]
    public static let tensionCategories = [
        "communication", "role-confusion", "unclear-goals", "budget-competition", "personality",
        "conflicting-strategy", "resources-ignored", "accountability", "lead-quality", "sla", "other",
    ]


    /// Every type of v1, in catalogue order.
    /// The payload type of every event type, in catalogue order: each
    /// declares its spec (fields, stream, schema) and upcasters where it
    /// declares its fields (`Payloads.swift`).
    public static let payloadTypes: [any EventPayload.Type] = [
        MemberJoined.self,
        MemberLeft.self,
        MemberMoved.self,
        RoleDefined.self,
        LeadSent.self,
        LeadReassigned.self,
        LeadAccepted.self,
        LeadRejected.self,
        LeadRecycled.self,
        LeadFeedback.self,
        LeadConverted.self,
        LeadLost.self,
        CriteriaChanged.self,
        CriteriaAgreed.self,
        SLASet.self,
        SLAAgreed.self,
        AgreementProposed.self,
        AgreementAgreed.self,
        GoalSet.self,
        TensionFlagged.self,
        TensionCommented.self,
        TensionEscalated.self,
        TensionResolved.self,
        TensionReopened.self,
        MeetingHeld.self,
        ActionCompleted.self,
        ContentRequested.self,
        ContentDelivered.self,
        ResourceShared.self,
        ResourceUsed.self,
        SignalAcknowledged.self,
        SignalDismissed.self,
        SignalConfigured.self,
        TokenIssued.self,
        TokenRevoked.self,
        WebhookAdded.self,
        WebhookRemoved.self,
        EventRetracted.self,
    ]

    /// Every type of v1, in catalogue order.
    public static let specs: [EventTypeSpec] = payloadTypes.map { $0.spec }

    private static let byName: [String: EventTypeSpec] = Dictionary(uniqueKeysWithValues: specs.map { ($0.name, $0) })

    /// The payload type of `type`, or nil if the type is unknown.
    public static func payloadType(of type: String) -> (any EventPayload.Type)? { payloadByName[type] }

    private static let payloadByName: [String: any EventPayload.Type] =
        Dictionary(uniqueKeysWithValues: payloadTypes.map { ($0.spec.name, $0) })

    /// The spec of `type`, or nil if the type is unknown.
    public static func spec(_ type: String) -> EventTypeSpec? { byName[type] }

    /// The current payload schema number of `type`, or nil if the type is unknown.
    public static func schema(of type: String) -> Int? { schemaByName[type] }

    /// The schema numbers alone: asked once per event read, where looking up
    /// the whole spec would copy it.
    private static let schemaByName: [String: Int] = byName.mapValues(\.schema)

    /// The type names, in catalogue order.
    public static var typeNames: [String] { specs.map(\.name) }
}
