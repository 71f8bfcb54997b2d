/// Shared resources and who used them on which leads, and content requests
/// and their delivery: what `parley content` reads, with the leads'
/// outcomes from the quality view. Kept as a view, so that the report need
/// not pass over every event of the log to find a few hundred.
///
/// Rows: `resource/<id>`, `request/<id>`.
public enum ContentProjection: Projection {
    public static let typePrefixes = [ResourceShared.type, ResourceUsed.type, ContentRequested.type, ContentDelivered.type]

    public static let name = "content"
    public static let version = 1

    public struct Use: Codable, Sendable, Equatable {
        public var actor: String
        public var lead: String?
        public var at: Timestamp
    }

    public struct Resource: Codable, Sendable, Equatable {
        /// The position of its first share; nil while it is only used (never shared).
        public var order: Int64?
        public var title = ""
        public var kind: String?
        public var team = ""
        public var sharedBy = ""
        public var sharedAt = Timestamp(microseconds: 0)
        public var uses: [Use] = []
    }

    public struct Request: Codable, Sendable, Equatable {
        /// The position of its first request.
        public var order: Int64
        public var topic: String
        public var requestedBy: String
        public var requestedAt: Timestamp
        public var neededBy: Timestamp?
        public var deliveredAt: Timestamp?
    }

    public enum Row: Codable, Sendable, Equatable {
        case resource(Resource)
        case request(Request)
    }

    public static func apply(_ event: RecordedEvent, data: Payload, to rows: ProjectionRows<Row>) throws {
        switch event.type {
        case ResourceShared.type, ResourceUsed.type:
            guard let id = data[ResourceShared.resource] else { return }
            try rows.modify("resource/\(id)") { row in
                guard case var .resource(resource) = row ?? .resource(Resource()) else { return }
                if event.type == ResourceUsed.type {
                    resource.uses.append(Use(actor: event.actor, lead: data[ResourceUsed.lead], at: event.occurredAt))
                } else {
                    // Shared again: its latest details, in the place of its first share.
                    resource.order = resource.order ?? event.position
                    resource.title = data[ResourceShared.title] ?? ""
                    resource.kind = data[ResourceShared.kind]
                    resource.team = data[ResourceShared.team] ?? ""
                    resource.sharedBy = event.actor
                    resource.sharedAt = event.occurredAt
                }
                row = .resource(resource)
            }
        case ContentRequested.type:
            guard let id = data[ContentRequested.request] else { return }
            try rows.modify("request/\(id)") { row in
                // Asked again: a request anew, in the place of the first.
                var order = event.position
                if case let .request(before)? = row { order = before.order }
                row = .request(Request(order: order, topic: data[ContentRequested.topic] ?? "", requestedBy: event.actor,
                                       requestedAt: event.occurredAt,
                                       neededBy: data[ContentRequested.neededBy].flatMap(Timestamp.init(timeOrDate:))))
            }
        case ContentDelivered.type:
            guard let id = data[ContentDelivered.request] else { return }
            try rows.modify("request/\(id)") { row in
                guard case var .request(request)? = row else { return }
                request.deliveredAt = event.occurredAt
                row = .request(request)
            }
        default:
            break
        }
    }
}
