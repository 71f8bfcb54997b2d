public import ParleyCore

/// Whether shared content gets used, and whether it helps: `parley content`.
public struct ContentReport: Sendable, Equatable, Encodable {
    /// How a set of leads did: sent, judged, accepted, converted.
    public struct Outcomes: Sendable, Equatable, Encodable {
        public var leads = 0
        public var judged = 0
        public var accepted = 0
        public var converted = 0
        mutating func add(_ other: Outcomes, sign: Int = 1) {
            leads += sign * other.leads
            judged += sign * other.judged
            accepted += sign * other.accepted
            converted += sign * other.converted
        }

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
    public func content(since: Timestamp? = nil, _ window: ReplayWindow = ReplayWindow(),
                        progress: ProgressReporter = .none) throws(ParleyError) -> ContentReport {
        let content = try source(ContentProjection.self, window, progress: progress)
        let quality = try source(LeadQualityProjection.self, window, progress: progress)
        return try mapped {
            let rows = try content.rows()
            let now = window.now
            func days(since time: Timestamp) -> Int { max(0, Int((now.microseconds - time.microseconds) / 86_400_000_000)) }
            // The resources shared (in the period), and the leads' outcomes from the quality
            // view: each lead used on from its row (all read at once), and each source's from
            // its group of all time.
            let shared = rows.compactMap { key, row -> (key: String, resource: ContentProjection.Resource)? in
                guard case let .resource(resource) = row, resource.order != nil else { return nil }
                if let since, resource.sharedAt < since { return nil }
                return (key, resource)
            }
            let used = Set(shared.flatMap { $0.resource.uses.compactMap { $0.lead.map { "lead/\($0)" } } })
            var leads: [String: LeadQualityProjection.LeadOutcome] = [:]
            try quality.forEachRow(keys: used, as: LeadQualityProjection.LeadOutcome.init) { key, outcome in
                if outcome.isLead { leads[String(key.dropFirst("lead/".count))] = outcome }
            }
            var bySource: [String: ContentReport.Outcomes] = [:]
            func outcomes(ofSource name: String) throws -> ContentReport.Outcomes {
                if let known = bySource[name] { return known }
                var result = ContentReport.Outcomes()
                if case let .group(group)? = try quality.row(LeadQualityProjection.Dimension.source.allTimeKeys + name) {
                    result = ContentReport.Outcomes(leads: Int(group.sent), judged: Int(group.accepted + group.rejected),
                                                    accepted: Int(group.accepted), converted: Int(group.converted))
                }
                bySource[name] = result
                return result
            }
            var report: [ContentReport.Resource] = []
            for (key, shared) in shared {
                var resource = ContentReport.Resource(resource: String(key.dropFirst("resource/".count)), title: shared.title, kind: shared.kind,
                                                      team: shared.team, sharedBy: shared.sharedBy, sharedAt: shared.sharedAt)
                resource.uses = shared.uses.count
                resource.users = Set(shared.uses.map(\.actor)).count
                resource.lastUsed = shared.uses.map(\.at).max()
                resource.idleDays = days(since: resource.lastUsed ?? resource.sharedAt)
                var sources: Set<String> = []
                for id in Set(shared.uses.compactMap(\.lead)) {
                    guard let lead = leads[id] else { continue }
                    sources.insert(lead.source)
                    resource.withIt.leads += 1
                    if lead.verdict != nil { resource.withIt.judged += 1 }
                    if lead.verdict == LeadAccepted.type { resource.withIt.accepted += 1 }
                    if lead.converted { resource.withIt.converted += 1 }
                }
                // The leads of those sources it was not used on: theirs, less those it was.
                for name in sources { resource.withoutIt.add(try outcomes(ofSource: name)) }
                resource.withoutIt.add(resource.withIt, sign: -1)
                report.append(resource)
            }
            report.sort { $0.uses != $1.uses ? $0.uses > $1.uses : $0.resource < $1.resource }
            let requests = rows.compactMap { key, row -> (ContentReport.Request, Int64)? in
                guard case let .request(asked) = row else { return nil }
                if let since, asked.requestedAt < since { return nil }
                var request = ContentReport.Request(request: String(key.dropFirst("request/".count)), topic: asked.topic,
                                                    requestedBy: asked.requestedBy, requestedAt: asked.requestedAt,
                                                    neededBy: asked.neededBy, state: "open")
                if let delivered = asked.deliveredAt {
                    request.deliveredAt = delivered
                    request.hoursToDelivery = Double(delivered.microseconds - asked.requestedAt.microseconds) / 3_600_000_000
                    request.state = "delivered"
                } else if let due = asked.neededBy, due < now {
                    request.state = "overdue"
                }
                return (request, asked.order)
            }
            return ContentReport(resources: report, requests: requests.sorted { $0.1 < $1.1 }.map(\.0))
        }
    }
}
