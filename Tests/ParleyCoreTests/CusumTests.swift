import Testing
@testable import ParleyCore

/// The CUSUM's threshold keeps its false-alarm budget: on in-control
/// data, the average run to a false alarm is at least the budget's.
@Suite struct CusumTests {
    /// A small seeded generator (SplitMix64).
    struct Seeded: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// The mean run length to a signal over `runs` simulated in-control runs.
    static func simulatedRunLength(_ cusum: Cusum, h: Double, p: Double, runs: Int, seed: UInt64) -> Double {
        var random = Seeded(state: seed)
        var total = 0.0
        for _ in 0..<runs {
            var s = 0.0
            var n = 0
            repeat {
                n += 1
                s = cusum.step(s, Double(random.next() >> 11) / Double(1 << 53) < p)
            } while s < h && n < 1_000_000
            total += Double(n)
        }
        return total / Double(runs)
    }

    @Test(arguments: [0.06, 0.15, 0.3, 0.5])
    func thresholdKeepsTheBudget(p0: Double) {
        let cusum = Cusum(baseline: p0)
        for arl0 in [500.0, 4000.0] {
            let h = cusum.threshold(arl0: arl0)
            let simulated = Self.simulatedRunLength(cusum, h: h, p: cusum.p0, runs: 400, seed: 7)
            // 400 runs of a geometric-like length: the mean is within about 10% of the truth.
            #expect(simulated >= 0.85 * arl0 && simulated <= 1.4 * arl0, "p0 \(p0): threshold \(h) for ARL₀ \(arl0) gives \(simulated)")
        }
    }
}
