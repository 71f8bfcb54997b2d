import Foundation
import ParleyCore
import ParleyStore

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

    init(invalid error: InvalidEvent) {
        self.init(.invalidInput, code: "invalid-event", "invalid event, nothing written: \(error.description)",
                  line: error.line, field: error.field)
    }

    init(store error: StoreError) {
        let status: ExitStatus = switch error.code {
        case .databaseMissing, .notParleyDatabase, .createdByNewerParley, .needsMigration, .corrupt: .database
        case .versionConflict, .idConflict: .conflict
        case .notFound: .notFound
        case .ruleViolation: .notAllowed
        case .failure: .failure
        }
        let suffix = status == .conflict || status == .notAllowed ? " (nothing written)" : ""
        self.init(status, code: error.code.rawValue, error.description + suffix, line: error.line)
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
