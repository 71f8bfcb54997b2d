/// An event and its payload, read once for every view that folds it. A
/// value, held inline in its batch's array: an event costs no allocation
/// (and no free) of its own.
public struct FoldEvent: Sendable {
    public let event: RecordedEvent
    public let data: Payload

    public init(_ event: RecordedEvent, data: Payload) {
        self.event = event
        self.data = data
    }
}

/// Events in position order, each with its type's number in the batch: a
/// fold asks whether it reads a type once a batch, not once an event.
public struct FoldBatch: Sendable {
    public let events: [FoldEvent]
    /// The types of the events, each once.
    public let types: [String]
    /// For each event, the index of its type in ``types``.
    public let typeIndex: [Int]

    public init(_ events: [FoldEvent]) {
        var numbers: [String: Int] = [:]
        var types: [String] = []
        // By index: an event's type is read in place, the event not copied.
        typeIndex = events.indices.map { index in
            let type = events[index].event.type
            if let number = numbers[type] { return number }
            types.append(type)
            numbers[type] = types.count - 1
            return types.count - 1
        }
        self.events = events
        self.types = types
    }
}

extension Projection {
    /// The default, and every projection's: ``apply(_:data:to:)`` for each
    /// event of `batch` past `position` that the projection takes, but those
    /// in `retracted`. Persisted views and replays fold through it.
    public static func fold(_ batch: FoldBatch, after position: Int64, retracted: Set<EventID>, into rows: ProjectionRows<Row>) throws -> Int {
        let takes = batch.types.map { Self.takes(type: $0) }
        var folded = 0
        for index in batch.events.indices where takes[batch.typeIndex[index]] && position < batch.events[index].event.position {
            if !retracted.isEmpty && retracted.contains(batch.events[index].event.id) { continue }
            try apply(batch.events[index].event, data: batch.events[index].data, to: rows)
            folded += 1
        }
        return folded
    }
}
