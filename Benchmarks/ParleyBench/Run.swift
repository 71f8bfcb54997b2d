import ArgumentParser
import Foundation
import GRDBSQLite
import ParleyCore
import ParleyStore

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the benchmark and print a table of rates and ratios.")

    @Option(help: "How many events.") var count = 1_000_000
    @Option(help: "The parley binary to measure.") var parley: String
    @Option(help: "Working folder (files are left there).") var dir: String
    @OptionGroup var shape: ShapeOptions

    func run() throws {
        let fm = FileManager.default
        try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let input = dir + "/events.jsonl"
        let db = dir + "/parley.db"
        for file in [db, db + "-wal", db + "-shm", dir + "/raw-a.db", dir + "/raw-b.db"] { try? fm.removeItem(atPath: file) }

        progress("generating \(count) events…")
        // Three years of a busy team's history, ending about a year before this bench was
        // written (2026-11), so that nothing lies in the future of the views' "now".
        try writeHistory(count: count, days: 3 * 365, seed: 42, start: Timestamp(rfc3339: "2022-11-07T08:00:00Z")!,
                         shape: try shape.resolved(), to: input)
        let inputBytes = (try fm.attributesOfItem(atPath: input)[.size] as? Int) ?? 0

        _ = try runProcess(parley, ["init", "--db", db])
        progress("parley record…")
        let record = try runProcess(parley, ["record", "--quiet", "--db", db, input])
        progress("parley record --import (fresh database)…")
        let importDB = dir + "/import.db"
        for file in [importDB, importDB + "-wal", importDB + "-shm"] { try? fm.removeItem(atPath: file) }
        _ = try runProcess(parley, ["init", "--db", importDB])
        let imported = try runProcess(parley, ["record", "--import", "--quiet", "--db", importDB, input])
        progress("parley log --json…")
        let log = try runProcess(parley, ["log", "--json", "--db", db])
        progress("parley verify…")
        let verify = try runProcess(parley, ["verify", "--db", db])

        progress("parley export, and import into a fresh database…")
        let exportFile = dir + "/export.jsonl"
        let exported = try runProcess(parley, ["export", "--quiet", "--db", db, "--out", exportFile])
        let importDB2 = dir + "/imported.db"
        for file in [importDB2, importDB2 + "-wal", importDB2 + "-shm"] { try? fm.removeItem(atPath: file) }
        _ = try runProcess(parley, ["init", "--db", importDB2])
        let importedBack = try runProcess(parley, ["import", "--quiet", "--db", importDB2, exportFile])

        progress("parley rebuild (all views)…")
        let rebuild = try runProcess(parley, ["rebuild", "--db", db])
        progress("catch-up after 1,000 new events…")
        let more = dir + "/more.jsonl"
        let lines = (0..<1000).map { n in
            #"{"stream":"lead/X-\#(n)","type":"lead.sent","actor":"mia@marketing","data":{"lead":"X-\#(n)","source":"webinar","assigned_to":"sam@sales"}}"#
        }
        try lines.joined(separator: "\n").write(toFile: more, atomically: true, encoding: .utf8)
        _ = try runProcess(parley, ["record", "--quiet", "--db", db, more])
        let catchUp = try runProcess(parley, ["quality", "--db", db])
        for view in ["members", "roles", "issues", "sla", "meetings", "criteria", "signals", "routing", "content"] {
            _ = try runProcess(parley, (view == "criteria" ? ["criteria", "history"] : [view]) + ["--db", db])
        }
        progress("view latency when caught up…")
        var latencies: [(String, [Double])] = []
        for command in [["quality"], ["quality", "--by", "rep"], ["quality", "--since", "2025-01-01"], ["quality", "--by", "campaign", "--since", "2023-03-15", "--until", "2024-03-20"],
                        ["criteria", "history"], ["meetings"], ["actions"], ["members"], ["roles"], ["issues"], ["sla"], ["issues", "--json"],
                        ["signals"], ["signals", "--json"], ["routing"], ["content"]] {
            var times: [Double] = []
            for _ in 0..<21 { times.append(try runProcess(parley, command + ["--db", db]).seconds) }
            latencies.append((command.joined(separator: " "), times.sorted()))
        }
        progress("the dashboard's Today page over HTTP…")
        let today = try DashboardLatency.measure(parley: parley, db: db, member: "mia@marketing")
        progress("--as-of mid-history…")
        let asOf = try runProcess(parley, ["quality", "--db", db, "--as-of", "2024-05-01"])
        progress("signals --as-of…")
        let signalsAsOf = try runProcess(parley, ["signals", "--db", db, "--as-of", "2024-05-01"])
        let signalsAsOfLate = try runProcess(parley, ["signals", "--db", db, "--as-of", "2025-10-01"])
        progress("criteria what-if over every lead…")
        let whatIf = try runProcess(parley, ["criteria", "what-if", "--rules", "employees >= 200", "--db", db])
        progress("retro over a quarter…")
        let retro = try runProcess(parley, ["retro", "--db", db, "--from", "2024-04-01", "--to", "2024-07-01", "--out", dir + "/retro.html"])
        let timeline = try runProcess(parley, ["timeline", "--db", db, "--from", "2024-04-01", "--to", "2024-07-01", "--json"])

        // Memory as N grows: the same work on the first tenth of the events.
        progress("a tenth of the events, for memory as N grows…")
        let tenthInput = dir + "/tenth.jsonl"
        let tenthDB = dir + "/tenth.db"
        for file in [tenthDB, tenthDB + "-wal", tenthDB + "-shm"] { try? fm.removeItem(atPath: file) }
        try firstLines(of: input, count: count / 10, to: tenthInput)
        _ = try runProcess(parley, ["init", "--db", tenthDB])
        let tenthImport = try runProcess(parley, ["import", "--quiet", "--db", tenthDB, tenthInput])
        let tenthRebuild = try runProcess(parley, ["rebuild", "--db", tenthDB])

        // Raw SQLite last: reading every row into this process makes it large, and a
        // child spawned after that reports the parent's memory as its own peak.
        // The --import database holds exactly the N events (the main one has 1,000 more by now).
        progress("raw SQLite…")
        let (rawA, rawB) = try {
            let rows = try RawSQLite.readAll(importDB)
            guard rows.count == count else { throw ValidationError("expected \(count) rows, found \(rows.count)") }
            let schemaSQL = Schema.files.map(\.sql).joined(separator: "\n")
            return (try RawSQLite.insert(rows, into: dir + "/raw-a.db", schema: schemaSQL),
                    try RawSQLite.insert(rows, into: dir + "/raw-b.db", schema: """
                        CREATE TABLE events (position INTEGER PRIMARY KEY, id BLOB, stream TEXT, version INTEGER, type TEXT,
                          actor TEXT, occurred_at INTEGER, recorded_at INTEGER, schema INTEGER, data TEXT, meta TEXT, hash BLOB);
                        """))
        }()
        let rawRead = try RawSQLite.selectAll(importDB)
        let rawExport = try RawSQLite.exportJSON(importDB, to: dir + "/raw-export.jsonl")
        let rawScan = try RawSQLite.scanForViews(importDB)

        let n = Double(count)
        func rate(_ seconds: Double) -> String { String(format: "%10.0f", n / seconds) }
        func secs(_ seconds: Double) -> String { String(format: "%8.2f", seconds) }
        func row(_ what: String, _ seconds: Double, _ note: String) {
            print(what.padding(toLength: 46, withPad: " ", startingAt: 0) + secs(seconds) + "  " + rate(seconds) + "   " + note)
        }
        print("")
        print("Parley bench: \(count) events (\(inputBytes / 1_048_576) MiB of JSON Lines), \(ProcessInfo.processInfo.activeProcessorCount) cores, \(Timestamp.now())")
        print("what".padding(toLength: 46, withPad: " ", startingAt: 0) + " seconds    events/s   ratio")
        row("append: parley record (one batch, all rules,", record.seconds,
            String(format: "%.2f× (b), %.2f× (a)", rawB / record.seconds, rawA / record.seconds))
        print("        validated, id dedup, hashed, synchronous=FULL)")
        row("append: parley record --import (state rules)", imported.seconds,
            String(format: "%.2f× (b), %.2f× (a)", rawB / imported.seconds, rawA / imported.seconds))
        row("append: raw SQLite, same table + indexes (a)", rawA, "")
        row("append: raw SQLite, bare table (b)", rawB, "")
        row("read: parley log --json > /dev/null", log.seconds, String(format: "%.2f× raw", rawRead / log.seconds))
        row("read: raw SELECT of all rows", rawRead, "")
        row("verify: parley verify (chain + integrity)", verify.seconds, "")
        row("import: parley import of its export (jsonl)", importedBack.seconds,
            String(format: "%.2f× (b), %.2f× (a)", rawB / importedBack.seconds, rawA / importedBack.seconds))
        row("export: parley export --out (jsonl)", exported.seconds, String(format: "%.2f× raw", rawExport / exported.seconds))
        row("export: raw SELECT json_object(…) to a file", rawExport, "")
        row("views: parley rebuild (every view)", rebuild.seconds, String(format: "%.2f× raw scan", rawScan / rebuild.seconds))
        row("views: raw SELECT + json_extract of their fields", rawScan, "")
        print("views: catch-up of 1,000 new events (parley quality)".padding(toLength: 46, withPad: " ", startingAt: 0) + secs(catchUp.seconds))
        print("views: quality --as-of mid-history (replay)".padding(toLength: 46, withPad: " ", startingAt: 0) + secs(asOf.seconds))
        print("views: signals --as-of mid-history (replay)".padding(toLength: 46, withPad: " ", startingAt: 0) + secs(signalsAsOf.seconds))
        print("views: signals --as-of near the end (replay)".padding(toLength: 46, withPad: " ", startingAt: 0) + secs(signalsAsOfLate.seconds))
        print("criteria what-if over every lead".padding(toLength: 46, withPad: " ", startingAt: 0) + secs(whatIf.seconds)
              + String(format: "   peak %.0f MiB", whatIf.peakMiB))
        print("retro: a quarter, to HTML (2024-04 to 2024-06)".padding(toLength: 46, withPad: " ", startingAt: 0) + secs(retro.seconds)
              + String(format: "   peak %.0f MiB", retro.peakMiB))
        print("retro: timeline of the same quarter, --json".padding(toLength: 46, withPad: " ", startingAt: 0) + secs(timeline.seconds))
        for (command, times) in latencies {
            print(String(format: "latency when caught up, parley %@: p50 %.0f ms, p99 %.0f ms (whole process)", command,
                         times[times.count / 2] * 1000, times[min(times.count - 1, Int(Double(times.count) * 0.99))] * 1000))
        }
        print(String(format: "dashboard: GET / (Today) from parley serve, caught up: p50 %.0f ms, p99 %.0f ms (curl over loopback)",
                     today[today.count / 2] * 1000, today[today.count - 1] * 1000))
        print(String(format: "peak memory: record %.0f MiB, record --import %.0f MiB, import %.0f MiB, export %.0f MiB, log %.0f MiB, verify %.0f MiB, rebuild %.0f MiB, as-of %.0f MiB",
                     record.peakMiB, imported.peakMiB, importedBack.peakMiB, exported.peakMiB, log.peakMiB, verify.peakMiB, rebuild.peakMiB, asOf.peakMiB))
        print(String(format: "peak memory at %d events (a tenth): import %.0f MiB, rebuild %.0f MiB (%.2f s)",
                     count / 10, tenthImport.peakMiB, tenthRebuild.peakMiB, tenthRebuild.seconds))
        print("targets: append ≥ 0.5× (b); read ≥ 0.5× raw; import ≥ 0.5× raw insert; export ≥ 0.5× raw; rebuild ≥ 0.5× raw scan; caught-up view < 50 ms; --as-of < 2 s (signals too); retro of a quarter < 3 s; what-if < 2 s; Today < 100 ms")
    }

    private func progress(_ text: String) {
        FileHandle.standardError.write(Data("bench: \(text)\n".utf8))
    }
}

struct Measured {
    var seconds: Double
    var peakMiB: Double
}

/// Copies the first `count` lines of `path` to `output`.
func firstLines(of path: String, count: Int, to output: String) throws {
    guard let input = fopen(path, "r"), let out = fopen(output, "w") else { throw ValidationError("cannot open \(path) or \(output)") }
    defer {
        fclose(input)
        fclose(out)
    }
    var line: UnsafeMutablePointer<CChar>?
    var capacity = 0
    var written = 0
    while written < count, getline(&line, &capacity, input) > 0 {
        fputs(line, out)
        written += 1
    }
    free(line)
}

/// Writes out what earlier steps left in the page cache before a step is
/// timed: the kernel's writeback of one step's gigabytes would otherwise
/// land on whichever step runs next (each step, Parley's or raw SQLite's).
func startClean() {
    sync()
}

/// Runs a process to completion, stdout to /dev/null, and returns its
/// wall time and peak resident memory. posix_spawn and wait4 rather than
/// Foundation's Process, which reaps the child itself and loses its rusage.
func runProcess(_ path: String, _ arguments: [String]) throws -> Measured {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid: pid_t = 0
    startClean()
    let start = ContinuousClock.now
    let spawned = posix_spawn(&pid, path, &actions, nil, argv, environ)
    guard spawned == 0 else { throw ValidationError("cannot start \(path): error \(spawned)") }
    var usage = rusage()
    var status: Int32 = 0
    _ = wait4(pid, &status, 0, &usage)
    let elapsed = ContinuousClock.now - start
    guard status == 0 else {
        throw ValidationError("\(path) \(arguments.joined(separator: " ")) failed with status \(status)")
    }
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    return Measured(seconds: seconds, peakMiB: Double(usage.ru_maxrss) / 1024)
}

/// The baseline: SQLite's C API, one prepared statement, one transaction.
enum RawSQLite {
    struct Row {
        var position: Int64
        var id: [UInt8]
        var stream: String
        var version: Int64
        var type: String
        var actor: String
        var occurredAt: Int64
        var recordedAt: Int64
        var schema: Int64
        var data: String
        var meta: String?
        var hash: [UInt8]
    }

    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    private static func open(_ path: String) throws -> OpaquePointer {
        var db: OpaquePointer?
        guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nil) == SQLITE_OK, let db else {
            throw ValidationError("cannot open \(path)")
        }
        return db
    }

    private static func exec(_ db: OpaquePointer, _ sql: String) throws {
        guard sqlite3_exec(db, sql, nil, nil, nil) == SQLITE_OK else {
            throw ValidationError("SQLite: \(String(cString: sqlite3_errmsg(db)))")
        }
    }

    private static func blob(_ statement: OpaquePointer, _ column: Int32) -> [UInt8] {
        let count = Int(sqlite3_column_bytes(statement, column))
        guard let pointer = sqlite3_column_blob(statement, column) else { return [] }
        return Array(UnsafeRawBufferPointer(start: pointer, count: count))
    }

    private static func text(_ statement: OpaquePointer, _ column: Int32) -> String? {
        guard let pointer = sqlite3_column_text(statement, column) else { return nil }
        return String(cString: pointer)
    }

    /// Reads every row (not timed: this is the input of the inserts).
    static func readAll(_ path: String) throws -> [Row] {
        let db = try open(path)
        defer { sqlite3_close(db) }
        var statement: OpaquePointer?
        sqlite3_prepare_v2(db, "SELECT position, id, stream, version, type, actor, occurred_at, recorded_at, schema, data, meta, hash FROM events ORDER BY position", -1, &statement, nil)
        defer { sqlite3_finalize(statement) }
        var rows: [Row] = []
        while sqlite3_step(statement) == SQLITE_ROW {
            rows.append(Row(
                position: sqlite3_column_int64(statement, 0), id: blob(statement!, 1), stream: text(statement!, 2)!,
                version: sqlite3_column_int64(statement, 3), type: text(statement!, 4)!, actor: text(statement!, 5)!,
                occurredAt: sqlite3_column_int64(statement, 6), recordedAt: sqlite3_column_int64(statement, 7),
                schema: sqlite3_column_int64(statement, 8), data: text(statement!, 9)!, meta: text(statement!, 10),
                hash: blob(statement!, 11)))
        }
        return rows
    }

    /// Inserts `rows` into a new database with `schema`, in WAL with
    /// synchronous=FULL as the store runs; returns the seconds it took.
    static func insert(_ rows: [Row], into path: String, schema: String) throws -> Double {
        let db = try open(path)
        defer { sqlite3_close(db) }
        // The same pragmas as the store's writer.
        try exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA cache_size = -65536;")
        try exec(db, schema)
        startClean()
        let start = ContinuousClock.now
        try exec(db, "BEGIN IMMEDIATE")
        var statement: OpaquePointer?
        sqlite3_prepare_v2(db, "INSERT INTO events (position, id, stream, version, type, actor, occurred_at, recorded_at, schema, data, meta, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", -1, &statement, nil)
        for row in rows {
            sqlite3_bind_int64(statement, 1, row.position)
            sqlite3_bind_blob(statement, 2, row.id, Int32(row.id.count), transient)
            sqlite3_bind_text(statement, 3, row.stream, -1, transient)
            sqlite3_bind_int64(statement, 4, row.version)
            sqlite3_bind_text(statement, 5, row.type, -1, transient)
            sqlite3_bind_text(statement, 6, row.actor, -1, transient)
            sqlite3_bind_int64(statement, 7, row.occurredAt)
            sqlite3_bind_int64(statement, 8, row.recordedAt)
            sqlite3_bind_int64(statement, 9, row.schema)
            sqlite3_bind_text(statement, 10, row.data, -1, transient)
            if let meta = row.meta { sqlite3_bind_text(statement, 11, meta, -1, transient) } else { sqlite3_bind_null(statement, 11) }
            sqlite3_bind_blob(statement, 12, row.hash, Int32(row.hash.count), transient)
            guard sqlite3_step(statement) == SQLITE_DONE else {
                throw ValidationError("insert failed: \(String(cString: sqlite3_errmsg(db)))")
            }
            sqlite3_reset(statement)
        }
        sqlite3_finalize(statement)
        try exec(db, "COMMIT")
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    /// The same JSON text as `parley export`, made by SQLite's json_object
    /// and written to a file; returns the seconds.
    static func exportJSON(_ path: String, to output: String) throws -> Double {
        let db = try open(path)
        defer { sqlite3_close(db) }
        guard let file = fopen(output, "w") else { throw ValidationError("cannot write \(output)") }
        defer { fclose(file) }
        startClean()
        let start = ContinuousClock.now
        var statement: OpaquePointer?
        sqlite3_prepare_v2(db, """
            SELECT json_object('position', position, 'id', lower(hex(id)), 'stream', stream, 'version', version, 'type', type,
                               'actor', actor, 'occurred_at', occurred_at, 'recorded_at', recorded_at, 'schema', schema,
                               'data', json(data), 'meta', json(meta), 'hash', lower(hex(hash)))
            FROM events ORDER BY position
            """, -1, &statement, nil)
        while sqlite3_step(statement) == SQLITE_ROW {
            if let text = sqlite3_column_text(statement, 0) {
                fwrite(text, 1, Int(sqlite3_column_bytes(statement, 0)), file)
                fputc(10, file)
            }
        }
        sqlite3_finalize(statement)
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    /// What the views need of every event, as raw SQL: a scan with
    /// json_extract of the payload fields the folds read; returns the seconds.
    static func scanForViews(_ path: String) throws -> Double {
        try timedScan(path, """
            SELECT position, type, stream, actor, occurred_at, json_extract(data, '$.lead'), json_extract(data, '$.source'),
                   json_extract(data, '$.campaign'), json_extract(data, '$.criteria_version'), json_extract(data, '$.assigned_to'),
                   json_extract(data, '$.reason'), json_extract(data, '$.rating'), json_extract(data, '$.amount'),
                   json_extract(data, '$.to'), json_extract(data, '$.team'), json_extract(data, '$.objections')
            FROM events ORDER BY position
            """)
    }

    /// A raw SELECT of all rows, reading every column; returns the seconds.
    static func selectAll(_ path: String) throws -> Double {
        try timedScan(path, "SELECT position, id, stream, version, type, actor, occurred_at, recorded_at, schema, data, meta, hash FROM events ORDER BY position")
    }

    /// Steps through `sql`, reading every column of every row; returns the seconds.
    private static func timedScan(_ path: String, _ sql: String) throws -> Double {
        let db = try open(path)
        defer { sqlite3_close(db) }
        startClean()
        let start = ContinuousClock.now
        var statement: OpaquePointer?
        sqlite3_prepare_v2(db, sql, -1, &statement, nil)
        let columns = sqlite3_column_count(statement)
        var bytes = 0
        while sqlite3_step(statement) == SQLITE_ROW {
            for column in Int32(0)..<columns {
                _ = sqlite3_column_blob(statement, column)
                bytes += Int(sqlite3_column_bytes(statement, column))
            }
        }
        sqlite3_finalize(statement)
        let elapsed = ContinuousClock.now - start
        precondition(bytes > 0)
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}
