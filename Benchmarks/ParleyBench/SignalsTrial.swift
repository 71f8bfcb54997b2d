import ArgumentParser
import Foundation
import ParleyCore
import PlantedHistories

/// `parley-bench signals`: the detectors judged on planted histories, at
/// as many seeds as asked, with the figures docs/signals.md reports.
struct SignalsTrial: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "signals",
        abstract: "Judge the signal detectors on seeded calm and troubled histories, day by day.")

    @Option(help: "How many seeds (1 … N) of each history.") var seeds = 10

    func run() throws {
        var onsetToSignal: [PlantedHistory.Problem: [Int]] = [:]
        var signalToPerson: [PlantedHistory.Problem: [Int]] = [:]
        var missed: [PlantedHistory.Problem: Int] = [:]
        var tooLate: [PlantedHistory.Problem: Int] = [:]
        var calmAlarms: [SignalKind: Int] = [:]
        var calmTotal = 0
        var worstCalm = 0
        var quarters = 0
        for seed in 1...UInt64(seeds) {
            let calm = try SignalTrial(try PlantedHistory(seed: seed))
            calmTotal += calm.seen.count
            worstCalm = max(worstCalm, calm.seen.count)
            quarters += 2
            for seen in calm.seen { calmAlarms[seen.kind, default: 0] += 1 }
            let history = try PlantedHistory(seed: seed, problems: Set(PlantedHistory.Problem.allCases))
            let trial = try SignalTrial(history)
            for plant in history.plants {
                guard let found = trial.detection(of: plant) else {
                    missed[plant.problem, default: 0] += 1
                    continue
                }
                onsetToSignal[plant.problem, default: []].append(found.firstDay - plant.onset)
                signalToPerson[plant.problem, default: []].append(plant.flaggedByPerson - found.firstDay)
                if plant.flaggedByPerson - found.firstDay < 14 { tooLate[plant.problem, default: 0] += 1 }
            }
        }
        func median(_ values: [Int]) -> String {
            guard !values.isEmpty else { return "–" }
            let sorted = values.sorted()
            return String(sorted[sorted.count / 2])
        }
        print("Signals on planted histories: \(seeds) seeds, 182 days each, asked day by day (\(ProcessInfo.processInfo.activeProcessorCount) cores)")
        print("")
        print("| detector | flagged | median days onset → signal | median days signal → person | under 14 days ahead | false alarms / quarter (calm) |")
        print("|---|---:|---:|---:|---:|---:|")
        for problem in PlantedHistory.Problem.allCases {
            let kind = SignalKind(rawValue: problem.rawValue)!
            let flagged = seeds - (missed[problem] ?? 0)
            print("| \(problem.rawValue) | \(flagged) of \(seeds) | \(median(onsetToSignal[problem] ?? [])) | \(median(signalToPerson[problem] ?? [])) | \(tooLate[problem] ?? 0) | \(String(format: "%.2f", Double(calmAlarms[kind] ?? 0) / Double(quarters))) |")
        }
        print("")
        print(String(format: "calm histories: %d signals in %d half-years (%.2f a quarter); the most in one: %d", calmTotal, seeds, Double(calmTotal) / Double(quarters), worstCalm))
    }
}
