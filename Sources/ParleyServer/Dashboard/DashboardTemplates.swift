import Foundation
import Mustache
import ParleyCore

/// The dashboard's templates, stylesheet and script, embedded at build
/// time from `Dashboard/` (see the EmbedSchema plugin).
enum DashboardFiles {
    /// Every template, parsed once. Mustache escapes `{{ }}`: log text is
    /// only ever rendered that way (`{{{ }}}` is kept for SVG the chart
    /// module made, which escapes its own labels).
    static let library: MustacheLibrary = {
        var library = MustacheLibrary()
        for file in embeddedDashboardFiles where file.name.hasSuffix(".mustache") {
            // A template that does not parse is a build mistake, caught by the tests.
            try? library.register(String(decoding: file.bytes, as: UTF8.self), named: String(file.name.dropLast(".mustache".count)))
        }
        return library
    }()

    /// A static file (`parley.css`, `live.js`), if embedded.
    static func asset(_ name: String) -> [UInt8]? {
        embeddedDashboardFiles.first { $0.name == name }?.bytes
    }

    /// The names of the templates that failed to parse (none, in a good build).
    static var unparsed: [String] {
        embeddedDashboardFiles.filter { $0.name.hasSuffix(".mustache") }
            .map { String($0.name.dropLast(".mustache".count)) }
            .filter { library.getTemplate(named: $0) == nil }
    }
}

/// How the dashboard shows figures.
enum Shown {
    /// A whole number with its thousands grouped: 93,192.
    static func count(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "–" }
        return value.formatted(wholeNumber)
    }

    private static let wholeNumber = FloatingPointFormatStyle<Double>.number.precision(.fractionLength(0)).locale(Locale(identifier: "en_US"))

    static func day(_ time: Timestamp?) -> String {
        time.map { String($0.rfc3339.prefix(10)) } ?? "–"
    }

    static func minute(_ time: Timestamp) -> String {
        time.minute
    }

    /// A JSON value as Mustache reads it: objects as dictionaries (nulls left out), arrays as arrays.
    static func model(_ value: JSONValue) -> Any {
        switch value {
        case .null: return ""
        case let .bool(flag): return flag
        case let .integer(number): return Int(number)
        case let .double(number): return number
        case let .string(text): return text
        case let .array(items): return items.map(model)
        case let .object(members):
            var dictionary: [String: Any] = [:]
            for (key, member) in members where member != .null { dictionary[key] = model(member) }
            return dictionary
        }
    }
}
