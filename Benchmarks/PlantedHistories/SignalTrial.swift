import Foundation
public import ParleyCore

/// Asks the detectors, day by day, what they see in a history: online,
/// as `parley signals --as-of` would at the end of each day, with nothing
/// from later. The history's events are folded in time order, once.
public struct SignalTrial: Sendable {
    /// A signal seen: on which day it was first seen open.
    public struct Seen: Sendable, Equatable {
        public var kind: SignalKind
        public var subject: String
        public var id: String
        public var firstDay: Int
        public var since: Timestamp
    }

    /// Every signal seen open at the end of some day, once, by first day.
    public var seen: [Seen] = []
    /// The ids open at the end of each day.
    public var openOn: [[String]] = []

    public init(_ history: PlantedHistory) throws {
        let rows = ProjectionRows<SignalsProjection.Row>()
        var index = 0
        var position: Int64 = 0
        var known: Set<String> = []
        // Each event's version is its place in its stream, as the store numbers them (folds rely on it:
        // the first event of a lead's stream made no row before it).
        var versions: [String: Int64] = [:]
        for day in 0..<history.days {
            let end = history.dayStart(day + 1)
            while index < history.events.count, let at = history.events[index].occurredAt, at < end {
                let proposed = history.events[index]
                position += 1
                versions[proposed.stream, default: 0] += 1
                let event = RecordedEvent(position: position, id: EventID(UUID()), stream: proposed.stream, version: versions[proposed.stream]!,
                                          type: proposed.type,
                                          actor: proposed.actor, occurredAt: at, recordedAt: at,
                                          schema: EventCatalogue.schema(of: proposed.type) ?? 1, data: proposed.data, meta: nil, hash: [])
                try SignalsProjection.fold(event, retracted: [], into: rows)
                index += 1
            }
            try SignalsProjection.settle(rows)
            let open = try SignalDetectors.signals(rows.rows, at: Timestamp(microseconds: end.microseconds - 1))
            openOn.append(open.map(\.id).sorted())
            for signal in open where !known.contains(signal.id) {
                known.insert(signal.id)
                seen.append(Seen(kind: signal.kind, subject: signal.subject, id: signal.id, firstDay: day, since: signal.since))
            }
        }
    }

    /// The first signal on `plant`'s subject from its detector, if any was seen after the problem began.
    public func detection(of plant: PlantedHistory.Plant) -> Seen? {
        seen.first { $0.kind.rawValue == plant.problem.rawValue && $0.subject == plant.subject && $0.firstDay >= plant.onset }
    }
}
