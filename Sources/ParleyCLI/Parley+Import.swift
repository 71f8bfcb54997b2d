import ArgumentParser
import CSV
import Foundation
import ParleyCore
import ParleyApp

extension Parley {
    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "Bring history in: JSON Lines, or a CRM's CSV export (`parley import csv`).",
            discussion: """
                Examples:
                  parley import backup.jsonl
                  parley import backup.jsonl --skip-invalid rejects.jsonl --dry-run
                  parley import csv contacts.csv --preset hubspot --as mia@marketing
                  parley import csv leads.csv --map lead=mql_id --map sent_at=created \\
                      --as mia@marketing
                """,
            subcommands: [JSONLines.self, CSVFile.self],
            defaultSubcommand: JSONLines.self
        )
    }

    struct JSONLines: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "jsonl",
            abstract: "Bring history in from JSON Lines (an export of another Parley, or your own tooling).",
            discussion: """
                Each line is an event as `parley record` takes it; an export's store fields are read too, and its `recorded_at` is kept, so an export imported into an empty database gives the same events with the same hashes. Imported history is checked like `parley record --import`: payloads and state rules, not membership or team rules.

                All or nothing by default: one bad line and nothing is written, and the error names the line, the field and why. With --skip-invalid FILE, the good events are written and each bad line goes to FILE with its reason. Events keep their ids, so importing the same file again writes nothing new: an interrupted import is simply run again.

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
            let size = input == "-" ? nil : (try? FileManager.default.attributesOfItem(atPath: input)[.size] as? Int) ?? nil
            var reader = EventInputReader(file)
            var rejects: RejectsFile?
            if let skipInvalid { rejects = try RejectsFile(path: skipInvalid) }
            let progress = ProgressLine(dryRun ? "checking…" : "importing…")
            var seen = 0
            var options = App.RecordOptions(keepRecordedAt: true, dryRun: dryRun)
            let next: () throws -> ProposedEvent?
            if let rejects {
                options.rejected = { event, error in rejects.add(line: event.line, reason: error.explanation, text: reader.lastText, event: event) }
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
            let summary: AppendSummary
            do {
                summary = try log.record(from: next, policy: .history, options: options) { _ in
                    seen += 1
                    progress.update(seen, fraction: size.flatMap { size in (try? file.offset()).map { Double($0) / Double(max(size, 1)) } })
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
            commandName: "export",
            abstract: "Write the log, or a view, out: JSON Lines or CSV for backups, spreadsheets and BI tools.",
            discussion: """
                Examples:
                  parley export --out backup.jsonl
                  parley export --format csv --type lead.sent --since 2026-01-01 \\
                      --out leads.csv
                  parley export view quality --format csv --out quality.csv
                  parley export view issues --format json --as-of 2026-03-31
                """,
            subcommands: [ExportLog.self, ExportView.self],
            defaultSubcommand: ExportLog.self
        )
    }

    struct ExportLog: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "log",
            abstract: "Write the log out as JSON Lines or CSV, for backups, other tools, or another Parley.",
            discussion: """
                As JSON Lines (the default), each line is a stored event in full (position, id, stream, version, type, actor, occurred_at, recorded_at, schema, data, meta, hash); `parley import` reads it back into an empty database with the same events and the same hashes. As CSV, the payload is flattened into one column per catalogue field (data.lead, data.source, …; lists and objects as JSON text). Writing to --out goes through a temporary file: a failed export leaves nothing half-written.

                Examples:
                  parley export --out backup.jsonl
                  parley export --type lead.sent --type lead.rejected --since 2026-01-01 \\
                      > leads.jsonl
                  parley export --format csv --out log.csv
                """
        )

        @OptionGroup var database: DatabaseOptions
        @Option(help: "jsonl or csv.") var format = "jsonl"
        @Option(name: .customLong("type"), help: ArgumentHelp("Only events of this type (repeatable).", valueName: "type")) var types: [String] = []
        @Option(help: ArgumentHelp("Only events that happened at or after this time.", valueName: "time")) var since: TimeArgument?
        @Option(help: ArgumentHelp("Only events that happened before this time.", valueName: "time")) var until: TimeArgument?
        @Option(help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file")) var out: String?
        @Flag(name: .shortAndLong, help: "No summary line.") var quiet = false

        func validate() throws {
            guard format == "jsonl" || format == "csv" else { throw ValidationError("--format takes jsonl or csv; got '\(format)'") }
            for type in types where EventCatalogue.spec(type) == nil {
                throw ValidationError("--type: " + (EventCatalogue.problem(withTypePattern: type)
                                                    ?? "export takes whole type names (\(type) is a prefix): give --type for each"))
            }
        }

        func run() throws {
            let log = try database.open()
            let filter = EventFilter(since: since?.timestamp, until: until?.timestamp, types: types)
            let progress = ProgressLine("exporting…", total: try log.head().count)
            var count = 0
            try ExportSink.write(to: out) { sink in
                var buffer: [UInt8] = []
                var rows: [[String]] = []
                if format == "csv" { try sink.write(CSVText.encode([EventCSV.header])) }
                try log.events(filter) { event in
                    if format == "csv" {
                        rows.append(EventCSV.row(event))
                        if rows.count == 1000 {
                            try sink.write(CSVText.encode(rows))
                            rows.removeAll(keepingCapacity: true)
                        }
                    } else {
                        event.writeJSONLine(into: &buffer)
                        buffer.append(0x0A)
                        if buffer.count > 1 << 20 {
                            try sink.write(buffer)
                            buffer.removeAll(keepingCapacity: true)
                        }
                    }
                    count += 1
                    progress.update(count)
                    return true
                }
                try sink.write(format == "csv" ? CSVText.encode(rows) : buffer)
            }
            progress.finish()
            if let out, !quiet { note("exported \(count) events to \(out)") }
        }
    }

    struct ExportView: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "view",
            abstract: "Write a view out as CSV or JSON, for spreadsheets and BI tools.",
            discussion: """
                The same figures as the view's command with --json; as CSV, one row per line of the view (lists and objects as JSON text; sla gives one row per rep and per source).

                Examples:
                  parley export view quality --format csv --out quality.csv
                  parley export view issues --format json --as-of 2026-03-31
                  parley export view sla --format csv
                """
        )

        static let views: [String: [String]] = [
            "quality": ["quality"], "issues": ["issues"], "criteria": ["criteria", "history"], "sla": ["sla", "show"],
            "actions": ["actions"], "members": ["members"], "roles": ["roles"],
        ]

        @OptionGroup var database: DatabaseOptions
        @Argument(help: ArgumentHelp("quality, issues, criteria, sla, actions, members or roles.", valueName: "view")) var view: String
        @Option(help: "csv or json.") var format = "csv"
        @Option(help: ArgumentHelp("For quality: source, campaign, criteria, rep or month.", valueName: "key")) var by: String?
        @Option(help: ArgumentHelp("The view as it stood at this time.", valueName: "time")) var asOf: String?
        @Option(help: ArgumentHelp("The view as the log knew it at this time.", valueName: "time")) var knownAt: String?
        @Option(help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file")) var out: String?

        func validate() throws {
            guard Self.views[view] != nil else {
                throw ValidationError("unknown view '\(view)'; the views are \(Self.views.keys.sorted().joined(separator: ", "))")
            }
            guard format == "csv" || format == "json" else { throw ValidationError("--format takes csv or json; got '\(format)'") }
            if by != nil && view != "quality" { throw ValidationError("--by goes with the quality view") }
        }

        func run() throws {
            var arguments = Self.views[view]! + ["--json", "--db", database.path]
            if let by { arguments += ["--by", by] }
            if let asOf { arguments += ["--as-of", asOf] }
            if let knownAt { arguments += ["--known-at", knownAt] }
            var command = try Parley.parseAsRoot(arguments)
            let text = try Output.standard.capture { try command.run() }
            let value = try JSONValue.parse(text)
            try ExportSink.write(to: out) { sink in
                if format == "json" {
                    try sink.write(Array((value.prettyText() + "\n").utf8))
                } else {
                    try sink.write(CSVText.encode(CSVText.table(of: value)))
                }
            }
            if let out { note("exported the \(view) view to \(out)") }
        }
    }
}

/// Where an export goes: standard output, or a file written through a
/// temporary one renamed into place (a failed export leaves nothing).
struct ExportSink {
    private let handle: FileHandle?

    func write(_ bytes: [UInt8]) throws {
        if let handle {
            handle.write(Data(bytes))
        } else {
            Output.standard.write { $0.append(contentsOf: bytes) }
        }
    }

    static func write(to path: String?, _ body: (ExportSink) throws -> Void) throws {
        guard let path else {
            try body(ExportSink(handle: nil))
            return
        }
        let temporary = path + ".partial-\(ProcessInfo.processInfo.processIdentifier)"
        guard FileManager.default.createFile(atPath: temporary, contents: nil), let handle = FileHandle(forWritingAtPath: temporary) else {
            throw CLIFailure(.failure, code: "unwritable-output", "cannot write \(path)")
        }
        do {
            try body(ExportSink(handle: handle))
            try handle.synchronize()
            try handle.close()
            // rename(2) replaces the target in one step.
            guard rename(temporary, path) == 0 else {
                throw CLIFailure(.failure, code: "unwritable-output", "cannot write \(path): \(String(cString: strerror(errno)))")
            }
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            if error is CLIFailure || error is ParleyError { throw error }
            throw CLIFailure(.failure, code: "unwritable-output", "cannot write \(path): \(error.localizedDescription)")
        }
    }
}

/// The log as CSV: the envelope's columns, then one column per payload
/// field of the catalogue, then meta and hash.
enum EventCSV {
    static let dataFields: [String] = Array(Set(EventCatalogue.specs.flatMap { $0.fields.map(\.name) })).sorted()

    static let header: [String] = ["position", "id", "stream", "version", "type", "actor", "occurred_at", "recorded_at", "schema"]
        + dataFields.map { "data.\($0)" } + ["meta", "hash"]

    static func row(_ event: RecordedEvent) -> [String] {
        var row = [String(event.position), event.id.description, event.stream, String(event.version), event.type, event.actor,
                   event.occurredAt.rfc3339, event.recordedAt.rfc3339, String(event.schema)]
        let data = event.payload
        for field in dataFields {
            row.append(CSVText.cell(data[field]))
        }
        row.append(event.meta ?? "")
        row.append(event.hashHex)
        return row
    }
}

/// CSV text through yaslab/CSV.swift's writer.
enum CSVText {
    /// The rows as CSV lines (each ending in a newline), quoted as needed.
    static func encode(_ rows: [[String]]) throws -> [UInt8] {
        guard !rows.isEmpty else { return [] }
        let stream = OutputStream(toMemory: ())
        stream.open()
        let writer = try CSVWriter(stream: stream)
        for row in rows { try writer.write(row: row) }
        writer.stream.close()
        let data = stream.property(forKey: .dataWrittenToMemoryStreamKey) as? Data ?? Data()
        return Array(data) + [0x0A]
    }

    /// A cell for a JSON value: text as is, numbers and booleans as written, the rest as JSON.
    static func cell(_ value: JSONValue?) -> String {
        switch value {
        case nil, .null?: ""
        case let .string(text)?: text
        case let value?: value.canonicalText
        }
    }

    /// A view's JSON as a table: an array of objects gives one row each; an
    /// object of arrays (sla) gives one row per element, with a `group` column.
    static func table(of value: JSONValue) -> [[String]] {
        var records: [[(key: String, value: JSONValue)]] = []
        switch value {
        case let .array(items):
            for case let .object(members) in items { records.append(members) }
        case let .object(members):
            for member in members {
                guard case let .array(items) = member.value else { continue }
                for case let .object(fields) in items { records.append([("group", .string(member.key))] + fields) }
            }
        default:
            break
        }
        var columns: [String] = []
        for record in records {
            for field in record where !columns.contains(field.key) { columns.append(field.key) }
        }
        guard !columns.isEmpty else { return [] }
        return [columns] + records.map { record in
            columns.map { column in cell(record.first { $0.key == column }?.value) }
        }
    }
}
