import Foundation
import HTTPTypes
import Hummingbird
import Logging
import ParleyApp
import ParleyCore

/// One view of `GET /api/v1/views/{name}`: its query parameters (beyond
/// `as_of` and `known_at`, which every view takes) and how it is read.
struct ViewRoute: Sendable {
    let name: String
    let summary: String
    /// Parameter name and what it means, for the API document.
    let parameters: [(name: String, help: String)]
    let read: @Sendable (QueryParameters, ReplayWindow) throws -> @Sendable (App) throws -> Response

    static let all: [ViewRoute] = [
        ViewRoute(name: "members", summary: "Who is on which team, and who moved or left.", parameters: []) { _, window in
            { try ParleyServer.json(encoding: try $0.members(window)) }
        },
        ViewRoute(name: "roles", summary: "Each team's responsibility, KPI and accountability.", parameters: []) { _, window in
            { try ParleyServer.json(encoding: try $0.roles(window)) }
        },
        ViewRoute(name: "quality", summary: "Lead quality per source, campaign, criteria version, rep or month.", parameters: [
            ("by", "source, campaign, criteria, rep or month (default source)"),
            ("since", "only leads sent at or after this time"),
            ("until", "only leads sent before this time"),
        ]) { query, window in
            let by = try query.choice("by", LeadQualityProjection.Dimension.allCases.map(\.rawValue)).flatMap(LeadQualityProjection.Dimension.init) ?? .source
            let since = try query.time("since"), until = try query.time("until")
            if let since, let until, until < since {
                throw Problem(.unprocessableContent, code: "invalid-input", "until (\(until.rfc3339)) is before since (\(since.rfc3339))", field: "until")
            }
            let request = QualityQuery(by: by, since: since, until: until, window: window)
            return { try ParleyServer.json(encoding: try $0.quality(request)) }
        },
        ViewRoute(name: "issues", summary: "What needs someone's attention now.", parameters: [
            ("kind", "only issues of these kinds (comma-separated or repeated)"),
        ]) { query, window in
            let kinds = query.list("kind")
            for kind in kinds where !IssuesQuery.kinds.contains(kind) {
                throw Problem(.unprocessableContent, code: "invalid-input", "kind takes \(IssuesQuery.kinds.joined(separator: ", ")); got \"\(kind)\"",
                              field: "kind")
            }
            let request = IssuesQuery(kinds: kinds, eachLead: true, window: window)
            return { try ParleyServer.json(encoding: try $0.issues(request)) }
        },
        ViewRoute(name: "signals", summary: "Early warnings the detectors raise, with their evidence.", parameters: [
            ("dismissed", "true: list dismissed signals too"),
        ]) { query, window in
            let dismissed = try query.flag("dismissed") ?? false
            return { try ParleyServer.json(encoding: try $0.signals(window, dismissed: dismissed)) }
        },
        ViewRoute(name: "meetings", summary: "Meetings, their decisions and action items.", parameters: []) { _, window in
            { try ParleyServer.json(encoding: try $0.meetings(window)) }
        },
        ViewRoute(name: "actions", summary: "Action items from meetings.", parameters: [
            ("open", "true: only items not done yet"),
            ("owner", "only this member's items"),
        ]) { query, window in
            let request = ActionsQuery(openOnly: try query.flag("open") ?? false, owner: query.string("owner"), window: window)
            return { try ParleyServer.json(encoding: try $0.actions(request)) }
        },
        ViewRoute(name: "criteria", summary: "Every version of the lead criteria, who signed it, and what its leads became.", parameters: []) { _, window in
            { try ParleyServer.json(encoding: try $0.criteriaHistory(window)) }
        },
        ViewRoute(name: "sla", summary: "The SLA in force and how each rep keeps it.", parameters: []) { _, window in
            { try ParleyServer.json(encoding: try $0.sla(window)) }
        },
        ViewRoute(name: "agreements", summary: "Every agreement kept as a document, its version in force, and who has still to sign.",
                  parameters: []) { _, window in
            { try ParleyServer.json(encoding: try $0.agreements(window)) }
        },
        ViewRoute(name: "agreement", summary: "One version of an agreement: its text, who signed, and a word diff from the version before.", parameters: [
            ("name", "the agreement (required)"),
            ("version", "the version (default the latest)"),
        ]) { query, window in
            guard let name = query.string("name"), !name.isEmpty else {
                throw Problem(.unprocessableContent, code: "invalid-input", "name is required: the agreement to show", field: "name")
            }
            let version = try query.integer("version", in: 1...Int64.max)
            return { try ParleyServer.json(encoding: try $0.agreement(name, version: version, window)) }
        },
        ViewRoute(name: "routing", summary: "Who each lead was routed to, and the totals per rep and source.", parameters: [
            ("lead", "one lead's assignment history"),
            ("rep", "only leads that were ever assigned to this rep"),
            ("since", "only leads first sent at or after this time"),
        ]) { query, window in
            let request = RoutingQuery(lead: query.string("lead"), rep: query.string("rep"), since: try query.time("since"), window: window)
            return { try ParleyServer.json(encoding: try $0.routing(request)) }
        },
        ViewRoute(name: "lead", summary: "One lead's story: where it stands, and each of its events in words.", parameters: [
            ("lead", "the lead (required)"),
        ]) { query, window in
            guard let lead = query.string("lead"), !lead.isEmpty else {
                throw Problem(.unprocessableContent, code: "invalid-input", "lead is required: the lead to show", field: "lead")
            }
            return { try ParleyServer.json(encoding: try $0.story(of: "lead/\(lead)", window)) }
        },
        ViewRoute(name: "tensions", summary: "Every tension, newest first: its state, severity and last activity.", parameters: [
            ("state", "only tensions in this state: open, escalated or resolved"),
        ]) { query, window in
            let state = try query.choice("state", TensionEntry.states)
            return { try ParleyServer.json(encoding: try $0.tensions(window).filter { state == nil || $0.state == state }) }
        },
        ViewRoute(name: "tension", summary: "One tension's state and story.", parameters: [
            ("tension", "the tension (required)"),
        ]) { query, window in
            guard let tension = query.string("tension"), !tension.isEmpty else {
                throw Problem(.unprocessableContent, code: "invalid-input", "tension is required: the tension to show", field: "tension")
            }
            return { try ParleyServer.json(encoding: try $0.tensionStory(tension, window)) }
        },
        ViewRoute(name: "content", summary: "Shared resources' use and outcomes, and content requests' time to delivery.", parameters: [
            ("since", "only resources shared and requests made at or after this time"),
        ]) { query, window in
            let since = try query.time("since")
            return { try ParleyServer.json(encoding: try $0.content(since: since, window)) }
        },
    ]
}

extension ParleyServer {
    /// `GET /api/v1/views/{name}` for each view, with the CLI's options.
    func addViewRoutes(to api: RouterGroup<ParleyRequestContext>) {
        for view in ViewRoute.all {
            api.get(RouterPath("/views/\(view.name)")) { request, context in
                _ = try context.member()
                let query = QueryParameters(request)
                let read = try view.read(query, try query.window())
                return try await app.perform(read)
            }
        }
    }
}
