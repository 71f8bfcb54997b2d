public import ParleyCore

/// Whether shared content gets used, and whether it helps: `parley content`.
public struct ContentReport: Sendable, Equatable, Encodable {
    /// How a set of leads did: sent, judged, accepted, converted.
    public struct Outcomes: Sendable, Equatable, Encodable {
        public var leads = 0
        public var judged = 0
        public var accepted = 0
        public var converted = 0
        public var acceptanceRate: Double? { judged > 0 ? Double(accepted) / Double(judged) : nil }
        public var conversionRate: Double? { leads > 0 ? Double(converted) / Double(leads) : nil }

        public func encode(to encoder: any Encoder) throws {
            var out = encoder.container(keyedBy: JSONKey.self)
            try out.put(leads, "leads")
            try out.put(judged, "judged")
            try out.put(accepted, "accepted")
            try out.put(converted, "converted")
            try out.put(acceptanceRate, "acceptance_rate")
            try out.put(conversionRate, "conversion_rate")
        }
    }

    public struct Resource: Sendable, Equatable, Encodable {
        public var resource: String
        public var title: String
        public var kind: String?
        public var team: String
        public var sharedBy: String
        public var sharedAt: Timestamp
        public var uses = 0
        /// Distinct members who used it.
        public var users = 0
        public var lastUsed: Timestamp?
        /// Days since it was last used, or since it was shared when never used.
        public var idleDays = 0
        /// The leads it was used on.
        public var withIt = Outcomes()
        /// Leads of the same sources it was not used on.
        public var withoutIt = Outcomes()

        public func encode(to encoder: any Encoder) throws {
            var out = encoder.container(keyedBy: JSONKey.self)
            try out.put(resource, "resource")
            try out.put(title, "title")
            try out.put(kind, "kind")
            try out.put(team, "team")
            try out.put(sharedBy, "shared_by")
            try out.put(sharedAt, "shared_at")
            try out.put(uses, "uses")
            try out.put(users, "users")
            try out.put(lastUsed, "last_used")
            try out.put(idleDays, "idle_days")
            try out.put(withIt, "leads_with_it")
            try out.put(withoutIt, "same_sources_without_it")
        }
    }

    public struct Request: Sendable, Equatable, Encodable {
        public var request: String
        public var topic: String
        public var requestedBy: String
        public var requestedAt: Timestamp
        public var neededBy: Timestamp?
        public var deliveredAt: Timestamp?
        /// Hours from the request to the delivery.
        public var hoursToDelivery: Double?
        /// `delivered`, `open` or `overdue` (open past its date).
        public var state: String

        public func encode(to encoder: any Encoder) throws {
            var out = encoder.container(keyedBy: JSONKey.self)
            try out.put(request, "request")
            try out.put(topic, "topic")
            try out.put(requestedBy, "requested_by")
            try out.put(requestedAt, "requested_at")
            try out.put(neededBy, "needed_by")
            try out.put(deliveredAt, "delivered_at")
            try out.put(hoursToDelivery, "hours_to_delivery")
            try out.put(state, "state")
        }
    }

    /// Resources shared, the most used first.
    public var resources: [Resource]
    public var requests: [Request]
    /// Resources not used in the 30 days since they were shared (or last used).
    public var unused: [String] { resources.filter { $0.idleDays >= ContentReport.unusedAfterDays }.map(\.resource) }
    public static let unusedAfterDays = 30

    public func encode(to encoder: any Encoder) throws {
        var out = encoder.container(keyedBy: JSONKey.self)
        try out.put(resources, "resources")
        try out.put(requests, "requests")
        try out.put(unused, "unused")
    }
}

extension App {
    /// Each shared resource's use and the outcomes of the leads it was used
    /// on against those of the same sources it was not; each content
    /// request's time to delivery. `since` keeps resources shared and
    /// requests made at or after it. Retracted events are left out.
    public func content(since: Timestamp? = nil, _ window: ReplayWindow = ReplayWindow()) throws(ParleyError) -> ContentReport {
        struct Lead { var source: String; var judged = false; var accepted = false; var converted = false }
        var leads: [String: Lead] = [:]
        var resources: [String: ContentReport.Resource] = [:]
        var resourceOrder: [String] = []
        var uses: [String: [(id: String, actor: String, lead: String?, at: Timestamp)]] = [:]
        var requests: [String: ContentReport.Request] = [:]
        var requestOrder: [String] = []
        // Two reads, so that memory stays flat: the retractions, then what they may strike out.
        var retracted: Set<String> = []
        let until = window.asOf.map { Timestamp(microseconds: $0.microseconds + 1) }
        try events(EventFilter(until: until, knownAt: window.knownAt, types: [EventRetracted.type])) { event in
            if let target = event.payload[EventRetracted.target] { retracted.insert(target) }
            return true
        }
        let filter = EventFilter(until: until, knownAt: window.knownAt,
                                 types: [ResourceShared.type, ResourceUsed.type, ContentRequested.type, ContentDelivered.type,
                                         LeadSent.type, LeadAccepted.type, LeadRejected.type, LeadConverted.type])
        try events(filter) { event in
            guard !retracted.contains(event.id.description) else { return true }
            let data = event.payload
            switch event.type {
            case LeadSent.type:
                if let lead = data[LeadSent.lead] { leads[lead] = Lead(source: data[LeadSent.source] ?? "unknown") }
            case LeadAccepted.type, LeadRejected.type:
                if let lead = data[EventCatalogue.lead], leads[lead] != nil {
                    leads[lead]!.judged = true
                    leads[lead]!.accepted = event.type == LeadAccepted.type
                }
            case LeadConverted.type:
                if let lead = data[LeadConverted.lead] { leads[lead]?.converted = true }
            case ResourceShared.type:
                guard let id = data[ResourceShared.resource] else { return true }
                if resources[id] == nil { resourceOrder.append(id) }
                resources[id] = ContentReport.Resource(resource: id, title: data[ResourceShared.title] ?? "", kind: data[ResourceShared.kind],
                                                       team: data[ResourceShared.team] ?? "", sharedBy: event.actor, sharedAt: event.occurredAt)
            case ResourceUsed.type:
                guard let id = data[ResourceUsed.resource] else { return true }
                uses[id, default: []].append((event.id.description, event.actor, data[ResourceUsed.lead], event.occurredAt))
            case ContentRequested.type:
                guard let id = data[ContentRequested.request] else { return true }
                if requests[id] == nil { requestOrder.append(id) }
                requests[id] = ContentReport.Request(request: id, topic: data[ContentRequested.topic] ?? "", requestedBy: event.actor,
                                                     requestedAt: event.occurredAt,
                                                     neededBy: data[ContentRequested.neededBy].flatMap(Timestamp.init(timeOrDate:)),
                                                     state: "open")
            case ContentDelivered.type:
                guard let id = data[ContentDelivered.request], var request = requests[id] else { return true }
                request.deliveredAt = event.occurredAt
                request.hoursToDelivery = Double(event.occurredAt.microseconds - request.requestedAt.microseconds) / 3_600_000_000
                request.state = "delivered"
                requests[id] = request
            default:
                break
            }
            return true
        }
        let now = window.now
        func days(since time: Timestamp) -> Int { max(0, Int((now.microseconds - time.microseconds) / 86_400_000_000)) }
        func outcomes(_ names: some Sequence<String>) -> ContentReport.Outcomes {
            var result = ContentReport.Outcomes()
            for name in names {
                guard let lead = leads[name] else { continue }
                result.leads += 1
                if lead.judged { result.judged += 1 }
                if lead.accepted { result.accepted += 1 }
                if lead.converted { result.converted += 1 }
            }
            return result
        }
        var report: [ContentReport.Resource] = []
        for id in resourceOrder {
            var resource = resources[id]!
            if let since, resource.sharedAt < since { continue }
            let used = uses[id] ?? []
            resource.uses = used.count
            resource.users = Set(used.map(\.actor)).count
            resource.lastUsed = used.map(\.at).max()
            resource.idleDays = days(since: resource.lastUsed ?? resource.sharedAt)
            let usedOn = Set(used.compactMap(\.lead)).filter { leads[$0] != nil }
            let sources = Set(usedOn.compactMap { leads[$0]?.source })
            resource.withIt = outcomes(usedOn)
            resource.withoutIt = outcomes(leads.keys.filter { !usedOn.contains($0) && sources.contains(leads[$0]!.source) })
            report.append(resource)
        }
        report.sort { $0.uses != $1.uses ? $0.uses > $1.uses : $0.resource < $1.resource }
        let requestList = requestOrder.compactMap { id -> ContentReport.Request? in
            guard var request = requests[id] else { return nil }
            if let since, request.requestedAt < since { return nil }
            if request.deliveredAt == nil, let due = request.neededBy, due < now { request.state = "overdue" }
            return request
        }
        return ContentReport(resources: report, requests: requestList)
    }
}
