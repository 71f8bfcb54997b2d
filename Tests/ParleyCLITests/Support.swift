import Foundation
import Testing

/// The built `parley` binary, next to the test bundle in the build folder.
let parleyBinary: URL = {
    var candidates: [URL] = [
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
        Bundle.main.bundleURL,
        Bundle.main.bundleURL.deletingLastPathComponent(),
    ]
    candidates.append(URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appending(path: ".build/debug"))
    for folder in candidates {
        let binary = folder.appending(path: "parley")
        if FileManager.default.isExecutableFile(atPath: binary.path) { return binary }
    }
    fatalError("the parley binary was not found next to the tests; build it with `swift build --build-tests`")
}()

/// What one run of `parley` did.
struct Run {
    var status: Int32
    var stdout: String
    var stderr: String
    /// True when the process was killed by a signal.
    var signalled = false
}

/// A folder with a database path for one test; files are left for inspection.
struct Workspace {
    let folder: URL
    var db: String { folder.appending(path: "parley.db").path }

    init() throws {
        folder = FileManager.default.temporaryDirectory.appending(path: "parley-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    func file(_ name: String, _ contents: String) throws -> String {
        let url = folder.appending(path: name)
        try Data(contents.utf8).write(to: url)
        return url.path
    }

    /// Starts `parley ARGS --db DB` (output to files, so a large output never blocks it).
    func start(_ arguments: [String], stdin: String? = nil, environment: [String: String] = [:]) throws -> (Process, URL, URL) {
        let process = Process()
        process.executableURL = parleyBinary
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["PARLEY_DB"] = db
        for (key, value) in environment { env[key] = value }
        process.environment = env
        process.currentDirectoryURL = folder
        let id = UUID().uuidString
        let out = folder.appending(path: "out-\(id)")
        let err = folder.appending(path: "err-\(id)")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        if let stdin {
            let input = folder.appending(path: "in-\(id)")
            try Data(stdin.utf8).write(to: input)
            process.standardInput = try FileHandle(forReadingFrom: input)
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        try process.run()
        return (process, out, err)
    }

    static func finish(_ started: (Process, URL, URL)) throws -> Run {
        let (process, out, err) = started
        process.waitUntilExit()
        return Run(status: process.terminationStatus,
                   stdout: try String(contentsOf: out, encoding: .utf8),
                   stderr: try String(contentsOf: err, encoding: .utf8),
                   signalled: process.terminationReason == .uncaughtSignal)
    }

    /// Runs `parley ARGS` to completion.
    @discardableResult
    func run(_ arguments: String..., stdin: String? = nil) throws -> Run {
        try Self.finish(try start(arguments, stdin: stdin))
    }

    /// ``run(_:stdin:)`` with the arguments as an array.
    @discardableResult
    func run(_ arguments: [String], stdin: String? = nil) throws -> Run {
        try Self.finish(try start(arguments, stdin: stdin))
    }

    /// Runs and expects exit status 0, recording stderr if not.
    @discardableResult
    func ok(_ arguments: String..., stdin: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) throws -> Run {
        try ok(arguments, stdin: stdin, sourceLocation: sourceLocation)
    }

    /// ``ok(_:stdin:sourceLocation:)`` with the arguments as an array.
    @discardableResult
    func ok(_ arguments: [String], stdin: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) throws -> Run {
        let result = try Self.finish(try start(arguments, stdin: stdin))
        #expect(result.status == 0, "parley \(arguments.joined(separator: " ")): \(result.stderr)", sourceLocation: sourceLocation)
        return result
    }
}

/// One lead event as a JSON line, with the payload its type needs.
func leadLine(_ lead: String, type: String = "lead.sent", actor: String = "mia@marketing", extra: String = "") -> String {
    let more = switch type {
    case "lead.sent": #","source":"webinar""#
    case "lead.rejected": #","reason":"not-a-fit""#
    case "lead.feedback": #","rating":3"#
    default: ""
    }
    return #"{"stream":"lead/\#(lead)","type":"\#(type)","actor":"\#(actor)","occurred_at":"2026-01-05T09:30:00Z","data":{"lead":"\#(lead)"\#(more)}\#(extra)}"#
}
