import Foundation

/// A Bernoulli CUSUM (Page 1954; Reynolds and Stoumbos 1999 for
/// proportions): watches a stream of yes/no observations (a lead
/// rejected, a deadline missed) for a rise of the rate from its in-control
/// value `p0` to `p1`, here the rate at twice the odds.
///
/// Each observation adds its log-likelihood ratio to the statistic, which
/// never goes below zero: `S = max(0, S + (x ? a : b))`. The detector
/// signals when `S ≥ h`; `h` comes from the false-alarm budget, as the
/// in-control average run length (ARL₀, observations between false
/// alarms on average), computed exactly for the statistic on a fine grid
/// (Brook and Evans' Markov chain).
public struct Cusum: Sendable, Equatable {
    public var p0: Double
    public var p1: Double
    /// Added by a yes, and by a no (negative).
    public var yes: Double
    public var no: Double

    /// In-control rates are kept away from 0 and 1, where the weights blow up.
    public static let floor = 0.02, ceiling = 0.9

    public init(baseline: Double) {
        p0 = min(Self.ceiling, max(Self.floor, baseline))
        p1 = 2 * p0 / (1 + p0)
        yes = log(p1 / p0)
        no = log((1 - p1) / (1 - p0))
    }

    /// The statistic after one more observation.
    public func step(_ statistic: Double, _ observed: Bool) -> Double {
        max(0, statistic + (observed ? yes : no))
    }

    /// Steps of the statistic's grid per no (see ``averageRunLength(units:at:)``).
    static let resolution = 6

    /// The grid the statistic moves on: a no goes down `resolution` units,
    /// a yes up its weight in units, which is rarely whole: the run length
    /// is interpolated (on a log scale) between the whole numbers below and above.
    var unit: Double { -no / Double(Self.resolution) }

    /// The average run length at threshold `units`, interpolated between
    /// the grids whose yes steps are the whole numbers around its weight.
    public func averageRunLength(units threshold: Int, at p: Double) -> Double {
        let steps = yes / unit
        let below = max(1, Int(steps.rounded(.down)))
        let fraction = steps - Double(below)
        let low = averageRunLength(units: threshold, up: below, at: p)
        guard fraction > 1e-9 else { return low }
        let high = averageRunLength(units: threshold, up: below + 1, at: p)
        // Run lengths grow about exponentially with the drift: interpolated on a log scale.
        return exp(log(low) + (log(high) - log(low)) * fraction)
    }

    /// The average run length to a signal at threshold `units` (in
    /// ``unit``s) when observations are yes with probability `p`: exactly,
    /// for the statistic on its grid, as a Markov chain (Brook and Evans
    /// 1972): `L = 1 + P·L` over the states below the threshold, solved by
    /// elimination within the matrix's band.
    func averageRunLength(units threshold: Int, up: Int, at p: Double) -> Double {
        let n = max(1, threshold)
        let down = Self.resolution
        // Rows of I − P, each from column `i - down` to `i + up` (a band).
        let width = down + up + 1
        var band = [Double](repeating: 0, count: n * width)
        var rhs = [Double](repeating: 1, count: n)
        func at(_ row: Int, _ column: Int) -> Int { row * width + (column - row + down) }
        for row in 0..<n {
            band[at(row, row)] += 1
            if row + up < n { band[at(row, row + up)] -= p }
            band[at(row, max(0, row - down))] -= 1 - p
        }
        // Forward elimination, below the diagonal only: fill-in stays within the band.
        for pivot in 0..<n {
            let diagonal = band[at(pivot, pivot)]
            for row in (pivot + 1)..<min(n, pivot + down + 1) {
                let factor = band[at(row, pivot)] / diagonal
                guard factor != 0 else { continue }
                for column in pivot..<min(n, pivot + up + 1) where column - row <= up {
                    band[at(row, column)] -= factor * band[at(pivot, column)]
                }
                rhs[row] -= factor * rhs[pivot]
            }
        }
        var run = [Double](repeating: 0, count: n)
        for row in stride(from: n - 1, through: 0, by: -1) {
            var sum = rhs[row]
            for column in (row + 1)..<min(n, row + up + 1) { sum -= band[at(row, column)] * run[column] }
            run[row] = sum / band[at(row, row)]
        }
        return run[0]
    }

    /// The threshold (in the statistic's own scale) whose in-control
    /// average run length is at least `arl0` observations.
    public func threshold(arl0: Double) -> Double {
        var low = 1, high = 2
        while averageRunLength(units: high, at: p0) < arl0 && high < 1 << 16 { low = high; high *= 2 }
        while high - low > 1 {
            let middle = (low + high) / 2
            if averageRunLength(units: middle, at: p0) < arl0 { low = middle } else { high = middle }
        }
        return Double(high) * unit
    }

    /// Thresholds computed in this process, by in-control rate (to 0.01)
    /// and budget (to 10%): a detector asks for the same few again and again.
    private static let known = Guarded<[[Int]: Double]>([:])

    /// ``threshold(arl0:)`` for the rate rounded to 0.01 and the budget to
    /// 10%, computed once per process.
    public static func threshold(rate: Double, arl0: Double) -> (cusum: Cusum, threshold: Double) {
        let key = [Int((min(ceiling, max(floor, rate)) * 100).rounded()), Int((log(max(1, arl0)) * 10).rounded())]
        let cusum = Cusum(baseline: Double(key[0]) / 100)
        if let known = known.withLock({ $0[key] }) { return (cusum, known) }
        let computed = cusum.threshold(arl0: exp(Double(key[1]) / 10))
        known.withLock { $0[key] = computed }
        return (cusum, computed)
    }

    /// The most yeses out of `n` that the in-control rate explains (a one-sided 95% bound).
    public static func expectedAtMost(_ n: Int64, rate: Double) -> Int64 {
        let mean = Double(n) * rate
        return Int64((mean + 1.645 * (mean * (1 - rate)).squareRoot()).rounded(.up))
    }
}
