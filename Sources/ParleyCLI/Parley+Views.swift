import ArgumentParser
import Foundation
import ParleyCore
import ParleyStore

/// The options every view command shares.
struct ViewOptions: ParsableArguments {
    @OptionGroup var database: DatabaseOptions

    @Option(help: ArgumentHelp("Show the view as it stood at this time: what had happened by then (RFC 3339 or a date).", valueName: "time"))
    var asOf: TimeArgument?

    @Option(help: ArgumentHelp("Show what the log knew at this time: events recorded later (backdated ones too) are left out.", valueName: "time"))
    var knownAt: TimeArgument?

    @Flag(help: "Print the view as JSON.") var json = false

    var window: ReplayWindow { ReplayWindow(asOf: asOf?.timestamp, knownAt: knownAt?.timestamp) }

    /// The view's rows: the persisted view, caught up, or a replay when a
    /// time is given.
    func rows<P: Projection>(_ projection: P.Type, prefix: String = "") throws -> [String: P.Row] {
        try source(P.self).rows(prefix: prefix)
    }

    /// Where to read the view from: the persisted view, caught up first,
    /// or a replay in memory when a time is given.
    ///
    /// - Parameter leavingOut: prefixes of rows the command will not read (a replay may skip them).
    func source<P: Projection>(_ projection: P.Type, leavingOut: Set<String> = []) throws -> ViewSource<P> {
        let log = try database.open()
        if !window.isEverything {
            return ViewSource(log: log, replayed: try log.replay(P.self, window: window, leavingOut: leavingOut))
        }
        let progress = ProgressLine("catching up \(P.name)…")
        try log.catchUp(P.self) { done, _ in progress.update(done) }
        progress.finish()
        return ViewSource(log: log, replayed: nil)
    }
}

extension ViewSource where P == FollowUpProjection {
    /// The open deadlines of `kind` per rep and source: overdue at `now` (below) or not yet due.
    func deadlines(_ kind: FollowUpProjection.DeadlineKind, at now: Timestamp) throws -> [RowTally<P.Row>] {
        try tally(prefix: kind.prefix, split: kind.split(now), total: FollowUpProjection.DeadlineKind.total)
    }
}

/// One view's rows as a command reads them: from SQLite, or from a replay.
struct ViewSource<P: Projection> {
    let log: EventLog
    let replayed: [String: P.Row]?

    /// The rows whose keys start with `prefix`.
    func rows(prefix: String = "") throws -> [String: P.Row] {
        if let replayed { return replayed.filter { $0.key.hasPrefix(prefix) } }
        return try log.rows(P.self, prefix: prefix)
    }

    /// The rows with keys in `from ..< to` (by UTF-8 bytes, as SQLite compares them).
    func rows(from: String, to: String) throws -> [String: P.Row] {
        if let replayed {
            return replayed.filter { !$0.key.utf8.lexicographicallyPrecedes(from.utf8) && $0.key.utf8.lexicographicallyPrecedes(to.utf8) }
        }
        return try log.rows(P.self, from: from, to: to)
    }

    /// The row at `key`, if any.
    func row(_ key: String) throws -> P.Row? {
        if let replayed { return replayed[key] }
        return try log.row(P.self, key: key)
    }

    /// The rows under `prefix` tallied on either side of `split` (see ``RowTally``).
    func tally(prefix: String, split: String, total: (P.Row) -> Int? = { _ in nil }) throws -> [RowTally<P.Row>] {
        if let replayed { return RowTally.of(replayed, prefix: prefix, split: split) }
        return try log.tally(P.self, prefix: prefix, split: split, total: total)
    }
}

/// Numbers as the views print them.
enum Figures {
    static func percent(_ rate: Double?) -> String { rate.map { String(format: "%.0f%%", $0 * 100) } ?? "–" }
    static func decimal(_ value: Double?, _ digits: Int = 1) -> String { value.map { String(format: "%.\(digits)f", $0) } ?? "–" }
    static func json(_ value: Double?) -> JSONValue { value.map(JSONValue.double) ?? .null }
    static func table(_ header: [String], _ rows: [[String]], rightAligned: Set<Int> = []) -> [String] {
        let all = [header] + rows
        // Characters, not bytes, make a cell's width (counted once per cell; in ASCII they are the bytes).
        let counts = all.map { row in row.map { $0.utf8.allSatisfy { $0 < 0x80 } ? $0.utf8.count : $0.count } }
        let widths = header.indices.map { column in counts.map { $0[column] }.max() ?? 0 }
        return all.indices.map { line in
            var text = ""
            text.reserveCapacity(all[line].reduce(2 * all[line].count) { $0 + $1.utf8.count } + widths.reduce(0, +))
            for column in all[line].indices {
                let padding = widths[column] - counts[line][column]
                if column > 0 { text += "  " }
                let space = padding > 0 ? String(repeating: " ", count: padding) : ""
                if rightAligned.contains(column) { text += space }
                text += all[line][column]
                if !rightAligned.contains(column) { text += space }
            }
            // The last column's padding (and any row that ends in blanks) is not printed.
            while text.utf8.last == UInt8(ascii: " ") { text.removeLast() }
            return text
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
            let members = MembersProjection.directory(try view.rows(MembersProjection.self).values)
            if view.json {
                Output.standard.line(JSONValue.array(members.map { member in
                    .object([
                        "handle": .string(member.handle), "name": .string(member.name), "team": .string(member.team),
                        "role": member.role.map(JSONValue.string) ?? .null, "joined_at": .string(member.joinedAt.rfc3339),
                        "left_at": member.leftAt.map { .string($0.rfc3339) } ?? .null, "active": .bool(member.isActive),
                        "moves": .array(member.moves.map { .object(["at": .string($0.at.rfc3339), "from": .string($0.from), "to": .string($0.to)]) }),
                    ])
                }).canonicalText)
                return
            }
            let rows = members.map { member in
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
            let roles = try view.rows(RolesProjection.self).values.sorted { $0.team < $1.team }
            if view.json {
                Output.standard.line(JSONValue.array(roles.map { role in
                    .object([
                        "team": .string(role.team), "responsibility": .string(role.responsibility),
                        "kpi": role.kpi.map(JSONValue.string) ?? .null, "accountable_to": role.accountableTo.map(JSONValue.string) ?? .null,
                        "defined_by": .string(role.definedBy), "defined_at": .string(role.definedAt.rfc3339),
                    ])
                }).canonicalText)
                return
            }
            let rows = roles.map { [$0.team, $0.responsibility, $0.kpi ?? "", $0.accountableTo ?? "", "\($0.definedBy) \($0.definedAt.rfc3339.prefix(10))"] }
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
                For each group: leads sent, accepted, rejected (and why), recycled, the
                acceptance rate (accepted ÷ judged), feedback ratings, conversions, the
                conversion rate (converted ÷ sent), revenue, the median hours from sent to
                verdict (speed-to-lead), sales velocity (revenue a day over the average sales
                cycle) and the objections heard most.

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
            if let since = since?.timestamp, let until = until?.timestamp, until <= since {
                throw ValidationError("--until (\(until.rfc3339)) must be after --since (\(since.rfc3339))")
            }
        }
        @Option(help: ArgumentHelp("Only leads sent at or after this time (a date: from the start of that UTC day).", valueName: "time"))
        var since: TimeArgument?
        @Option(help: ArgumentHelp("Only leads sent before this time (a date: before that UTC day).", valueName: "time"))
        var until: TimeArgument?
        @OptionGroup var view: ViewOptions

        func run() throws {
            let lines: [LeadQualityProjection.Line]
            let sinceTime = since?.timestamp
            let untilTime = until?.timestamp
            if sinceTime == nil && untilTime == nil {
                // Everything: the dimension's month groups added up.
                let source = try view.source(LeadQualityProjection.self, leavingOut: LeadQualityProjection.rowsLeftOut(reading: by, days: false))
                lines = LeadQualityProjection.report(try source.rows(prefix: by.monthKeys), by: by)
            } else if sinceTime?.isMidnight ?? true, untilTime?.isMidnight ?? true {
                // Whole days: whole months from the month groups, the days of the months cut from the day groups.
                let source = try view.source(LeadQualityProjection.self, leavingOut: LeadQualityProjection.rowsLeftOut(reading: by, days: true))
                let sinceDay = sinceTime?.yearMonthDay
                let untilDay = untilTime?.yearMonthDay
                var rows: [String: LeadQualityProjection.Row] = [:]
                for range in by.keyRanges(since: sinceDay, until: untilDay) {
                    rows.merge(try source.rows(from: range.from, to: range.to)) { $1 }
                }
                lines = LeadQualityProjection.report(rows, by: by, since: sinceDay, until: untilDay)
            } else {
                // A time within a day: summed lead by lead.
                let rows = try view.rows(LeadQualityProjection.self, prefix: "lead/")
                let leads = rows.values.compactMap { row -> LeadQualityProjection.Lead? in
                    if case let .lead(lead) = row { return lead }
                    return nil
                }
                lines = LeadQualityProjection.report(leads: leads, by: by, since: sinceTime, until: untilTime)
            }
            if view.json {
                Output.standard.line(JSONValue.array(lines.map { line in
                    .object([
                        "key": .string(line.key), "sent": .integer(line.group.sent), "accepted": .integer(line.group.accepted),
                        "rejected": .integer(line.group.rejected),
                        "rejected_by_reason": .object(line.group.rejectedByReason.dictionary.mapValues(JSONValue.integer)),
                        "recycled": .integer(line.group.recycled), "converted": .integer(line.group.converted),
                        "acceptance_rate": Figures.json(line.acceptanceRate), "conversion_rate": Figures.json(line.conversionRate),
                        "avg_rating": Figures.json(line.averageRating), "ratings": .integer(line.group.ratings),
                        "revenue": .double(line.group.revenue), "median_hours_to_verdict": Figures.json(line.medianHoursToVerdict),
                        "sales_velocity_per_day": Figures.json(line.salesVelocityPerDay),
                        "top_objections": .array(line.topObjections().map { .object(["objection": .string($0.0), "count": .integer($0.1)]) }),
                    ])
                }).canonicalText)
                return
            }
            guard !lines.isEmpty else {
                note("no leads yet\(since != nil || until != nil ? " in that period" : "")")
                return
            }
            let rows = lines.map { line in
                [line.key, String(line.group.sent), String(line.group.accepted), String(line.group.rejected),
                 Figures.percent(line.acceptanceRate), Figures.decimal(line.averageRating), String(line.group.converted),
                 Figures.percent(line.conversionRate), Figures.decimal(line.medianHoursToVerdict),
                 String(format: "%.0f", line.group.revenue),
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
                Views catch up by themselves when read; rebuild after changing a projection, or
                to check a view against the log. A progress bar shows on a terminal.

                Examples:
                  parley rebuild
                  parley rebuild quality
                """
        )
        @OptionGroup var database: DatabaseOptions
        @Argument(help: ArgumentHelp("Views to rebuild (default: all): criteria, followup, issues, meetings, members, quality, roles.", valueName: "view"))
        var views: [String] = []
        @Flag(help: "Print the result as JSON.") var json = false

        func validate() throws {
            for view in views where ViewCatalogue.projection(named: view) == nil {
                let names = ViewCatalogue.projections.map { $0.name }.sorted()
                throw ValidationError("unknown view '\(view)'; the views are \(names.joined(separator: ", "))")
            }
        }

        func run() throws {
            let log = try database.open()
            let projections = views.isEmpty ? ViewCatalogue.projections : views.compactMap(ViewCatalogue.projection(named:))
            let names = projections.map { $0.name }
            let progress = ProgressLine("rebuilding \(names.joined(separator: ", "))…", total: Int(try log.lastPosition()))
            let start = ContinuousClock.now
            let read = try log.rebuild(projections) { done, _ in progress.update(done) }
            progress.finish()
            let elapsed = ContinuousClock.now - start
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            if json {
                Output.standard.line(JSONValue.object([
                    "views": .array(names.map(JSONValue.string)), "events": .integer(Int64(read)), "seconds": .double(seconds),
                ]).canonicalText)
            } else {
                Output.standard.line(String(format: "rebuilt %@ from %d events in %.2f s", names.joined(separator: ", "), read, seconds))
            }
        }
    }
}

