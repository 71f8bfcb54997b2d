import Foundation
import Testing
@testable import ParleyCore

/// Figures print as `String(format:)` prints them, to the digit.
@Suite struct FiguresTests {
    @Test func fixedWritesWhatStringFormatWrites() {
        // Halves that printf rounds to even, values just below and above them, signs, huge and tiny values, and no number at all.
        var values: [Double] = [0, -0.0, 0.05, 0.15, 0.25, 0.35, 0.045, 2.5, -2.5, 3.5, 99.95, 99.5, 123_456_789.125,
                                1e-300, 5e-324, 1e21, 1e300, -1e300, .greatestFiniteMagnitude, .infinity, -.infinity, .nan]
        var generator = SeededGenerator(seed: 11)
        values += (0..<20_000).map { _ in Double.random(in: -1_000...1_000, using: &generator) }
        values += (0..<20_000).map { _ in Double(Int.random(in: -100_000...100_000, using: &generator)) / 1_000 }
        for digits in 0...3 {
            for value in values {
                #expect(Figures.fixed(value, digits: digits) == String(format: "%.\(digits)f", value), "\(value) to \(digits)")
            }
        }
    }

    @Test func ratesAndValuesWithoutOneShowADash() {
        #expect(Figures.percent(0.625) == "62%")
        #expect(Figures.percent(0.64) == "64%")
        #expect(Figures.percent(nil) == "–")
        #expect(Figures.decimal(3.25) == "3.2")
        #expect(Figures.decimal(3.251, 2) == "3.25")
        #expect(Figures.decimal(nil) == "–")
    }
}
