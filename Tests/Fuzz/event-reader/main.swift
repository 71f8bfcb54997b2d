import Foundation
import ParleyCore

/// Bytes as `parley record` reads them: JSON Lines through the event reader.
/// Validation puts a payload in normal form, and the normal form must be a
/// fixed point: an event made again from what was read is the same event.
func fuzz(_ input: UnsafeBufferPointer<UInt8>) {
    var ends: [Int32] = [0, 0]
    guard pipe(&ends) == 0 else { return }
    _ = write(ends[1], input.baseAddress, input.count)
    close(ends[1])
    var reader = EventInputReader(FileHandle(fileDescriptor: ends[0], closeOnDealloc: true))
    while true {
        do {
            guard var event = try reader.next() else { break }
            event.line = nil
            let again = try ProposedEvent(
                id: event.id, stream: event.stream, type: event.type, actor: event.actor, occurredAt: event.occurredAt,
                data: try JSONValue.parse(event.data), meta: try event.meta.map { try JSONValue.parse($0) },
                expectedVersion: event.expectedVersion)
            guard again == event else { fatalError("an event made again from what was read differs: \(event) / \(again)") }
        } catch {
            break
        }
    }
}
