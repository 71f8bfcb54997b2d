import Foundation
import HTTPTypes
import Logging
import ParleyApp
import ParleyCore

/// One recording route: a path (OpenAPI form, `{lead}` for a parameter),
/// and how its path parameters and JSON body become a ``Command``.
struct CommandRoute: Sendable {
    let path: String
    let summary: String
    /// The event type the command records, for the API document.
    let eventType: String
    /// The command answers a signal, which must be one the detectors raised.
    var answersSignal: Bool { eventType.hasPrefix("signal.") && eventType != SignalConfigured.type }
    let make: @Sendable (_ parameters: [String: String], _ body: JSONValue) throws -> Command
    /// The body's JSON Schema, when the body is an event payload: the
    /// catalogue's, less the fields the path gives (see ``OpenAPIDocument/served``).
    var bodySchema: JSONValue?

    /// The path parameters' names, in order.
    var parameterNames: [String] {
        path.split(separator: "/").compactMap { $0.hasPrefix("{") ? String($0.dropFirst().dropLast()) : nil }
    }

    /// A route whose body is the payload itself; its path parameters are payload fields too.
    static func payload<P: EventPayload>(_ path: String, _ type: P.Type, _ summary: String,
                                         _ command: @escaping @Sendable (P) -> Command) -> CommandRoute {
        var route = CommandRoute(path: path, summary: summary, eventType: P.type) { parameters, body in
            var data = try object(body)
            for (name, value) in parameters {
                if let given = data.first(where: { $0.key == name })?.value, given != .string(value) {
                    throw Problem(.unprocessableContent, code: "invalid-event", "\(name) is \(value) in the address but \(given.canonicalText) in the body",
                                  field: name)
                }
                data.removeAll { $0.key == name }
                let number = P.spec.fields.first { $0.name == name }.flatMap { field -> JSONValue? in
                    if case .integer = field.kind, let number = Int64(value) { return .integer(number) }
                    return nil
                }
                data.append((key: name, value: number ?? .string(value)))
            }
            do {
                let valid = try P.spec.validate(data: .object(data))
                return command(try P(json: valid))
            } catch let error as InvalidEvent {
                throw Problem(ParleyError(error)).bodyField()
            }
        }
        route.bodySchema = bodySchema(P.spec, leavingOut: Set(route.parameterNames))
        return route
    }

    /// A payload's schema from the catalogue, less `fields` (the path's).
    static func bodySchema(_ spec: EventTypeSpec, leavingOut fields: Set<String>) -> JSONValue {
        let schema = PayloadField.jsonSchema(of: spec.fields.filter { !fields.contains($0.name) })
        guard case var .object(members) = schema else { return schema }
        members.append((key: "description", value: .string("The \(spec.name) payload (`parley types \(spec.name)`).")))
        return .object(members)
    }

    /// A route whose body is a request of its own (Parley numbers what it
    /// records); `fields` describe the body as the catalogue checks it.
    static func request<R: Decodable & Sendable>(_ path: String, _ type: R.Type, records eventType: String, fields: [PayloadField],
                                                 _ summary: String,
                                                 _ command: @escaping @Sendable (R, [String: String]) throws -> Command) -> CommandRoute {
        var route = CommandRoute(path: path, summary: summary, eventType: eventType) { parameters, body in
            // Checked as the catalogue checks payloads: no unknown field, at any depth.
            let members = try object(body)
            do {
                _ = try PayloadField.validate(object: .object(members), fields: fields, path: "data")
            } catch let error as InvalidEvent {
                throw Problem(ParleyError(error)).bodyField()
            }
            return try command(try decode(R.self, from: body), parameters)
        }
        route.bodySchema = PayloadField.jsonSchema(of: fields)
        return route
    }

    /// The fields of `type`'s payload as a request's body: less `dropping`,
    /// and with the payload's id field `numbered` as an optional `id`
    /// (Parley numbers it when it is left out).
    static func fields(of type: any EventPayload.Type, dropping: Set<String> = [], numbered: String? = nil) -> [PayloadField] {
        type.spec.fields.compactMap { field in
            if dropping.contains(field.name) { return nil }
            if field.name == numbered { return PayloadField("id", field.kind, required: false, field.help) }
            return field
        }
    }

    /// A team's signature: `team` may be left out (the member's own).
    static let signature = [PayloadField("team", .choice(PayloadField.teams), required: false, "default: the member's own team")]

    /// A meeting's body: its action items are numbered by Parley too.
    static var meetingFields: [PayloadField] {
        fields(of: MeetingHeld.self, numbered: "meeting").map { field in
            guard field.name == "action_items", case let .list(.object(itemFields), maxCount) = field.kind else { return field }
            return PayloadField(field.name, .list(.object(itemFields.filter { $0.name != "action" }), maxCount: maxCount), required: field.required, field.help)
        }
    }

    /// The `{version}` of a path: a whole number from 1.
    static func version(_ parameters: [String: String]) throws -> Int64 {
        guard let version = parameters["version"].flatMap(Int64.init), version > 0 else {
            throw Problem(.unprocessableContent, code: "invalid-event", "the version must be a whole number from 1", field: "version")
        }
        return version
    }

    static func object(_ body: JSONValue) throws -> [(key: String, value: JSONValue)] {
        switch body {
        case let .object(members): return members
        default: throw Problem(.unprocessableContent, code: "invalid-event", "the body must be a JSON object, got \(body.kindName)")
        }
    }

    /// Decodes a request body (snake_case keys), naming the field at fault.
    static func decode<R: Decodable>(_ type: R.Type, from body: JSONValue) throws -> R {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        guard case .object = body else {
            throw Problem(.unprocessableContent, code: "invalid-event", "the body must be a JSON object, got \(body.kindName)")
        }
        let text = body.canonicalText
        do {
            return try decoder.decode(R.self, from: Data(text.utf8))
        } catch let DecodingError.keyNotFound(key, context) {
            throw Problem(.unprocessableContent, code: "invalid-event", "\(path(context.codingPath + [key])) is required",
                          field: path(context.codingPath + [key]))
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw Problem(.unprocessableContent, code: "invalid-event", "\(path(context.codingPath)) has the wrong kind of value",
                          field: path(context.codingPath))
        } catch {
            throw Problem(.unprocessableContent, code: "invalid-event", "the body does not fit this request")
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.map { key in key.intValue.map { "[\($0)]" } ?? snake(key.stringValue) }.joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
    }

    private static func snake(_ name: String) -> String {
        var out = ""
        for character in name {
            if character.isUppercase { out += "_" + character.lowercased() } else { out.append(character) }
        }
        return out
    }
}

extension Problem {
    /// The field as the body names it: `rating`, not the event's `data.rating`.
    func bodyField() -> Problem {
        var problem = self
        if let field, field.hasPrefix("data.") { problem.field = String(field.dropFirst(5)) }
        return problem
    }
}

/// The bodies of the routes whose events Parley numbers or fills in.
enum Requests {
    struct ChangeCriteria: Decodable, Sendable { var rules: String; var rationale: String? }
    /// A team's signature on a version (criteria, SLA, agreement).
    struct Agree: Decodable, Sendable { var team: String? }
    struct ProposeAgreement: Decodable, Sendable { var agreement: String; var text: String; var rationale: String? }
    struct Retract: Decodable, Sendable { var reason: String }
    struct FlagTension: Decodable, Sendable {
        var id: String?
        var title: String
        var severity: String
        var category: String
        var teams: [String]?
        var description: String?
        var refs: [String]?
    }
    struct HoldMeeting: Decodable, Sendable {
        struct Item: Decodable, Sendable {
            var owner: String
            var text: String
            var due: String?
        }
        var id: String?
        var title: String
        var attendees: [String]
        var agenda: String?
        var decisions: [String]?
        var actionItems: [Item]?
    }
    struct RequestContent: Decodable, Sendable {
        var id: String?
        var topic: String
        var lead: String?
        var neededBy: String?
    }
    struct ShareResource: Decodable, Sendable {
        var id: String?
        var title: String
        var link: String
        var team: String
        var kind: String?
    }
}

extension CommandRoute {
    /// Every recording route of `/api/v1`, with the CLI's fields.
    static let all: [CommandRoute] = [
        .payload("/api/v1/members", MemberJoined.self, "Add a member to a team.", Command.addMember),
        .payload("/api/v1/members/{handle}/move", MemberMoved.self, "Move a member to another team.", Command.moveMember),
        .payload("/api/v1/members/{handle}/leave", MemberLeft.self, "A member leaves.", Command.removeMember),
        .payload("/api/v1/roles", RoleDefined.self, "Define a team's responsibility, KPI and accountability.", Command.defineRole),

        .payload("/api/v1/leads", LeadSent.self, "Marketing hands a lead to sales.", Command.sendLead),
        .payload("/api/v1/leads/{lead}/accept", LeadAccepted.self, "Sales accepts a lead.", Command.acceptLead),
        .payload("/api/v1/leads/{lead}/reject", LeadRejected.self, "Sales rejects a lead, with a reason.", Command.rejectLead),
        .payload("/api/v1/leads/{lead}/recycle", LeadRecycled.self, "Sales hands a lead back to nurture.", Command.recycleLead),
        .payload("/api/v1/leads/{lead}/feedback", LeadFeedback.self, "Sales rates a lead's quality.", Command.giveFeedback),
        .payload("/api/v1/leads/{lead}/convert", LeadConverted.self, "A lead becomes a customer.", Command.convertLead),
        .payload("/api/v1/leads/{lead}/lose", LeadLost.self, "A lead is lost.", Command.loseLead),
        .payload("/api/v1/leads/{lead}/reassign", LeadReassigned.self, "A lead gets a new owner.", Command.reassignLead),

        .request("/api/v1/criteria", Requests.ChangeCriteria.self, records: CriteriaChanged.type, fields: fields(of: CriteriaChanged.self, dropping: ["version"]),
                 "Marketing records the next version of the lead criteria.") { body, _ in
            .changeCriteria(rules: body.rules, rationale: body.rationale)
        },
        .request("/api/v1/criteria/{version}/agree", Requests.Agree.self, records: CriteriaAgreed.type, fields: signature,
                 "A team signs a criteria version off.") { body, parameters in
            .agree(.criteria, version: try version(parameters), team: body.team)
        },
        .payload("/api/v1/sla", SLASet.self, "Propose the next version of the service-level agreement.", Command.setSLA),
        .request("/api/v1/sla/{version}/agree", Requests.Agree.self, records: SLAAgreed.type, fields: signature, "A team signs an SLA version off.") { body, parameters in
            .agree(.sla, version: try version(parameters), team: body.team)
        },
        .request("/api/v1/agreements", Requests.ProposeAgreement.self, records: AgreementProposed.type, fields: fields(of: AgreementProposed.self, dropping: ["version"]),
                 "Propose the next version of an agreement (personas, messaging guide, …).") { body, _ in
            .proposeAgreement(name: body.agreement, text: body.text, rationale: body.rationale)
        },
        .request("/api/v1/agreements/{agreement}/{version}/agree", Requests.Agree.self, records: AgreementAgreed.type, fields: signature,
                 "A team signs a version of an agreement off.") { body, parameters in
            .agree(.named(parameters["agreement"] ?? ""), version: try version(parameters), team: body.team)
        },
        .payload("/api/v1/goals", GoalSet.self, "Set a shared goal.", Command.setGoal),

        .request("/api/v1/tensions", Requests.FlagTension.self, records: TensionFlagged.type, fields: fields(of: TensionFlagged.self, numbered: "tension"), "Flag a tension (numbered T-n).") { body, _ in
            .flagTension(Command.FlagTension(id: body.id, title: body.title, severity: body.severity, category: body.category,
                                             teams: body.teams, description: body.description, refs: body.refs))
        },
        .payload("/api/v1/tensions/{tension}/comment", TensionCommented.self, "Comment on a tension.", Command.commentTension),
        .payload("/api/v1/tensions/{tension}/escalate", TensionEscalated.self, "Escalate a tension.", Command.escalateTension),
        .payload("/api/v1/tensions/{tension}/resolve", TensionResolved.self, "Resolve a tension.", Command.resolveTension),
        .payload("/api/v1/tensions/{tension}/reopen", TensionReopened.self, "Reopen a tension.", Command.reopenTension),

        .request("/api/v1/meetings", Requests.HoldMeeting.self, records: MeetingHeld.type, fields: meetingFields,
                 "Record a meeting, its decisions and action items (numbered M-n, A-n).") { body, _ in
            .holdMeeting(Command.HoldMeeting(id: body.id, title: body.title, attendees: body.attendees, agenda: body.agenda,
                                             decisions: body.decisions,
                                             actionItems: (body.actionItems ?? []).map { .init(owner: $0.owner, text: $0.text, due: $0.due) }))
        },
        .payload("/api/v1/actions/{action}/complete", ActionCompleted.self, "Mark an action item done.", Command.completeAction),

        .request("/api/v1/content", Requests.RequestContent.self, records: ContentRequested.type, fields: fields(of: ContentRequested.self, numbered: "request"),
                 "Sales asks marketing for content (numbered C-n).") { body, _ in
            .requestContent(Command.RequestContent(id: body.id, topic: body.topic, lead: body.lead, neededBy: body.neededBy))
        },
        .payload("/api/v1/content/{request}/deliver", ContentDelivered.self, "Marketing delivers requested content.", Command.deliverContent),
        .request("/api/v1/resources", Requests.ShareResource.self, records: ResourceShared.type, fields: fields(of: ResourceShared.self, numbered: "resource"),
                 "Share a resource with a team (numbered R-n).") { body, _ in
            .shareResource(Command.ShareResource(id: body.id, title: body.title, link: body.link, team: body.team, kind: body.kind))
        },
        .payload("/api/v1/resources/{resource}/use", ResourceUsed.self, "Record that a shared resource was used.", Command.useResource),

        .payload("/api/v1/signals/{signal}/acknowledge", SignalAcknowledged.self, "Acknowledge a signal.", Command.acknowledgeSignal),
        .payload("/api/v1/signals/{signal}/dismiss", SignalDismissed.self, "Dismiss a signal.", Command.dismissSignal),
        .payload("/api/v1/signal-config", SignalConfigured.self, "Management sets a detector's thresholds.", Command.configureSignals),

        .request("/api/v1/events/{event}/retract", Requests.Retract.self, records: EventRetracted.type, fields: fields(of: EventRetracted.self, dropping: ["target"]),
                 "Correct a mistake: the event stays, and no longer counts.") { body, parameters in
            guard let text = parameters["event"], let id = EventID(text) else {
                throw Problem(.unprocessableContent, code: "invalid-event", "the event must be given by its id (a UUID)", field: "event")
            }
            return .retract(target: id, reason: body.reason)
        },
    ]
}
