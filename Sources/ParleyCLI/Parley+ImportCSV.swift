import ArgumentParser
import CSV
import Foundation
import ParleyCore
import ParleyApp

extension Parley {
    struct CSVFile: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "csv",
            abstract: "Import leads from a CRM's CSV export: HubSpot, Salesforce, or any CSV with --map.",
            discussion: """
                Each row becomes a lead.sent (source, campaign, score, owner, sent time) and, where a status or converted column says so, lead.accepted / lead.rejected / lead.converted / lead.lost at the mapped times. The importing member (--as) records them; each carries meta.import (file and row); the CRM owner is kept as assigned_to (made a handle: "Sam Ortiz" becomes sam.ortiz@crm). Team rules do not apply to imported history; state rules do (one verdict per lead).

                Ids come from the file's name and rows, so importing the same file again adds nothing. Quoted fields, embedded newlines, a BOM, CRLF, ';' delimiters and empty cells are read; an empty source becomes "unknown"; values that cannot be used (unknown statuses, bad dates or scores) are reported once each with a count.

                Mapping keys (--map KEY=COLUMN, column names matched case-insensitively):
                  lead          the lead's id (required), e.g. lead="Record ID"
                  sent_at       when marketing handed it over (required), e.g. sent_at=created
                  source        where it came from, e.g. source=origin
                  campaign, score, owner
                  status        accepted, rejected, converted or lost, in HubSpot's,
                                Salesforce's or plain words
                  verdict_at    when sales decided (default: sent_at)
                  reason        why it was rejected
                  converted     true/false, yes/no, 1/0
                  converted_at  when it converted (default: the verdict time)
                  amount        the deal's amount

                Presets: hubspot (Record ID, Original Source, Lead Status / Lifecycle Stage, Became a Marketing Qualified Lead Date, Contact owner, …) and salesforce (Id, LeadSource, Status, IsConverted, ConvertedDate, CreatedDate, OwnerId). --map overrides a preset's column.

                Attributes: --attribute COLUMN[=NAME] (repeatable) carries a column into each lead's attributes, so criteria rules can be checked on the imported leads (`criteria check`, `criteria what-if`, `quality --by criteria`). A cell that reads as a number is kept as one; an empty cell is left out.

                Deals kept in a separate file are joined by lead id:
                  --outcomes deals.csv --outcome-map lead=COL --outcome-map converted_at=COL
                      [--outcome-map amount=COL]

                Examples:
                  parley import csv contacts.csv --preset hubspot --as mia@marketing
                  parley import csv leads.csv --preset salesforce --as mia@marketing \\
                      --outcomes opportunities.csv --outcome-map lead=LeadId \\
                      --outcome-map converted_at=CloseDate --outcome-map amount=Amount
                  parley import csv export.csv --map lead=mql_id --map source=origin \\
                      --map sent_at=first_contact_date --map status=stage --delimiter ';' \\
                      --as mia@marketing --dry-run
                  parley import csv contacts.csv --preset hubspot \\
                      --attribute "Number of Employees=employees" \\
                      --attribute "Job Title=title" --attribute Country --as mia@marketing
                  parley criteria what-if --rules "employees >= 50 AND title >= manager"
                """
        )

        @OptionGroup var database: DatabaseOptions
        @Argument(help: ArgumentHelp("The leads CSV file.", valueName: "file")) var input: String
        @Option(help: "hubspot or salesforce: the export's usual columns.") var preset: String?
        @Option(name: .customLong("map"), help: ArgumentHelp("KEY=COLUMN: which column holds what (repeatable).", valueName: "key=column"))
        var maps: [String] = []
        @Option(name: .customLong("attribute"), help: ArgumentHelp(
            "COLUMN[=NAME]: carry the column into each lead's attributes, for criteria rules and what-if (repeatable; NAME defaults to the column in lower case, e.g. number_of_employees).",
            valueName: "column[=name]"))
        var attributes: [String] = []
        @Option(help: ArgumentHelp("The field delimiter.", valueName: "char")) var delimiter: String = ","
        @Option(help: ArgumentHelp("A second CSV of deals, joined by lead id.", valueName: "file")) var outcomes: String?
        @Option(name: .customLong("outcome-map"), help: ArgumentHelp("KEY=COLUMN of the outcomes file: lead, converted_at, amount.", valueName: "key=column"))
        var outcomeMaps: [String] = []
        @Option(help: ArgumentHelp("The outcomes file's delimiter (default: --delimiter).", valueName: "char")) var outcomeDelimiter: String?
        @Option(name: .customLong("as"), help: ArgumentHelp("The importing member (default: $PARLEY_ACTOR).", valueName: "handle")) var actor: String?
        @Option(help: ArgumentHelp("Write rows that cannot be imported here, and import the rest.", valueName: "file")) var skipInvalid: String?
        @Flag(help: "Check everything and report, writing nothing.") var dryRun = false
        @Flag(name: .shortAndLong, help: "Print nothing but errors.") var quiet = false
        @Flag(help: "Print the result as JSON.") var json = false

        func validate() throws {
            if let preset, CRMImport.presets[preset] == nil { throw ValidationError("--preset takes hubspot or salesforce; got '\(preset)'") }
            if preset == nil && maps.isEmpty { throw ValidationError("say which columns hold what: --preset hubspot|salesforce, or --map lead=COLUMN --map sent_at=COLUMN …") }
            guard delimiter.unicodeScalars.count == 1 else { throw ValidationError("--delimiter takes one character, e.g. ';'") }
            if let outcomeDelimiter, outcomeDelimiter.unicodeScalars.count != 1 { throw ValidationError("--outcome-delimiter takes one character") }
            for map in maps {
                let parts = map.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2, CRMImport.Key(rawValue: parts[0]) != nil else {
                    throw ValidationError("--map takes KEY=COLUMN with KEY one of \(CRMImport.Key.allCases.map(\.rawValue).joined(separator: ", ")); got '\(map)'")
                }
            }
            for attribute in attributes {
                let parts = attribute.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
                let name = parts.count == 2 ? parts[1] : CRMImport.attributeName(forColumn: parts[0])
                guard !parts[0].isEmpty, !name.isEmpty, name.utf8.count <= 100 else {
                    throw ValidationError("--attribute takes COLUMN or COLUMN=NAME, e.g. --attribute \"Number of Employees=employees\"; got '\(attribute)'")
                }
            }
            guard attributes.count <= 50 else { throw ValidationError("--attribute: a lead holds at most 50 attributes; got \(attributes.count)") }
            if outcomes != nil {
                let keys = Set(outcomeMaps.compactMap { $0.split(separator: "=", maxSplits: 1).first.map(String.init) })
                guard keys.contains("lead"), keys.contains("converted_at"), keys.isSubset(of: ["lead", "converted_at", "amount"]) else {
                    throw ValidationError("--outcomes needs --outcome-map lead=COLUMN and --outcome-map converted_at=COLUMN (and may take amount=COLUMN)")
                }
            }
        }

        var mapping: CRMImport {
            var mapping = preset.flatMap { CRMImport.presets[$0] } ?? CRMImport(columns: [:])
            for map in maps {
                let parts = map.split(separator: "=", maxSplits: 1).map(String.init)
                mapping.columns[CRMImport.Key(rawValue: parts[0])!] = [parts[1]]
            }
            mapping.attributes = attributes.map { text in
                let parts = text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
                return (column: parts[0], name: parts.count == 2 ? parts[1] : CRMImport.attributeName(forColumn: parts[0]))
            }
            return mapping
        }

        func run() throws {
            guard let actor = actor ?? ProcessInfo.processInfo.environment["PARLEY_ACTOR"].flatMap({ $0.isEmpty ? nil : $0 }) else {
                throw ValidationError("say who is importing: --as HANDLE (e.g. --as mia@marketing), or set PARLEY_ACTOR")
            }
            let log = try database.open()
            let reader = try Self.open(input, delimiter: delimiter)
            let header: CRMImport.Header
            do {
                header = try mapping.match(header: reader.headerRow ?? [])
            } catch {
                // The option a mapping error is about, named as this command takes it.
                let option = error.mapping == "attribute" ? "--attribute: " : ""
                throw CLIFailure(.invalidInput, code: "invalid-csv", "\(input): \(option)\(error.reason)")
            }
            let deals = try outcomes.map { try Self.readDeals($0, maps: outcomeMaps, delimiter: outcomeDelimiter ?? delimiter) } ?? [:]
            let file = (input as NSString).lastPathComponent
            var rejects: RejectsFile?
            if let skipInvalid { rejects = try RejectsFile(path: skipInvalid) }
            var notes = CRMNotes()
            var pending: [ProposedEvent] = []
            var rowNumber = 1
            var rows = 0
            let progress = ProgressLine(dryRun ? "checking rows…" : "importing rows…")
            let mapping = self.mapping
            var options = App.RecordOptions(keepRecordedAt: false, dryRun: dryRun)
            if let rejects {
                options.rejected = { event, error in
                    rejects.add(line: event.line, reason: "row \(event.line ?? 0): \(error.explanation)", text: nil, event: event)
                }
            }
            let next: () throws -> ProposedEvent? = {
                while pending.isEmpty {
                    guard let cells = reader.next() else {
                        // On Linux, InputStream reports bytes available at the end of a file, and
                        // CSV.swift then records cannotReadFile for the read that finds none: that is the end.
                        if let error = reader.error, !Self.isEndOfFile(error) {
                            throw CLIFailure(.invalidInput, code: "invalid-csv", "\(input): cannot read past row \(rowNumber): \(error)")
                        }
                        return nil
                    }
                    rowNumber += 1
                    if cells.allSatisfy({ $0.isEmpty }) { continue }
                    rows += 1
                    progress.update(rows)
                    do {
                        pending = try mapping.events(row: cells, number: rowNumber, header: header, actor: actor, file: file,
                                                     deals: deals, notes: &notes) { App.derivedID(from: $0) }
                        pending.reverse()
                    } catch let error as CRMRowError {
                        guard let rejects else { throw CLIFailure(.invalidInput, code: "invalid-csv", "\(input): \(error.description); nothing written") }
                        rejects.add(line: rowNumber, reason: error.description, text: Array(cells.joined(separator: delimiter).utf8), event: nil)
                    }
                }
                return pending.removeLast()
            }
            let summary: AppendSummary
            do {
                summary = try log.record(from: next, policy: .history, options: options)
            } catch var error as ParleyError where error.line != nil {
                progress.finish()
                error.message = "row \(error.line!): \(error.message)"
                error.line = nil
                throw CLIFailure(error)
            } catch {
                progress.finish()
                throw error
            }
            progress.finish()
            try rejects?.close()
            let unmapped = header.unmapped.filter { !$0.isEmpty }
            if json {
                Output.standard.line(JSONValue.object([
                    "rows": .integer(Int64(rows)), "events": .integer(Int64(summary.appended)),
                    "already_recorded": .integer(Int64(summary.alreadyRecorded)), "rejected": .integer(Int64(rejects?.count ?? 0)),
                    "dry_run": .bool(dryRun), "notes": .array(notes.lines.map(JSONValue.string)),
                    "unmapped_columns": .array(unmapped.map(JSONValue.string)),
                ]).canonicalText)
                return
            }
            if !quiet {
                for line in notes.lines { note("note: \(line)") }
                if !unmapped.isEmpty {
                    note("note: columns not imported: \(unmapped.prefix(12).joined(separator: ", "))\(unmapped.count > 12 ? ", … (\(unmapped.count) in all)" : "")")
                }
                var text = "\(dryRun ? "checked" : "imported") \(rows) rows as \(summary.appended) events"
                if summary.alreadyRecorded > 0 { text += "; \(summary.alreadyRecorded) already in the log" }
                if let skipInvalid, let count = rejects?.count, count > 0 { text += "; \(count) rejected, see \(skipInvalid)" }
                Output.standard.line(text + (dryRun ? "; nothing written" : ""))
            }
        }

        static func isEndOfFile(_ error: any Error) -> Bool {
            if case CSVError.cannotReadFile = error { return true }
            return false
        }

        static func open(_ path: String, delimiter: String) throws -> CSVReader {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
                  let stream = InputStream(fileAtPath: path)
            else {
                throw CLIFailure(.invalidInput, code: "unreadable-input", "cannot read \(path): no such file")
            }
            do {
                return try CSVReader(stream: stream, hasHeaderRow: true, delimiter: delimiter.unicodeScalars.first!)
            } catch {
                throw CLIFailure(.invalidInput, code: "invalid-csv", "\(path) has no header row to read")
            }
        }

        /// The deals of an outcomes file, by lead id.
        static func readDeals(_ path: String, maps: [String], delimiter: String) throws -> [String: CRMImport.Deal] {
            let reader = try open(path, delimiter: delimiter)
            let header = (reader.headerRow ?? []).map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            var columns: [String: Int] = [:]
            for map in maps {
                let parts = map.split(separator: "=", maxSplits: 1).map(String.init)
                guard let index = header.firstIndex(of: parts[1].lowercased()) else {
                    throw CLIFailure(.invalidInput, code: "invalid-csv", "\(path) has no column \"\(parts[1])\" for \(parts[0])")
                }
                columns[parts[0]] = index
            }
            var deals: [String: CRMImport.Deal] = [:]
            while let cells = reader.next() {
                func cell(_ key: String) -> String? {
                    guard let index = columns[key], index < cells.count else { return nil }
                    let value = cells[index].trimmingCharacters(in: .whitespaces)
                    return value.isEmpty ? nil : value
                }
                guard let lead = cell("lead") else { continue }
                deals[lead] = CRMImport.Deal(convertedAt: cell("converted_at").flatMap(CRMDate.parse),
                                             amount: cell("amount").flatMap(CRMImport.amount))
            }
            return deals
        }
    }
}
