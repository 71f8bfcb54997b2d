import Foundation
import HTTPTypes
import Hummingbird
import Logging
import ParleyApp
import ParleyCore

extension ParleyServer {
    /// The log itself: a batch in, pages out, one event by position or id.
    func addEventRoutes(to api: RouterGroup<ParleyRequestContext>) {
        // A batch in the documented envelope: all or nothing, idempotent by
        // id, each event's `actor` the token's member (filled in when left out).
        api.post("/events") { request, context in
            let member = try context.member()
            let body = try await Self.jsonBody(request, limit: ServerLimits.batchBytes)
            let envelopes: [JSONValue] = switch body {
            case let .array(items): items
            case .object where body["events"] != nil:
                if case let .array(items) = body["events"]! { items } else { [] }
            case .object: [body]
            default: throw Problem(.unprocessableContent, code: "invalid-event", "the body must be an event, an array of events or {\"events\": […]}")
            }
            guard !envelopes.isEmpty else {
                throw Problem(.unprocessableContent, code: "invalid-event", "the batch has no events")
            }
            guard envelopes.count <= ServerLimits.batchEvents else {
                throw Problem(.contentTooLarge, code: "too-large", "a batch holds at most \(ServerLimits.batchEvents) events; this one has \(envelopes.count)")
            }
            var events: [ProposedEvent] = []
            for (index, envelope) in envelopes.enumerated() {
                let line = index + 1
                if envelope.canonicalText.utf8.count > ServerLimits.eventBytes {
                    throw Problem(.contentTooLarge, code: "too-large", "event \(line) is larger than \(ServerLimits.eventBytes / 1024) KiB", line: line)
                }
                var envelope = envelope
                if case var .object(members) = envelope {
                    if let actor = members.first(where: { $0.key == "actor" })?.value {
                        if actor != .string(member.handle) {
                            throw Problem(.forbidden, code: "actor-mismatch",
                                          "event \(line) names \(actor.canonicalText) as its actor, but the token is \(member.handle)'s",
                                          remedy: "send events as yourself: leave out actor, or give your own handle", field: "actor", line: line)
                        }
                    } else {
                        members.append((key: "actor", value: .string(member.handle)))
                        envelope = .object(members)
                    }
                }
                do {
                    events.append(try ProposedEvent(envelope: envelope, line: line))
                } catch {
                    throw Problem(ParleyError(mapping: error))
                }
            }
            let batch = events
            return try Self.recordedResponse(try await append(.events(batch)))
        }

        // A page of events in position order: `after` a position, at most `limit`.
        api.get("/events") { request, context in
            _ = try context.member()
            let query = QueryParameters(request)
            if let type = query.string("type") { try App.checkTypes([type], field: "type") }
            var filter = EventFilter(stream: query.string("stream"), type: query.string("type"), actor: query.string("actor"),
                                     since: try query.time("since"), until: try query.time("until"),
                                     after: try query.integer("after", in: 0...Int64.max))
            let limit = Int(try query.integer("limit", in: 1...Int64(ServerLimits.pageEvents)) ?? 100)
            filter.limit = limit
            let pageFilter = filter
            let page = try await app.perform { app in
                var events: [JSONValue] = []
                var last: Int64?
                try app.events(pageFilter) { event in
                    events.append(try JSONValue.parse(event.jsonLine))
                    last = event.position
                    return true
                }
                return (events, last)
            }
            // `next_after`: where the next page starts; null when this one was the last.
            let next: JSONValue = page.0.count == limit ? page.1.map { .integer($0) } ?? .null : .null
            return Self.json(.object([("events", .array(page.0)), ("next_after", next)]))
        }

        // One event, by its position or its id.
        api.get("/events/:event") { request, context in
            _ = try context.member()
            let key = context.parameters.decoded("event") ?? ""
            let event: RecordedEvent
            if let position = Int64(key), position > 0 {
                event = try await app.perform { try $0.event(at: position) }
            } else if let id = EventID(key) {
                event = try await app.perform { try $0.event(id: id) }
            } else {
                throw Problem(.notFound, code: "not-found", "there is no event \(key): give a position (a whole number from 1) or an event id")
            }
            return Self.json(try JSONValue.parse(event.jsonLine))
        }
    }
}
