import ArgumentParser
import Foundation
import ParleyCore
import ParleyApp

extension Parley {
    struct Signals: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "signals",
            abstract: "What the log shows before anyone complains: open signals, most severe first, with their evidence.",
            discussion: """
                Detectors watch the log and raise a signal when something drifts, each with the numbers behind it:
                  source-quality     a source's leads rejected more often than its own
                                     baseline (CUSUM)
                  sla                a rep's leads past the follow-up deadline more often
                                     than usual (CUSUM)
                  feedback-silence   a rep's accepted leads left without feedback, against
                                     the team's usual share (CUSUM)
                  unagreed-criteria  a criteria version one team has not signed after a
                                     grace period, while leads are sent under it
                  meeting-cadence    joint meetings stopping, against the team's usual
                                     interval
                  aging-tension      an open tension quiet for longer than is usual for its
                                     category
                  mql-pace           MQLs this month on pace to miss the SLA's target by a
                                     wide margin

                A rate detector's threshold comes from a false-alarm budget (by default one false alarm in five years per subject); docs/signals.md says how each works. Signals are a view, not events: answer one with `parley signal ack ID` or `parley signal dismiss ID --reason false-alarm`; management tunes them with `parley signal configure`.

                Examples:
                  parley signals
                  parley signals --as-of 2026-03-31 --json
                  parley signals --all
                  parley signals --stats
                """
        )
        @Flag(help: "Also list the signals people dismissed.") var all = false
        @Flag(help: "Show how people answered signals, per kind: acknowledged, and dismissed by reason (false alarms).") var stats = false
        @Flag(help: "Show each signal's evidence in full.") var evidence = false
        @OptionGroup var view: ViewOptions

        func run() throws {
            let app = try view.open()
            if stats {
                let counts = try app.signalStats(view.window, progress: view.progress)
                if view.json { return try Output.standard.json(counts) }
                let rows = counts.map { [$0.kind, String($0.acknowledged), String($0.falseAlarms), String($0.dismissed["expected"] ?? 0), String($0.dismissed["other"] ?? 0)] }
                for line in Figures.table(["KIND", "ACKNOWLEDGED", "FALSE ALARMS", "EXPECTED", "OTHER"], rows, rightAligned: [1, 2, 3, 4]) {
                    Output.standard.line(line)
                }
                return
            }
            let signals = try app.signals(view.window, dismissed: all, progress: view.progress)
            if view.json { return try Output.standard.json(signals) }
            guard !signals.isEmpty else {
                Output.standard.line("no signals: nothing in the log is drifting\(all ? "" : " (--all lists dismissed ones too)")")
                return
            }
            for entry in signals.map(\.signal) {
                let state = entry.answer.map { " [\($0.state) by \($0.by)]" } ?? ""
                Output.standard.line("\(entry.severity.uppercased().padding(toLength: 6, withPad: " ", startingAt: 0)) \(entry.id)\(state)")
                Output.standard.line("       \(entry.summary)")
                let e = entry.evidence
                if let statistic = e.statistic, let threshold = e.threshold {
                    Output.standard.line(String(format: "       since %@; CUSUM %.2f over its threshold %.2f", entry.since.rfc3339, statistic, threshold))
                    if evidence, let budget = e.budget { Output.standard.line("       threshold: \(budget)") }
                } else {
                    Output.standard.line("       since \(entry.since.rfc3339); \(e.rule ?? "")")
                    if evidence, let clock = e.clock { Output.standard.line("       clock: \(clock)") }
                }
                if !e.reasons.isEmpty {
                    Output.standard.line("       reasons: " + e.reasons.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
                }
                if !e.positions.isEmpty {
                    let shown = evidence ? e.positions : Array(e.positions.prefix(8))
                    Output.standard.line("       events: " + shown.map(String.init).joined(separator: " ") + (shown.count < e.positions.count ? " … (\(e.positions.count); --evidence lists all)" : ""))
                }
                Output.standard.line("       \(entry.clears)")
            }
        }
    }

    struct SignalCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "signal",
            abstract: "Answer a signal (acknowledge, dismiss) or tune a detector.",
            discussion: """
                Answers are events in the log like every other. A dismissed signal stays closed until its detector resets and crosses again (a new signal, with a new id); dismissals as false alarms are counted in `parley signals --stats`.

                Examples:
                  parley signal ack source-quality-partner-20260412 \\
                      --note "talking to the partner team" --as lee@mgmt
                  parley signal dismiss sla-zoe@sales-20260301 --reason expected \\
                      --note "Zoe was on leave" --as lee@mgmt
                  parley signal configure source-quality --budget 10 --baseline-weeks 16 \\
                      --as lee@mgmt
                  parley signal configure mql-pace --off --as lee@mgmt
                """,
            subcommands: [Acknowledge.self, Dismiss.self, Configure.self]
        )

        struct Acknowledge: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "ack", abstract: "Say you have seen a signal and are acting on it.")
            @Argument(help: ArgumentHelp("The signal's id, as `parley signals` shows it.", valueName: "id")) var signal: String
            @Option(help: "What you are doing about it.") var note: String?
            @OptionGroup var options: RecordingOptions

            func run() throws {
                try options.run(.acknowledgeSignal(SignalAcknowledged(signal: signal, note: note)), answering: true)
            }
        }

        struct Dismiss: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "dismiss", abstract: "Close a signal: a false alarm, expected, or other.")
            @Argument(help: ArgumentHelp("The signal's id.", valueName: "id")) var signal: String
            @Option(help: "false-alarm, expected or other.") var reason: String
            @Option(help: "Why, in words.") var note: String?
            @OptionGroup var options: RecordingOptions

            func validate() throws {
                if !SignalDismissed.reasons.contains(reason) {
                    throw ValidationError("--reason takes \(SignalDismissed.reasons.joined(separator: ", ")); got '\(reason)'")
                }
            }

            func run() throws {
                try options.run(.dismissSignal(SignalDismissed(signal: signal, reason: reason, note: note)), answering: true)
            }
        }

        struct Configure: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "configure",
                abstract: "Set a detector's thresholds (management only); a replay uses those in force then.")
            @Argument(help: ArgumentHelp("The detector: \(SignalKind.allCases.map(\.rawValue).joined(separator: ", ")).", valueName: "kind"))
            var kind: String
            @Option(help: ArgumentHelp("Years between false alarms per subject, on average (rate detectors).", valueName: "years")) var budget: Double?
            @Option(help: ArgumentHelp("Days before an unsigned criteria version is a signal.", valueName: "days")) var grace: Int64?
            @Option(help: ArgumentHelp("Weeks of history a rate detector compares with.", valueName: "weeks")) var baselineWeeks: Int64?
            @Flag(help: "Turn the detector off.") var off = false
            @Flag(help: "Turn the detector back on.") var on = false
            @OptionGroup var options: RecordingOptions

            func validate() throws {
                if SignalKind(rawValue: kind) == nil {
                    throw ValidationError("unknown detector '\(kind)'; the detectors are \(SignalKind.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                if off && on { throw ValidationError("--off and --on contradict each other") }
                if budget == nil && grace == nil && baselineWeeks == nil && !off && !on {
                    throw ValidationError("say what to set: --budget, --grace, --baseline-weeks, --off or --on")
                }
            }

            func run() throws {
                try options.run(.configureSignals(SignalConfigured(kind: kind, budgetYears: budget, graceDays: grace, baselineWeeks: baselineWeeks,
                                                                   state: off ? "off" : on ? "on" : nil)))
            }
        }
    }
}
