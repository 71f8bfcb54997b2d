import ArgumentParser
import Foundation
import ParleyCore
import ParleyApp

extension Parley {
    struct Record: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "record",
            abstract: "Append events from a file or stdin, as one all-or-nothing batch.",
            discussion: """
                Input is one JSON event, or JSON Lines (one event a line). Each event:

                  {"stream": "lead/L-1042", "type": "lead.sent", "actor": "mia@marketing",
                   "occurred_at": "2026-01-05T09:30:00Z",
                   "data": {"lead": "L-1042", "source": "webinar", "score": 72},
                   "id": "<uuid, optional>", "expected_version": 0,
                   "meta": {"note": "optional"}}

                stream, type, actor and data are required; occurred_at defaults to now and needs a zone; data and meta together hold at most 64 KiB; `parley types` lists each type's fields. Every event is validated before anything is committed: one bad line and nothing is written, and the error names the line, the field and why (exit 2).

                Defaults are those of the commands: a lead.sent without criteria_version is sent under the criteria version in force at its occurred_at.

                The practice's rules hold as for the commands (exit 7 when one is broken): the actor must be a member (the first member may add themselves), team rules (only marketing sends leads, only sales gives verdicts, …) and state rules (no verdict on an unknown lead, one verdict per lead, …). With --import, for history from another system, membership and team rules are off; payloads and state rules are still checked.

                expected_version is the stream version you saw (0: the stream must not exist yet); if the stream moved on, nothing is written (exit 3). Resending an event with the same id and content writes nothing and prints the stored event, so a failed run can simply be run again.

                Prints each stored event (position, stream@version, type), events that were already recorded first; --json prints the stored envelopes as JSON Lines.

                Examples:
                  parley record lead.json
                  parley record events.jsonl --quiet
                  tail -n 50 today.jsonl | parley record - --json
                """
        )

        @OptionGroup var database: DatabaseOptions

        @Argument(help: ArgumentHelp("A file of JSON events, or - for standard input.", valueName: "file"))
        var input: String

        @Flag(help: "Print the stored events as JSON Lines.") var json = false
        @Flag(name: .customLong("import"), help: ArgumentHelp(
            "Record history from elsewhere: actors need not be members and team rules are off; payloads and state rules are still checked."))
        var importing = false
        @Flag(help: "Let someone who is not a member yet add members (setting up a log).") var bootstrap = false
        @Flag(name: .shortAndLong, help: "Print only a summary line.") var quiet = false

        @Option(help: ArgumentHelp(
            "Commit every N events instead of all at once, printing each batch as it commits. The whole input is still validated before the first commit; a conflict stops at the batch that met it, keeping the batches before.",
            valueName: "n"))
        var batchSize: Int?

        func validate() throws {
            if let batchSize, batchSize < 1 { throw ValidationError("--batch-size must be at least 1") }
            if json && quiet { throw ValidationError("--json and --quiet exclude each other") }
        }

        func run() throws {
            var policy = importing ? RulePolicy.history : RulePolicy.everything
            policy.bootstrap = bootstrap
            let log = try database.open()
            let file = try openInput(input)
            let reader = PrefetchingEventReader(EventInputReader(file))
            var report = RecordReport(log: log, json: json, quiet: quiet)
            if let batchSize {
                // Validate everything first, so a bad line writes nothing.
                var events: [ProposedEvent] = []
                while let event = try reader.next() { events.append(event) }
                for start in stride(from: 0, to: events.count, by: batchSize) {
                    var iterator = events[start..<min(start + batchSize, events.count)].makeIterator()
                    try report.commit { onEvent in try log.record(from: { iterator.next() }, policy: policy, onEvent: onEvent) }
                    // A committed batch is acknowledged at once: whoever reads the output knows it is on disk.
                    Output.standard.flush()
                }
            } else {
                // Reading and validating overlap with the append on a second thread.
                try report.commit { onEvent in try log.record(from: { try reader.next() }, policy: policy, onEvent: onEvent) }
            }
            report.finish()
        }
    }
}

/// Prints what a `record` stored, once it is committed: a batch that rolls
/// back must not have printed events as if they were in the log.
struct RecordReport {
    let log: App
    let json: Bool
    let quiet: Bool
    private var appended = 0
    private var alreadyRecorded = 0
    private var first: Int64?
    private var last: Int64?
    private let progress = ProgressLine("recording…")

    init(log: App, json: Bool, quiet: Bool) {
        self.log = log
        self.json = json
        self.quiet = quiet
    }

    /// Runs one batch, then prints its events. New events are read back
    /// from the log by position (they are contiguous: the batch held the
    /// write lock), so a batch of millions is not kept in memory.
    mutating func commit(_ batch: ((App.Recorded) throws -> Void) throws -> AppendSummary) throws {
        var repeats: [RecordedEvent] = []
        var seen = 0
        defer { progress.finish() }
        let summary = try batch { outcome in
            seen += 1
            progress.update(seen)
            if outcome.alreadyRecorded { repeats.append(outcome.event) }
        }
        appended += summary.appended
        alreadyRecorded += summary.alreadyRecorded
        guard !quiet else {
            if let positions = summary.positions {
                first = first ?? positions.lowerBound
                last = positions.upperBound
            }
            return
        }
        for event in repeats { print(event, repeated: true) }
        if let positions = summary.positions {
            first = first ?? positions.lowerBound
            last = positions.upperBound
            let filter = EventFilter(after: positions.lowerBound - 1, limit: Int(positions.count))
            try log.events(filter) { event in
                print(event, repeated: false)
                return true
            }
        }
    }

    private func print(_ event: RecordedEvent, repeated: Bool) {
        if json {
            Output.standard.write { buffer in
                event.writeJSONLine(into: &buffer)
                buffer.append(0x0A)
            }
        } else {
            let position = String(event.position)
            Output.standard.line(String(repeating: " ", count: max(0, 7 - position.count)) + position
                + "  \(event.stream)@\(event.version)  \(event.type)" + (repeated ? "  (already recorded)" : ""))
        }
    }

    func finish() {
        guard !json else { return }
        var text = "recorded \(appended) event\(appended == 1 ? "" : "s")"
        if let first, let last, appended > 0 {
            if first == last {
                text += " at position \(first)"
            } else {
                text += last - first + 1 == Int64(appended) ? " at positions \(first)–\(last)" : " between positions \(first) and \(last)"
            }
        }
        if alreadyRecorded > 0 { text += "; \(alreadyRecorded) already recorded, not written again" }
        Output.standard.line(text)
    }
}
