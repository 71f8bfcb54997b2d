import CSV
import Foundation
import ParleyCore

/// A CRM export as `import csv --preset hubspot` reads it: CSV.swift's
/// reader, then Parley's mapping of each row to events. Every event made
/// from a row is a valid event (making one validates it; this makes sure
/// the mapping never builds one that throws, or traps doing so).
func fuzz(_ input: UnsafeBufferPointer<UInt8>) {
    let stream = InputStream(data: Data(input))
    guard let reader = try? CSVReader(stream: stream, hasHeaderRow: true) else { return }
    for preset in ["hubspot", "salesforce"] {
        let mapping = CRMImport.presets[preset]!
        guard let header = try? mapping.match(header: reader.headerRow ?? []) else { continue }
        var notes = CRMNotes()
        var number = 1
        var counter: UInt64 = 0
        while let cells = reader.next(), number < 200 {
            number += 1
            _ = try? mapping.events(row: cells, number: number, header: header, actor: "mia@marketing", file: "fuzz.csv",
                                    notes: &notes) { _ in
                counter += 1
                return EventID(UUID(uuid: (0, 0, 0, 0, 0, 0, 0x40, 0, 0x80, 0, 0, 0, 0, 0, UInt8(truncatingIfNeeded: counter >> 8), UInt8(truncatingIfNeeded: counter))))
            }
        }
        break
    }
}
