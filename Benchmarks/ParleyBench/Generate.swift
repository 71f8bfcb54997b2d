import ArgumentParser
import Foundation
import GRDBSQLite
import ParleyCore
import ParleyStore

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a deterministic, realistic history as JSON Lines.")

    @Option(help: "How many events.") var count = 1000
    @Option(help: "About how many days the history spans.") var days = 120
    @Option(help: "Seed of the generator (same seed, same history).") var seed: UInt64 = 42
    @Option(help: "When the history begins; with the days and the leads' lifetime it should end before now, since Parley refuses events dated in the future.")
    var start = "2025-01-06T08:00:00Z"
    @Option(help: "Output file (default: stdout).") var out: String?
    @Flag(help: "Leave out the opening (members, first criteria, SLA): the demo records those with commands.")
    var withoutOpening = false
    @OptionGroup var shape: ShapeOptions

    func run() throws {
        guard let begins = Timestamp(rfc3339: start) else { throw ValidationError("--start takes a time such as 2023-01-02T08:00:00Z") }
        try writeHistory(count: count, days: days, seed: seed, opening: !withoutOpening, start: begins, shape: try shape.resolved(), to: out)
    }
}

/// The shape of the history to generate: a preset, and what to change of it.
struct ShapeOptions: ParsableArguments {
    @Option(help: "bench (the bench's own: leads answered within days, 6 sources, 9 members) or spread (leads answered over months, several feedbacks, 12 sources, 1,000 campaigns, 60 members).")
    var shape = "bench"
    @Option(help: "Days over which a lead's verdict, feedback and outcome arrive; the events are then written in time order.")
    var leadLifetimeDays: Int?
    @Option(help: "Feedback events per accepted lead, as LOW-HIGH (e.g. 1-4).") var feedbackPerLead: String?
    @Option(help: "How many lead sources.") var sources: Int?
    @Option(help: "How many campaigns across the history (default: one per source and month).") var campaigns: Int?
    @Option(help: "How many sales reps.") var salesReps: Int?
    @Option(help: "How many marketers.") var marketers: Int?
    @Option(help: "Percent of leads moved to another rep before their verdict (a tenth of those three times); default 0.")
    var reassignPercent: Int?
    @Option(help: "Resources marketing shares at the start; with any, a fifth of accepted leads use one and sales asks for content now and then; default 0.")
    var resources: Int?

    func resolved() throws -> DemoHistory.Shape {
        guard var shape = DemoHistory.Shape.named(self.shape) else { throw ValidationError("--shape takes bench or spread, got '\(self.shape)'") }
        if let leadLifetimeDays { shape.leadLifetimeDays = leadLifetimeDays }
        if let feedbackPerLead {
            let parts = feedbackPerLead.split(separator: "-").compactMap { Int($0) }
            guard parts.count == 2, parts[0] >= 0, parts[0] <= parts[1] else { throw ValidationError("--feedback-per-lead takes LOW-HIGH, e.g. 1-4") }
            shape.feedbackPerLead = parts[0]...parts[1]
        }
        if let sources { shape.sources = max(1, sources) }
        if let campaigns { shape.campaigns = max(1, campaigns) }
        if let salesReps { shape.sales = max(1, salesReps) }
        if let marketers { shape.marketing = max(1, marketers) }
        if let reassignPercent {
            guard (0...100).contains(reassignPercent) else { throw ValidationError("--reassign-percent takes 0 to 100") }
            shape.reassignPercent = reassignPercent
        }
        if let resources { shape.resources = max(0, resources) }
        return shape
    }
}

func writeHistory(count: Int, days: Int, seed: UInt64, opening: Bool = true,
                  start: Timestamp = Timestamp(rfc3339: "2025-01-06T08:00:00Z")!, shape: DemoHistory.Shape = .bench, to path: String?) throws {
    let handle: FileHandle
    if let path {
        guard FileManager.default.createFile(atPath: path, contents: nil), let file = FileHandle(forWritingAtPath: path) else {
            throw ValidationError("cannot write \(path)")
        }
        handle = file
    } else {
        handle = .standardOutput
    }
    var buffer: [UInt8] = []
    for line in DemoHistory(count: count, days: days, seed: seed, opening: opening, start: start, shape: shape) {
        buffer.append(contentsOf: line.utf8)
        buffer.append(0x0A)
        if buffer.count > 1 << 20 {
            handle.write(Data(buffer))
            buffer.removeAll(keepingCapacity: true)
        }
    }
    handle.write(Data(buffer))
    if path != nil { try handle.close() }
}
