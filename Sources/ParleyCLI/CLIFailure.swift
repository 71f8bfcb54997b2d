import Foundation
import ParleyApp
import ParleyCore

/// A failure as the user sees it: one line on stderr, a code for scripts,
/// and an exit status that tells the kinds apart.
struct CLIFailure: Error {
    /// Exit statuses, as `parley --help` lists them.
    enum ExitStatus: Int32 {
        case failure = 1
        case invalidInput = 2
        case conflict = 3
        case integrity = 4
        case database = 5
        case notFound = 6
        case notAllowed = 7
    }

    var status: ExitStatus
    var code: String
    var message: String
    var line: Int?
    var field: String?

    var exitCode: Int32 { status.rawValue }

    init(_ status: ExitStatus, code: String, _ message: String, line: Int? = nil, field: String? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.line = line
        self.field = field
    }

    /// The facade's error, with its remedy named as a command or flag.
    ///
    /// - Parameter options: how the command's options name payload fields
    ///   (`data.follow_up_hours` → `--follow-up-hours`), for recording commands.
    init(_ error: ParleyError, fieldsAreOptions: Bool = false) {
        let status: ExitStatus = switch error.kind {
        case .invalid: .invalidInput
        case .conflict: .conflict
        case .integrity: .integrity
        case .database: .database
        case .notFound: .notFound
        case .notAllowed, .unauthenticated: .notAllowed
        case .failure: .failure
        }
        var text: String
        if error.code == "invalid-event" {
            if fieldsAreOptions {
                text = "\(Self.option(for: error.field)): \(error.message)"
            } else {
                var parts = ["invalid event, nothing written"]
                if let line = error.line { parts.append("line \(line)") }
                if let field = error.field { parts.append("field \"\(field)\"") }
                parts.append(error.message)
                text = parts.joined(separator: ": ")
            }
        } else {
            text = error.line.map { "line \($0): \(error.message)" } ?? error.message
        }
        if let remedy = error.remedy { text += "; \(remedy)" }
        if let hint = error.hint { text += " (\(Self.command(for: hint, recordingCommand: fieldsAreOptions)))" }
        if status == .conflict || status == .notAllowed { text += " (nothing written)" }
        self.init(status, code: error.code, text, line: error.line, field: error.field)
    }

    /// The option a payload field comes from: `data.follow_up_hours` → `--follow-up-hours`.
    static func option(for field: String?) -> String {
        guard let field else { return "invalid event" }
        if field.hasPrefix("data.") {
            let name = field.dropFirst(5).split(separator: "[").first.map(String.init) ?? ""
            return "invalid --" + name.replacingOccurrences(of: "_", with: "-")
        }
        return "invalid \(field)"
    }

    /// The command line that takes the step a hint names. Who records is
    /// `--as` for a recording command, and the events' `actor` for a file.
    static func command(for hint: ParleyError.Hint, recordingCommand: Bool) -> String {
        switch hint {
        case .createLog: "`parley init`, or pass --db PATH / set PARLEY_DB"
        case .migrateLog: "`parley init` migrates it"
        case .chooseLog: "check --db PATH / PARLEY_DB"
        case .addMember(let handle):
            "`parley member add \(handle) --name \"…\" --team …`" + (recordingCommand ? ", or --as a member" : "")
        case .actAsMember: recordingCommand ? "--as HANDLE" : "the event's \"actor\""
        case .moveMember(let handle): "`parley member move \(handle) --team …`"
        case .sendLead(let lead): "`parley lead send \(lead) --source …`"
        case .flagTension: "`parley tension flag`"
        case .shareResource: "`parley resource share`"
        case .rebuildViews: "`parley rebuild`"
        case .verifyLog: "`parley verify`"
        case .listEvents: "`parley log --json`"
        case .listMeetings: "`parley actions` or `parley meetings`"
        case .listSignals: "`parley signals --all`"
        case .proposeAgreement(let name): "`parley agreements`; `parley agreement propose \(name) --text FILE`"
        }
    }

    /// Writes the failure to stderr: `parley: error: …`, or a JSON object with `--json`.
    func report(json: Bool) {
        let text: String
        if json {
            var members: [String: JSONValue] = [
                "code": .string(code), "message": .string(message), "exit_code": .integer(Int64(exitCode)),
            ]
            if let line { members["line"] = .integer(Int64(line)) }
            if let field { members["field"] = .string(field) }
            text = JSONValue.object(["error": .object(members)]).canonicalText + "\n"
        } else {
            text = "parley: error: \(message)\n"
        }
        FileHandle.standardError.write(Data(text.utf8))
    }
}
