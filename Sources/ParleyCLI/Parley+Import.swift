import ArgumentParser
import Foundation
import ParleyCore
import ParleyStore

extension Parley {
    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Bring history in: JSON Lines, or a CRM's CSV export (`parley import csv`).",
            subcommands: [JSONLines.self, CSVFile.self],
            defaultSubcommand: JSONLines.self
        )
    }

    struct JSONLines: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "jsonl",
            abstract: "Bring history in from JSON Lines (an export of another Parley, or your own tooling).",
            discussion: """
                Each line is an event as `parley record` takes it; an export's store fields are
                read too, and its `recorded_at` is kept, so an export imported into an empty
                database gives the same events with the same hashes. Imported history is
                checked like `parley record --import`: payloads and state rules, not membership
                or team rules.

                All or nothing by default: one bad line and nothing is written, and the error
                names the line, the field and why. With --skip-invalid FILE, the good events
                are written and each bad line goes to FILE with its reason. Events keep their
                ids, so importing the same file again writes nothing new: an interrupted import
                is simply run again.

                Examples:
                  parley import events.jsonl
                  parley import crm-history.jsonl --skip-invalid rejects.jsonl
                  parley import events.jsonl --dry-run
                """
        )

        @OptionGroup var database: DatabaseOptions
        @Argument(help: ArgumentHelp("A JSON Lines file, or - for standard input.", valueName: "file")) var input: String
        @Option(help: ArgumentHelp("Write bad lines here, with their reasons, and import the rest.", valueName: "file"))
        var skipInvalid: String?
        @Flag(help: "Check everything and report, writing nothing.") var dryRun = false
        @Flag(name: .shortAndLong, help: "Print nothing but errors.") var quiet = false
        @Flag(help: "Print the result as JSON.") var json = false

        func run() throws {
            let log = try database.open()
            let file = try openInput(input)
            var reader = EventInputReader(file)
            var rejects: RejectsFile?
            if let skipInvalid { rejects = try RejectsFile(path: skipInvalid) }
            let progress = ProgressLine(dryRun ? "checking…" : "importing…")
            var seen = 0
            var options = EventLog.AppendOptions(keepRecordedAt: true, dryRun: dryRun)
            let next: () throws -> ProposedEvent?
            if let rejects {
                options.rejected = { event, error in rejects.add(line: event.line, reason: error.message, text: reader.lastText, event: event) }
                next = {
                    while true {
                        do {
                            return try reader.next()
                        } catch let error as InvalidEvent {
                            rejects.add(line: error.line, reason: error.description, text: reader.lastText, event: nil)
                        }
                    }
                }
            } else {
                let prefetching = PrefetchingEventReader(reader)
                next = { try prefetching.next() }
            }
            let summary: EventLog.AppendSummary
            do {
                summary = try log.append(from: next, policy: .history, options: options) { _ in
                    seen += 1
                    progress.update(seen)
                }
            } catch {
                progress.finish()
                throw error
            }
            progress.finish()
            try rejects?.close()
            let rejected = rejects?.count ?? 0
            if json {
                Output.standard.line(JSONValue.object([
                    "imported": .integer(Int64(summary.appended)), "already_recorded": .integer(Int64(summary.alreadyRecorded)),
                    "rejected": .integer(Int64(rejected)), "dry_run": .bool(dryRun),
                    "positions": summary.positions.map { .array([.integer($0.lowerBound), .integer($0.upperBound)]) } ?? .null,
                ]).canonicalText)
            } else if !quiet {
                var text = dryRun ? "checked: \(summary.appended) events would be imported" : "imported \(summary.appended) events"
                if let positions = summary.positions, !dryRun { text += " at positions \(positions.lowerBound)–\(positions.upperBound)" }
                if summary.alreadyRecorded > 0 { text += "; \(summary.alreadyRecorded) already in the log" }
                if let skipInvalid, rejected > 0 { text += "; \(rejected) rejected, see \(skipInvalid)" }
                Output.standard.line(text + (dryRun ? "; nothing written" : ""))
            }
        }
    }
}

/// Opens a file of events, or standard input for `-`.
func openInput(_ input: String) throws -> FileHandle {
    if input == "-" { return .standardInput }
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory), isDirectory.boolValue {
        throw CLIFailure(.invalidInput, code: "unreadable-input", "\(input) is a folder; give a file of JSON events, or - for standard input")
    }
    guard let handle = FileHandle(forReadingAtPath: input) else {
        throw CLIFailure(.invalidInput, code: "unreadable-input", "cannot read \(input): no such file, or permission denied")
    }
    return handle
}

/// The rejects of an import: one JSON line per bad event, with its line,
/// its reason and its text.
final class RejectsFile {
    private let handle: FileHandle
    private(set) var count = 0

    init(path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw CLIFailure(.failure, code: "unwritable-output", "cannot write \(path)")
        }
        self.handle = handle
    }

    func add(line: Int?, reason: String, text: [UInt8]?, event: ProposedEvent?) {
        count += 1
        var members: [String: JSONValue] = ["reason": .string(reason)]
        if let line { members["line"] = .integer(Int64(line)) }
        if let text { members["text"] = .string(String(decoding: text, as: UTF8.self)) }
        if let event {
            members["event"] = .object([
                "stream": .string(event.stream), "type": .string(event.type), "actor": .string(event.actor),
                "data": event.payload, "id": event.id.map { .string($0.description) } ?? .null,
            ])
        }
        handle.write(Data((JSONValue.object(members).canonicalText + "\n").utf8))
    }

    func close() throws { try handle.close() }
}

extension Parley {
    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the log out as JSON Lines, for backups, other tools, or another Parley.",
            discussion: """
                Each line is a stored event in full (position, id, stream, version, type, actor,
                occurred_at, recorded_at, schema, data, meta, hash). `parley import` reads it back
                into an empty database with the same events and the same hashes. Writing to
                --out goes through a temporary file: a failed export leaves nothing half-written.

                Examples:
                  parley export --out backup.jsonl
                  parley export --type lead.sent --type lead.rejected --since 2026-01-01 > leads.jsonl
                """
        )

        @OptionGroup var database: DatabaseOptions
        @Option(help: "The format: jsonl (CSV comes later).") var format = "jsonl"
        @Option(name: .customLong("type"), help: ArgumentHelp("Only events of this type (repeatable).", valueName: "type")) var types: [String] = []
        @Option(help: ArgumentHelp("Only events that happened at or after this time.", valueName: "time")) var since: TimeArgument?
        @Option(help: ArgumentHelp("Only events that happened before this time.", valueName: "time")) var until: TimeArgument?
        @Option(help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file")) var out: String?
        @Flag(name: .shortAndLong, help: "No summary line.") var quiet = false

        func validate() throws {
            guard format == "jsonl" else { throw ValidationError("--format takes jsonl for now; got '\(format)'") }
            for type in types where EventCatalogue.spec(type) == nil {
                throw ValidationError("unknown type '\(type)'; `parley types` lists them")
            }
        }

        func run() throws {
            let log = try database.open()
            let filter = EventLog.Filter(since: since?.timestamp, until: until?.timestamp, types: types)
            let progress = ProgressLine("exporting…", total: try log.head().count)
            var count = 0
            if let out {
                let temporary = out + ".partial-\(ProcessInfo.processInfo.processIdentifier)"
                guard FileManager.default.createFile(atPath: temporary, contents: nil), let handle = FileHandle(forWritingAtPath: temporary) else {
                    throw CLIFailure(.failure, code: "unwritable-output", "cannot write \(out)")
                }
                do {
                    var buffer: [UInt8] = []
                    try log.events(filter) { event in
                        event.writeJSONLine(into: &buffer)
                        buffer.append(0x0A)
                        if buffer.count > 1 << 20 {
                            handle.write(Data(buffer))
                            buffer.removeAll(keepingCapacity: true)
                        }
                        count += 1
                        progress.update(count)
                        return true
                    }
                    handle.write(Data(buffer))
                    try handle.synchronize()
                    try handle.close()
                    // rename(2) replaces the target in one step.
                    guard rename(temporary, out) == 0 else {
                        throw CLIFailure(.failure, code: "unwritable-output", "cannot write \(out): \(String(cString: strerror(errno)))")
                    }
                } catch let error as CLIFailure {
                    try? FileManager.default.removeItem(atPath: temporary)
                    throw error
                } catch let error as StoreError {
                    try? FileManager.default.removeItem(atPath: temporary)
                    throw error
                } catch {
                    try? FileManager.default.removeItem(atPath: temporary)
                    throw CLIFailure(.failure, code: "unwritable-output", "cannot write \(out): \(error.localizedDescription)")
                }
                progress.finish()
                if !quiet { Output.standard.line("exported \(count) events to \(out)") }
            } else {
                try log.events(filter) { event in
                    Output.standard.write { buffer in
                        event.writeJSONLine(into: &buffer)
                        buffer.append(0x0A)
                    }
                    count += 1
                    progress.update(count)
                    return true
                }
                progress.finish()
            }
        }
    }
}
