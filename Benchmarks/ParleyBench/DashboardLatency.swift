import ArgumentParser
import Foundation

/// The dashboard's Today page as a browser gets it from `parley serve`
/// over loopback: a real server on the bench's log, signed in with a real
/// token, each request timed by curl (`time_total`), after one request that
/// catches the views up.
enum DashboardLatency {
    static func measure(parley: String, db: String, member: String, requests: Int = 21) throws -> [Double] {
        let token = try output(parley, ["token", "issue", member, "--expires", "1h", "--as", member, "--db", db])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let (server, base) = try startServer(parley: parley, db: db)
        defer {
            server.terminate()
            server.waitUntilExit()
        }
        let jar = FileManager.default.temporaryDirectory.appending(path: "parley-bench-cookies-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: jar) }
        _ = try output("/usr/bin/curl", ["-s", "-o", "/dev/null", "-c", jar, "-H", "Origin: \(base)", "--data-urlencode", "token=\(token)",
                                         "\(base)/signin"])
        var times: [Double] = []
        for index in 0...requests {
            let answer = try output("/usr/bin/curl", ["-s", "-o", "/dev/null", "-b", jar, "-w", "%{http_code} %{time_total}", "\(base)/"])
            let parts = answer.split(separator: " ")
            guard parts.first == "200", let seconds = parts.last.flatMap({ Double($0) }) else {
                throw ValidationError("GET / answered \(answer)")
            }
            if index > 0 { times.append(seconds) }
        }
        return times.sorted()
    }

}

/// Starts `parley serve` on a free loopback port over `db`; returns the
/// process and the address it printed.
func startServer(parley: String, db: String, arguments: [String] = []) throws -> (Process, String) {
    let server = Process()
    server.executableURL = URL(fileURLWithPath: parley)
    server.arguments = ["serve", "--port", "0", "--db", db] + arguments
    server.environment = ProcessInfo.processInfo.environment.merging(["LOG_LEVEL": "error"]) { $1 }
    let pipe = Pipe()
    server.standardOutput = pipe
    server.standardError = FileHandle.nullDevice
    try server.run()
    // The first line names the address.
    var line = Data()
    while !line.contains(0x0A) {
        let chunk = pipe.fileHandleForReading.availableData
        if chunk.isEmpty {
            server.waitUntilExit()
            throw ValidationError("parley serve stopped before it listened")
        }
        line.append(chunk)
    }
    let text = String(decoding: line, as: UTF8.self)
    guard let range = text.range(of: "http://") else {
        server.terminate()
        throw ValidationError("parley serve said: \(text)")
    }
    return (server, String(text[range.lowerBound...].prefix { !$0.isNewline }))
}

/// What a command printed; an error if it failed.
func output(_ path: String, _ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        throw ValidationError("\(path) \(arguments.first ?? "") failed with status \(process.terminationStatus)")
    }
    return String(decoding: data, as: UTF8.self)
}
