public import Foundation

/// Reads events from JSON text, one at a time, with flat memory at any
/// input size: JSON Lines (one event a line), or events that span lines
/// (a single pretty-printed event), separated by white space.
///
/// Each event is validated as it is read; an error names the line where
/// the event starts. A UTF-8 byte order mark and CRLF line ends are accepted.
///
/// ```swift
/// var reader = EventInputReader(FileHandle.standardInput)
/// while let event = try reader.next() { … }
/// ```
public struct EventInputReader {
    /// The longest event accepted in the input text, in bytes: 1 MiB.
    /// (The stored payload limit, ``ProposedEvent/maximumPayloadBytes``, is smaller.)
    public static let maximumEventTextBytes = 1 << 20

    private let file: FileHandle
    private var buffer: [UInt8] = []
    private var start = 0
    private var reachedEnd = false
    private var lineNumber = 0
    /// How many events have been returned so far.
    public private(set) var eventsRead = 0
    /// Bytes consumed so far (for progress).
    public private(set) var bytesRead = 0
    /// The text of the last event read, or of the text that failed to read
    /// as one (for a rejects file).
    public private(set) var lastText: [UInt8] = []

    public init(_ file: FileHandle) {
        self.file = file
    }

    /// The next event, or nil at the end of the input.
    ///
    /// - Throws: ``InvalidEvent`` for text that is not a valid event, or the
    ///   file's read error.
    public mutating func next() throws -> ProposedEvent? {
        guard let (line, value) = try nextValue() else { return nil }
        let event = try ProposedEvent(envelope: value, line: line)
        eventsRead += 1
        return event
    }

    /// The next JSON value and the line it starts on.
    private mutating func nextValue() throws -> (Int, JSONValue)? {
        var pending: [UInt8] = []
        var pendingLine = 0
        while let line = try nextLine() {
            if pending.isEmpty {
                if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
                lastText = line
                do {
                    return (lineNumber, try JSONValue.parse(line))
                } catch where error.isTruncated {
                    pending = line
                    pendingLine = lineNumber
                } catch {
                    throw InvalidEvent(line: lineNumber, reason: "not valid JSON: \(error.reason) (column \(error.offset + 1))")
                }
            } else {
                pending.append(0x0A)
                pending.append(contentsOf: line)
                lastText = pending
                guard pending.count <= Self.maximumEventTextBytes else {
                    throw InvalidEvent(line: pendingLine, reason: "the event starting here is not closed within \(Self.maximumEventTextBytes) bytes")
                }
                do {
                    return (pendingLine, try JSONValue.parse(pending))
                } catch where error.isTruncated {
                    continue
                } catch {
                    let lineOfError = pendingLine + pending[..<error.offset].count(where: { $0 == 0x0A })
                    throw InvalidEvent(line: lineOfError, reason: "not valid JSON: \(error.reason)")
                }
            }
        }
        if !pending.isEmpty {
            throw InvalidEvent(line: pendingLine, reason: "the input ends in the middle of this event")
        }
        return nil
    }

    /// The next line without its line end, or nil at the end of input.
    private mutating func nextLine() throws -> [UInt8]? {
        while true {
            if let newline = buffer[start...].firstIndex(of: 0x0A) {
                var end = newline
                if end > start, buffer[end - 1] == 0x0D { end -= 1 }
                let line = Array(buffer[start..<end])
                bytesRead += newline + 1 - start
                start = newline + 1
                return numbered(line)
            }
            if reachedEnd {
                guard start < buffer.count else { return nil }
                var end = buffer.count
                if buffer[end - 1] == 0x0D { end -= 1 }
                let line = Array(buffer[start..<end])
                bytesRead += buffer.count - start
                start = buffer.count
                return numbered(line)
            }
            guard buffer.count - start <= Self.maximumEventTextBytes else {
                throw InvalidEvent(line: lineNumber + 1, reason: "line is longer than \(Self.maximumEventTextBytes) bytes")
            }
            buffer.removeSubrange(0..<start)
            start = 0
            let chunk = try file.read(upToCount: 1 << 20) ?? Data()
            if chunk.isEmpty {
                reachedEnd = true
            } else {
                buffer.append(contentsOf: chunk)
            }
        }
    }

    private mutating func numbered(_ line: [UInt8]) -> [UInt8] {
        lineNumber += 1
        if lineNumber == 1, line.starts(with: [0xEF, 0xBB, 0xBF]) {
            return Array(line.dropFirst(3))
        }
        return line
    }
}
