import Foundation
import ParleyApp
import ParleyCore
import PlantedHistories
import Testing

/// The detectors judged on planted histories, day by day, with nothing
/// from later: each planted problem flagged on its subject after it starts
/// and at least 14 days before a person would flag it; a calm team left in
/// peace. docs/signals.md reports the same trials at more seeds
/// (`parley-bench signals`).
@Suite struct SignalTrialTests {
    static let seeds: [UInt64] = [1, 2, 3]

    @Test(arguments: seeds)
    func calmSixMonthsRaiseAtMostTwoSignals(seed: UInt64) throws {
        let trial = try SignalTrial(try PlantedHistory(seed: seed))
        #expect(trial.seen.count <= 2, "calm seed \(seed) raised \(trial.seen.map { "\($0.id) on day \($0.firstDay)" })")
        // At most one a quarter.
        let quarters = Dictionary(grouping: trial.seen) { $0.firstDay / 91 }
        #expect(quarters.values.allSatisfy { $0.count <= 1 }, "calm seed \(seed): \(trial.seen.map(\.id))")
    }

    @Test(arguments: seeds)
    func everyPlantedProblemIsFlaggedOnItsSubjectWellBeforeAPersonWould(seed: UInt64) throws {
        let history = try PlantedHistory(seed: seed, problems: Set(PlantedHistory.Problem.allCases))
        let trial = try SignalTrial(history)
        for plant in history.plants {
            let found = trial.detection(of: plant)
            #expect(found != nil, "seed \(seed): \(plant.problem.rawValue) on \(plant.subject) from day \(plant.onset) never flagged; seen: \(trial.seen.map { "\($0.id)@\($0.firstDay)" })")
            if let found {
                #expect(found.firstDay <= plant.flaggedByPerson - 14,
                        "seed \(seed): \(plant.problem.rawValue) on \(plant.subject) flagged on day \(found.firstDay), a person on day \(plant.flaggedByPerson)")
                #expect(found.since >= history.dayStart(plant.onset), "seed \(seed): \(found.id) says it began before the problem did")
            }
        }
    }
}
