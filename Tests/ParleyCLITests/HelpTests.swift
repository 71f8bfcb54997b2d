import Foundation
import Testing

/// What `--help` shows a person at a terminal of the usual 80 columns.
@Suite struct HelpTests {
    /// swift-argument-parser wraps every line of a help text to the terminal's
    /// width, and the rest of a wrapped line starts at column 0: an example
    /// copied from it is two broken commands, and a table loses its columns.
    /// So every indented line (examples, tables) must fit in 79 columns; prose
    /// is written as single lines and may wrap.
    @Test func everyExampleAndTableFitsAnEightyColumnTerminal() throws {
        let w = try Workspace()
        var pending: [[String]] = [[]]
        var pages = 0, examples = 0
        var wrapped: [String] = []
        while let command = pending.popLast() {
            let result = try Workspace.finish(try w.start(command + ["--help"], environment: ["COLUMNS": "80"]))
            #expect(result.status == 0, "parley \(command.joined(separator: " ")) --help")
            pages += 1
            let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            let usage = lines.firstIndex { $0.hasPrefix("USAGE:") } ?? lines.endIndex
            examples += lines[..<usage].filter { $0.hasPrefix("  parley ") }.count
            for index in lines.indices.dropFirst() where index < usage
                && lines[index - 1].hasPrefix("  ") && !lines[index].isEmpty && !lines[index].hasPrefix(" ") {
                wrapped.append("parley \(command.joined(separator: " ")) --help: \"\(lines[index - 1])\" goes on at column 0: \"\(lines[index])\"")
            }
            pending += Self.subcommands(lines).map { command + [$0] }
        }
        #expect(pages > 80, "every command's help was read")
        #expect(examples > 100, "the examples were found")
        #expect(wrapped == [])
    }

    /// The subcommands a help page lists: the first word of each entry under
    /// a "… SUBCOMMANDS:" heading, up to the next blank line.
    private static func subcommands(_ lines: [String]) -> [String] {
        var names: [String] = []
        var listing = false
        for line in lines {
            if line.hasSuffix("SUBCOMMANDS:") { listing = true; continue }
            if line.isEmpty { listing = false; continue }
            guard listing, line.hasPrefix("  "), let first = line.dropFirst(2).first, first.isLowercase,
                  let name = line.split(separator: " ").first else { continue }
            if name != "help" { names.append(String(name)) }
        }
        return names
    }
}
