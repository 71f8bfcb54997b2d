import ArgumentParser
import ParleyApp
import ParleyCore

// A lead's and a tension's story, and the tensions: what the dashboard's
// lead and tension pages show, in a terminal.

extension Parley.Lead {
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "A lead's story: where it stands, and each of its events in words.",
            discussion: """
                Everything the log holds for the lead, in the order it was recorded: the send, reassignments, the verdict, feedback and the outcome. A retracted event is shown, marked, and does not count. With --as-of, the lead as it stood then.

                Examples:
                  parley lead show L-1042
                  parley lead show L-1042 --as-of 2026-03-31
                  parley lead show L-1042 --json
                """
        )
        @Argument(help: ArgumentHelp("The lead's id, e.g. L-1042.", valueName: "lead")) var lead: String
        @OptionGroup var view: ViewOptions

        func run() throws {
            let story = try view.open().story(of: "lead/\(lead)", view.window)
            if view.json {
                try Output.standard.json(story)
                return
            }
            Output.standard.line("\(lead): \(story.leadStatus)")
            Stories.print(story.lines)
        }
    }
}

extension Parley.Tension {
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "A tension's story: its state, and each of its events in words.",
            discussion: """
                Examples:
                  parley tension show T-3
                  parley tension show T-3 --as-of 2026-03-31 --json
                """
        )
        @Argument(help: ArgumentHelp("The tension's id, e.g. T-3.", valueName: "tension")) var tension: String
        @OptionGroup var view: ViewOptions

        func run() throws {
            let found = try view.open().tensionStory(tension, view.window)
            if view.json {
                try Output.standard.json(found)
                return
            }
            let entry = found.tension
            Output.standard.line("\(entry.id) \(entry.title)")
            Output.standard.line("\(entry.state), \(entry.severity), \(entry.category); flagged by \(entry.flaggedBy) on \(entry.flaggedAt.yearMonthDay)"
                + (entry.resolution.map { "; resolved: \($0)" } ?? ""))
            Stories.print(found.story.lines)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "Every tension, newest first: its state, severity and last activity.",
            discussion: """
                `parley issues` lists the open ones among everything else that needs attention; this lists them all, resolved ones too.

                Examples:
                  parley tension list
                  parley tension list --state open
                  parley tension list --as-of 2026-03-31 --json
                """
        )
        @Option(help: ArgumentHelp("Only tensions in this state: open, escalated or resolved.", valueName: "state")) var state: String?
        @OptionGroup var view: ViewOptions

        func validate() throws {
            if let state, !TensionEntry.states.contains(state) {
                throw ValidationError("--state takes \(TensionEntry.states.joined(separator: ", ")); got '\(state)'")
            }
        }

        func run() throws {
            let tensions = try view.open().tensions(view.window).filter { state == nil || $0.state == state }
            if view.json {
                try Output.standard.json(tensions)
                return
            }
            guard !tensions.isEmpty else {
                Output.standard.line(state.map { "no \($0) tensions" } ?? "no tensions")
                return
            }
            for line in Figures.table(["ID", "STATE", "SEVERITY", "CATEGORY", "FLAGGED", "BY", "LAST", "COMMENTS", "TITLE"], tensions.map {
                [$0.id, $0.state, $0.severity, $0.category, $0.flaggedAt.yearMonthDay, $0.flaggedBy, $0.lastActivity.yearMonthDay,
                 String($0.comments), $0.title]
            }, rightAligned: [7]) {
                Output.standard.line(line)
            }
        }
    }
}

/// A story's events as lines: when, the event in words, its position.
enum Stories {
    static func print(_ lines: [StreamStory.Line]) {
        for line in Figures.table(["WHEN", "WHAT", "#"], lines.map { line in
            [line.event.occurredAt.minute,
             line.summary + (line.retracted ? " (retracted: does not count)" : ""), String(line.event.position)]
        }, rightAligned: [2]) {
            Output.standard.line("  " + line)
        }
    }
}
