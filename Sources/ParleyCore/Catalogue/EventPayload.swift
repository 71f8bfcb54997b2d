import Foundation

/// A typed event payload. Its `Codable` form uses the catalogue's
/// snake_case field names; ``EventCatalogue`` validates it.
///
/// ```swift
/// let payload = LeadSent(lead: "L-1042", source: "webinar", score: 72)
/// let event = try payload.event(actor: "mia@marketing")
/// ```
public protocol EventPayload: Codable, Sendable, Equatable {
    /// The type's one declaration: its name, stream, schema number and
    /// fields, which validate every event of the type and `parley types`
    /// prints. Declared with the payload's properties, which it must name.
    static var spec: EventTypeSpec { get }

    /// The event type: `lead.sent`, … Its spec is declared with this name;
    /// code that matches an event's type names it by this constant, never
    /// by a string of its own.
    static var type: String { get }

    /// A payload of this type written with an older `schema`, brought to
    /// the current one (events are never rewritten: old payloads are
    /// upcast when read): one step, from `schema` to `schema + 1`. Types
    /// that never changed keep the default.
    static func upcast(_ data: JSONValue, from schema: Int) -> JSONValue
}

extension EventPayload {
    public static func upcast(_ data: JSONValue, from schema: Int) -> JSONValue { data }
}

extension EventPayload {
    /// The payload as a JSON value (fields in canonical order, nil fields left out).
    public var json: JSONValue {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        // Encoding plain structs of strings and numbers cannot fail.
        let data = (try? encoder.encode(self)) ?? Data("{}".utf8)
        return (try? JSONValue.parse(Array(data))) ?? .object([])
    }

    /// Reads a payload of this type from an event's data.
    ///
    /// - Throws: ``InvalidEvent`` when the data does not fit the type.
    public init(json: JSONValue) throws {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do {
            self = try decoder.decode(Self.self, from: Data(json.canonicalText.utf8))
        } catch {
            throw InvalidEvent(field: "data", reason: "does not fit \(Self.type): \(error)")
        }
    }

    /// A validated event carrying this payload, in the stream the catalogue
    /// gives it (or `stream`, for types that do not say).
    public func event(actor: String, stream: String? = nil, occurredAt: Timestamp? = nil,
                      expectedVersion: Int64? = nil, meta: JSONValue? = nil) throws(InvalidEvent) -> ProposedEvent {
        let data = json
        guard let stream = stream ?? EventCatalogue.spec(Self.type)?.stream(for: data) else {
            throw InvalidEvent(field: "stream", reason: "\(Self.type) needs a stream")
        }
        return try ProposedEvent(stream: stream, type: Self.type, actor: actor, occurredAt: occurredAt,
                                 data: data, meta: meta, expectedVersion: expectedVersion)
    }
}
