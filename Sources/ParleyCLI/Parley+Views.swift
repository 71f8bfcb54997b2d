import ArgumentParser
import Foundation
import ParleyCore
import ParleyApp

/// The options every view command shares.
struct ViewOptions: ParsableArguments {
    @OptionGroup var database: DatabaseOptions

    @Option(help: ArgumentHelp("Show the view as it stood at this time: what had happened by then (RFC 3339 or a date).", valueName: "time"))
    var asOf: TimeArgument?

    @Option(help: ArgumentHelp("Show what the log knew at this time: events recorded later (backdated ones too) are left out.", valueName: "time"))
    var knownAt: TimeArgument?

    @Flag(help: "Print the view as JSON.") var json = false

    var window: ReplayWindow { ReplayWindow(asOf: asOf?.timestamp, knownAt: knownAt?.timestamp) }

    /// The moment a report is made for: the replay's time, or now.
    var now: Timestamp { window.now }

    /// The facade on the chosen log.
    func open() throws -> App { try database.open() }

    /// A progress line on stderr while views catch up.
    var progress: ProgressReporter { ProgressLine.reporting() }
}

/// Tables as the views print them (numbers: ``Figures/percent(_:)`` and its kin).
extension Figures {
    static func table(_ header: [String], _ rows: [[String]], rightAligned: Set<Int> = []) -> [String] {
        let all = [header] + rows
        // Characters, not bytes, make a cell's width (counted once per cell; in ASCII they are the bytes).
        let counts = all.map { row in row.map { $0.utf8.allSatisfy { $0 < 0x80 } ? $0.utf8.count : $0.count } }
        let widths = header.indices.map { column in counts.map { $0[column] }.max() ?? 0 }
        let right = header.indices.map(rightAligned.contains)
        return all.indices.map { line in
            // Built as bytes: a table of a thousand lines pads ten thousand cells.
            var text: [UInt8] = []
            text.reserveCapacity(all[line].reduce(2 * all[line].count) { $0 + $1.utf8.count } + widths.reduce(0, +))
            for column in all[line].indices {
                let padding = repeatElement(UInt8(ascii: " "), count: max(0, widths[column] - counts[line][column]))
                if column > 0 {
                    text.append(UInt8(ascii: " "))
                    text.append(UInt8(ascii: " "))
                }
                if right[column] { text.append(contentsOf: padding) }
                text.append(contentsOf: all[line][column].utf8)
                if !right[column] { text.append(contentsOf: padding) }
            }
            // The last column's padding (and any row that ends in blanks) is not printed.
            while text.last == UInt8(ascii: " ") { text.removeLast() }
            return String(decoding: text, as: UTF8.self)
        }
    }
}

extension Parley {
    struct Members: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "members",
            abstract: "Who is on which team now, and who moved or left.",
            discussion: """
                Examples:
                  parley members
                  parley members --as-of 2026-01-01 --json
                """
        )
        @OptionGroup var view: ViewOptions

        func run() throws {
            let members = try view.open().members(view.window, progress: view.progress)
            if view.json {
                try Output.standard.json(members)
                return
            }
            let rows = members.map(\.member).map { member in
                [member.handle, member.name, member.team, member.role ?? "", String(member.joinedAt.rfc3339.prefix(10)),
                 member.leftAt.map { "left " + String($0.rfc3339.prefix(10)) }
                    ?? member.moves.map { "\($0.from)→\($0.to) \($0.at.rfc3339.prefix(10))" }.joined(separator: ", ")]
            }
            guard !rows.isEmpty else {
                Output.standard.line("no members yet; `parley member add HANDLE --name … --team …` adds one")
                return
            }
            for line in Figures.table(["HANDLE", "NAME", "TEAM", "ROLE", "JOINED", "CHANGES"], rows) { Output.standard.line(line) }
        }
    }

    struct Roles: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "roles",
            abstract: "The role matrix: each team's responsibility, KPI and accountability.",
            discussion: """
                Examples:
                  parley roles
                """
        )
        @OptionGroup var view: ViewOptions

        func run() throws {
            let roles = try view.open().roles(view.window, progress: view.progress)
            if view.json {
                try Output.standard.json(roles)
                return
            }
            let rows = roles.map(\.role).map { [$0.team, $0.responsibility, $0.kpi ?? "", $0.accountableTo ?? "", "\($0.definedBy) \($0.definedAt.rfc3339.prefix(10))"] }
            guard !rows.isEmpty else {
                Output.standard.line("no roles defined yet; `parley role define --team … --responsibility …` defines one")
                return
            }
            for line in Figures.table(["TEAM", "RESPONSIBILITY", "KPI", "ACCOUNTABLE TO", "DEFINED"], rows) { Output.standard.line(line) }
        }
    }

    struct Quality: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "quality",
            abstract: "Lead quality per source (or campaign, criteria version, rep, month).",
            discussion: """
                For each group: leads sent, accepted, rejected (and why), recycled, the acceptance rate (accepted ÷ judged), feedback ratings, conversions, the conversion rate (converted ÷ sent), revenue, the median hours from sent to verdict (speed-to-lead), sales velocity (revenue a day over the average sales cycle) and the objections heard most.

                Examples:
                  parley quality
                  parley quality --by campaign --since 2026-01-01 --until 2026-04-01
                  parley quality --by criteria --json
                  parley quality --as-of 2026-03-31
                """
        )
        @Option(name: .customLong("by"), help: "source, campaign, criteria, rep or month.") var dimension = "source"

        var by: LeadQualityProjection.Dimension { LeadQualityProjection.Dimension(rawValue: dimension) ?? .source }

        func validate() throws {
            if LeadQualityProjection.Dimension(rawValue: dimension) == nil {
                throw ValidationError("--by takes source, campaign, criteria, rep or month; got '\(dimension)'")
            }
            if let since = since?.timestamp, let until = until?.timestamp, until < since {
                throw ValidationError("--until (\(until.rfc3339)) is before --since (\(since.rfc3339))")
            }
        }
        @Option(help: ArgumentHelp("Only leads sent at or after this time (a date: from the start of that UTC day).", valueName: "time"))
        var since: TimeArgument?
        @Option(help: ArgumentHelp("Only leads sent before this time (a date: before that UTC day).", valueName: "time"))
        var until: TimeArgument?
        @OptionGroup var view: ViewOptions

        func run() throws {
            let lines = try view.open().quality(QualityQuery(by: by, since: since?.timestamp, until: until?.timestamp, window: view.window),
                                                progress: view.progress)
            if view.json {
                try Output.standard.json(lines)
                return
            }
            guard !lines.isEmpty else {
                note("no leads yet\(since != nil || until != nil ? " in that period" : "")")
                return
            }
            let rows = lines.map(\.line).map { (line: LeadQualityProjection.Line) -> [String] in
                [line.key, String(line.group.sent), String(line.group.accepted), String(line.group.rejected),
                 Figures.percent(line.acceptanceRate), Figures.decimal(line.averageRating), String(line.group.converted),
                 Figures.percent(line.conversionRate), Figures.decimal(line.medianHoursToVerdict),
                 Figures.fixed(line.group.revenue, digits: 0),
                 line.group.rejectedByReason.max { ($0.count, $1.key) < ($1.count, $0.key) }.map { "\($0.key) (\($0.count))" } ?? "",
                 line.topObjections(1).first.map { "\($0.0) (\($0.1))" } ?? ""]
            }
            let header = [by.rawValue.uppercased(), "SENT", "ACC", "REJ", "ACC%", "RATING", "CONV", "CONV%", "H→VERDICT", "REVENUE", "TOP REJECTION", "TOP OBJECTION"]
            for line in Figures.table(header, rows, rightAligned: Set(1...9)) { Output.standard.line(line) }
        }
    }

    struct Rebuild: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rebuild",
            abstract: "Rebuild views from the events, from scratch.",
            discussion: """
                Views catch up by themselves when read; rebuild after changing a projection, or to check a view against the log. A progress bar shows on a terminal.

                Examples:
                  parley rebuild
                  parley rebuild quality
                """
        )
        @OptionGroup var database: DatabaseOptions
        @Argument(help: ArgumentHelp("Views to rebuild (default: all): \(App.viewNames.joined(separator: ", ")).", valueName: "view"))
        var views: [String] = []
        @Flag(help: "Print the result as JSON.") var json = false

        func validate() throws {
            for view in views where !App.viewNames.contains(view) {
                throw ValidationError("unknown view '\(view)'; the views are \(App.viewNames.joined(separator: ", "))")
            }
        }

        func run() throws {
            let result = try database.open().rebuild(views, progress: ProgressLine.reporting())
            if json {
                try Output.standard.json(result)
            } else {
                Output.standard.line(String(format: "rebuilt %@ from %d events in %.2f s", result.views.joined(separator: ", "), result.events, result.seconds))
            }
        }
    }
}

