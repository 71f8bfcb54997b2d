import GRDB
import ParleyCore

/// Writes the views' changed rows at the end of a chunk, in its transaction.
/// The rows are cut into blocks, encoded in order on a thread of their own
/// (a ``Prefetcher``) and written in order by the caller's thread as each
/// block is ready: encoding goes on while SQLite writes.
enum ChunkWrite {
    static let blockSize = 2048

    /// One block of a view's rows, and the rows encoded.
    private struct Encoded {
        let rows: any TakenRows
        let range: Range<Int>
        let values: [[UInt8]?]
    }

    /// Writes `taken` in `db`'s transaction, then frees it on another
    /// thread (see ``Reclaimer``): this one goes on to the next chunk.
    static func write(_ taken: consuming [any TakenRows], to db: Database) throws {
        var blocks: [(rows: any TakenRows, range: Range<Int>)] = []
        for index in taken.indices {
            let rows = taken[index]
            for start in stride(from: 0, to: rows.count, by: blockSize) {
                blocks.append((rows, start..<min(start + blockSize, rows.count)))
            }
        }
        if blocks.count <= 1 {
            for block in blocks {
                try block.rows.write(block.range, values: try block.rows.encode(block.range), to: db)
            }
        } else {
            let toEncode = blocks
            let encoded = Prefetcher<Encoded>(name: "parley-encode", ahead: 8, chunk: 1) { yield in
                for block in toEncode {
                    guard yield(Encoded(rows: block.rows, range: block.range, values: try block.rows.encode(block.range))) else { return }
                }
            }
            // However this ends, the encoding thread stops.
            defer { encoded.cancel() }
            while let block = try encoded.next() {
                try block.rows.write(block.range, values: block.values, to: db)
            }
        }
        Reclaimer.free(taken)
    }
}
