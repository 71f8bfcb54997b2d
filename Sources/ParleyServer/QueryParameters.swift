import Foundation
import HTTPTypes
import Hummingbird
import Logging
import ParleyCore

/// A request's query parameters, read with the field named on error.
struct QueryParameters {
    let parameters: Parameters

    init(_ request: Request) {
        parameters = request.uri.queryParameters
    }

    func string(_ name: String) -> String? {
        parameters.get(name).flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Every value of a repeatable parameter, commas splitting too (`kind=a,b&kind=c`).
    func list(_ name: String) -> [String] {
        parameters.getAll(name).flatMap { $0.split(separator: ",").map(String.init) }.filter { !$0.isEmpty }
    }

    func time(_ name: String) throws -> Timestamp? {
        guard let text = string(name) else { return nil }
        guard let time = Timestamp(timeOrDate: text) else {
            throw Problem(.unprocessableContent, code: "invalid-input", "\(name) must be an RFC 3339 time or a date YYYY-MM-DD, got \"\(text)\"",
                          field: name)
        }
        return time
    }

    func integer(_ name: String, in range: ClosedRange<Int64>) throws -> Int64? {
        guard let text = string(name) else { return nil }
        guard let value = Int64(text), range.contains(value) else {
            throw Problem(.unprocessableContent, code: "invalid-input",
                          "\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound), got \"\(text)\"", field: name)
        }
        return value
    }

    func flag(_ name: String) throws -> Bool? {
        guard let text = string(name) else { return nil }
        switch text {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: throw Problem(.unprocessableContent, code: "invalid-input", "\(name) must be true or false, got \"\(text)\"", field: name)
        }
    }

    func choice(_ name: String, _ allowed: [String]) throws -> String? {
        guard let text = string(name) else { return nil }
        guard allowed.contains(text) else {
            throw Problem(.unprocessableContent, code: "invalid-input", "\(name) takes \(allowed.joined(separator: ", ")); got \"\(text)\"",
                          field: name)
        }
        return text
    }

    /// `as_of` and `known_at`: the moment a view is read for.
    func window() throws -> ReplayWindow {
        ReplayWindow(asOf: try time("as_of"), knownAt: try time("known_at"))
    }
}
