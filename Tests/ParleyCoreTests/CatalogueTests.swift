import Foundation
import Testing
@testable import ParleyCore

@Suite struct CatalogueTests {
    @Test func everyTypeHasATypedPayloadAndASpec() {
        // One payload type per name, and every name the catalogue lists has one.
        #expect(Set(EventCatalogue.payloadTypes.map { $0.type }).count == EventCatalogue.payloadTypes.count)
        #expect(Set(EventCatalogue.payloadTypes.map { $0.type }) == Set(EventCatalogue.typeNames))
        #expect(EventCatalogue.specs.count == 38)
        for spec in EventCatalogue.specs {
            #expect(spec.streamKind == nil || EventCatalogue.streamKinds.contains(spec.streamKind!), "\(spec.name)")
        }
    }

    /// The typed payloads and the catalogue's fields must agree: every
    /// payload built with all its fields validates, and reads back equal.
    @Test func aTypePatternNamesATypeOrIsToldWhatIsNear() {
        for name in EventCatalogue.typeNames {
            #expect(EventCatalogue.problem(withTypePattern: name) == nil)
            let family = name.prefix(through: name.firstIndex(of: ".")!)
            #expect(EventCatalogue.problem(withTypePattern: family + "*") == nil)
        }
        #expect(EventCatalogue.problem(withTypePattern: "*") == nil, "every type")
        #expect(EventCatalogue.problem(withTypePattern: "Lead.Sent") == #"there is no event type "Lead.Sent"; did you mean lead.sent?"#)
        #expect(EventCatalogue.problem(withTypePattern: "tension.resolve") == #"there is no event type "tension.resolve"; did you mean tension.resolved?"#)
        #expect(EventCatalogue.problem(withTypePattern: "sla.agred") == #"there is no event type "sla.agred"; did you mean sla.agreed?"#)
        let far = EventCatalogue.problem(withTypePattern: "invoice.paid")
        #expect(far?.hasPrefix(#"there is no event type "invoice.paid"; the types start with member.*, role.*, lead.*"#) == true, "\(far ?? "")")
        #expect(EventCatalogue.problem(withTypePattern: "leads.*")?.hasPrefix(#"no event type starts with "leads.""#) == true)
    }

    @Test func typedPayloadsRoundTripThroughTheCatalogue() throws {
        let samples: [any EventPayload] = [
            MemberJoined(handle: "mia@marketing", name: "Mia Chen", team: "marketing", role: "demand gen"),
            MemberLeft(handle: "mia@marketing"), MemberMoved(handle: "sam@sales", team: "management"),
            RoleDefined(team: "sales", responsibility: "follow up MQLs", kpi: "SAL rate", accountableTo: "lee@mgmt"),
            LeadSent(lead: "L-1", source: "webinar", campaign: "Q1", criteriaVersion: 2, score: 72, assignedTo: "sam@sales",
                     attributes: ["employees": .number(120), "industry": .text("retail"), "public": .flag(false)]),
            LeadReassigned(lead: "L-1", to: "zoe@sales", reason: "holiday"), LeadAccepted(lead: "L-1"),
            LeadRejected(lead: "L-1", reason: "no-budget", comment: "student"), LeadRecycled(lead: "L-1", reason: "later"),
            LeadFeedback(lead: "L-1", rating: 2, comment: "meh", objections: ["price"]),
            LeadConverted(lead: "L-1", amount: 12000.5, currency: "EUR"), LeadLost(lead: "L-1", reason: "competitor"),
            CriteriaChanged(version: 2, rules: "employees >= 50", rationale: "fewer students"), CriteriaAgreed(version: 2, team: "sales"),
            SLASet(followUpHours: 24, feedbackWithinDays: 7, monthlyMqlTarget: 400, feedbackOn: "all", version: 2),
            SLAAgreed(version: 2, team: "marketing"),
            AgreementProposed(agreement: "personas", version: 1, text: "IT managers at firms of 50+", rationale: "win/loss review"),
            AgreementAgreed(agreement: "personas", version: 1, team: "sales"),
            GoalSet(goal: "pipeline-q1", metric: "conversions", target: 120, period: "2026-Q1", teams: ["marketing", "sales"]),
            TensionFlagged(tension: "T-1", title: "Students", severity: "high", category: "lead-quality", teams: ["sales"],
                           description: "many", refs: [EventID.v7().description]),
            TensionCommented(tension: "T-1", comment: "numbers"), TensionEscalated(tension: "T-1", to: "lee@mgmt", reason: "stuck"),
            TensionResolved(tension: "T-1", resolution: "company email", actions: ["fix form"]), TensionReopened(tension: "T-1", reason: "again"),
            MeetingHeld(meeting: "M-1", title: "Sync", attendees: ["mia@marketing"], agenda: "leads", decisions: ["call back"],
                        actionItems: [.init(action: "A-1", owner: "sam@sales", text: "call", due: "2026-04-01")]),
            ActionCompleted(action: "A-1", note: "done"),
            ContentRequested(request: "C-1", topic: "ROI", lead: "L-1", neededBy: "2026-04-10T12:00:00Z"),
            ContentDelivered(request: "C-1", title: "ROI", link: "https://example.com/roi"),
            ResourceShared(resource: "R-1", title: "ICP", link: "https://example.com/icp", team: "marketing", kind: "guide"),
            ResourceUsed(resource: "R-1", lead: "L-1", note: "call"), EventRetracted(target: EventID.v7().description, reason: "typo"),
            SignalAcknowledged(signal: "sla-zoe@sales-20260301", note: "on it"),
            SignalDismissed(signal: "sla-zoe@sales-20260301", reason: "expected", note: "on leave"),
            SignalConfigured(kind: "sla", budgetYears: 10, graceDays: 5, baselineWeeks: 16, state: "on"),
            TokenIssued(token: "tok-0a1b2c3d4e5f", member: "sam@sales", label: "laptop", expiresAt: "2027-03-01T00:00:00Z"),
            TokenRevoked(token: "tok-0a1b2c3d4e5f", member: "sam@sales", reason: "lost the laptop"),
            WebhookAdded(webhook: "W-1", url: "https://hooks.example.com/T0", types: ["tension.*"], format: "slack", signed: "yes"),
            WebhookRemoved(webhook: "W-1"),
        ]
        #expect(Set(samples.map { type(of: $0).type }) == Set(EventCatalogue.typeNames), "one sample per type")
        for sample in samples {
            try roundTrip(sample)
        }
    }

    private func roundTrip<P: EventPayload>(_ payload: P) throws {
        let stream = P.type == "action.completed" ? "meeting/M-1" : P.type == "event.retracted" ? "lead/L-1" : nil
        let event = try payload.event(actor: "mia@marketing", stream: stream)
        #expect(try P(json: event.payload) == payload, "\(P.type)")
        let spec = try #require(EventCatalogue.spec(P.type))
        guard case let .object(members) = event.payload else { Issue.record("not an object"); return }
        #expect(members.count == spec.fields.count, "\(P.type): every field of the spec is in the sample")
    }

    @Test(arguments: [
        ("lead.feedback", #"{"lead":"L-1","rating":9}"#, "data.rating", "from 1 to 5"),
        ("lead.rejected", #"{"lead":"L-1","reason":"meh"}"#, "data.reason", "one of not-a-fit, bad-contact"),
        ("lead.sent", #"{"lead":"L-1"}"#, "data.source", "is required"),
        ("lead.sent", #"{"lead":"L-1","source":"x","colour":"red"}"#, "data.colour", "unknown field"),
        ("lead.sent", #"{"lead":"L-1","source":"x","assigned_to":"Sam Ortiz"}"#, "data.assigned_to", "member handle"),
        ("lead.sent", #"{"lead":"L-1","source":"x","attributes":{"x":[1]}}"#, "data.attributes.x", "an attribute must be"),
        ("tension.flagged", #"{"tension":"T-1","title":"t","severity":"urgent","category":"sla"}"#, "data.severity", "low, medium, high"),
        ("meeting.held", #"{"meeting":"M-1","title":"t","attendees":["a@b"],"action_items":[{"action":"A-1","owner":"a@b","text":"x","due":"soon"}]}"#,
         "data.action_items[0].due", "RFC 3339"),
        ("content.delivered", #"{"request":"C-1","link":"wiki/page"}"#, "data.link", "http(s) link"),
        ("lead.converted", #"{"lead":"L-1","amount":-5}"#, "data.amount", "from 0"),
        ("event.retracted", #"{"target":"x","reason":"r"}"#, "data.target", "event id"),
    ])
    func namesThePayloadFieldAndWhatIsAllowed(type: String, data: String, field: String, reason: String) throws {
        let stream = switch type {
        case "tension.flagged": "tension/T-1"
        case "meeting.held": "meeting/M-1"
        case "content.delivered": "content/C-1"
        default: "lead/L-1"
        }
        #expect {
            try ProposedEvent(stream: stream, type: type, actor: "a@b", data: try JSONValue.parse(data))
        } throws: { error in
            guard let error = error as? InvalidEvent else { return false }
            return error.field == field && error.reason.contains(reason)
        }
    }

    @Test func theStreamMustAgreeWithThePayload() {
        #expect {
            try ProposedEvent(stream: "lead/L-2", type: "lead.accepted", actor: "a@b", data: .object(["lead": .string("L-1")]))
        } throws: { ($0 as? InvalidEvent)?.reason.contains("belongs in lead/L-1") == true }
        #expect {
            try ProposedEvent(stream: "tension/T-1", type: "lead.accepted", actor: "a@b", data: .object(["lead": .string("L-1")]))
        } throws: { ($0 as? InvalidEvent)?.reason.contains("go to lead/… streams") == true }
        #expect {
            try ProposedEvent(stream: "criteria/v2", type: "criteria.agreed", actor: "a@b",
                              data: .object(["version": .integer(1), "team": .string("sales")]))
        } throws: { ($0 as? InvalidEvent)?.reason.contains("belongs in criteria/mql") == true }
    }

    @Test func timesInPayloadsAreNormalisedToUTC() throws {
        let event = try ContentRequested(request: "C-1", topic: "ROI", neededBy: "2026-04-10T14:00:00+02:00").event(actor: "a@b")
        #expect(event.payload["needed_by"] == .string("2026-04-10T12:00:00Z"))
    }

    @Test func anOldSchemaFeedbackIsReadAsTheCurrentType() throws {
        // lead.feedback schema 1 had one `objection`; schema 2 has a list.
        let line = #"{"stream":"lead/L-1","type":"lead.feedback","actor":"sam@sales","schema":1,"data":{"lead":"L-1","rating":2,"objection":"price"}}"#
        let event = try ProposedEvent(envelope: try JSONValue.parse(line))
        #expect(event.data == #"{"lead":"L-1","objections":["price"],"rating":2}"#)
        #expect(try LeadFeedback(json: event.payload) == LeadFeedback(lead: "L-1", rating: 2, objections: ["price"]))

        // Stored with schema 1, it is read upcast too.
        let stored = RecordedEvent(position: 1, id: .v7(), stream: "lead/L-1", version: 2, type: "lead.feedback", actor: "sam@sales",
                                   occurredAt: .now(), recordedAt: .now(), schema: 1,
                                   data: #"{"lead":"L-1","objection":"timing","rating":4}"#, meta: nil, hash: [])
        #expect(try LeadFeedback(json: stored.payload).objections == ["timing"])

        #expect {
            try ProposedEvent(envelope: try JSONValue.parse(line.replacingOccurrences(of: #""schema":1"#, with: #""schema":3"#)))
        } throws: { ($0 as? InvalidEvent)?.reason.contains("newer than this Parley knows") == true }
    }
}
