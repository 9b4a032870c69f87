import Foundation
import HMNPrimitives
import Testing

@testable import HMNCoherence

@Suite("Deterministic e^(−x)")
struct ExponentialTests {
    static let cases: [(Int64, Int64)] = [
        (Int64(0), Int64(1_000_000)),
        (1, 999_999),  // e^-0.000001 = 0.999999000…
        (500_000, 606_531),  // e^-0.5 = 0.6065306597
        (1_000_000, 367_879),  // e^-1 = 0.3678794412
        (2_000_000, 135_335),  // e^-2 = 0.1353352832
        (3_200_000, 40_762),  // e^-3.2 = 0.0407622040
        (10_000_000, 45),  // e^-10 = 0.0000453999
        (14_000_000, 1),  // e^-14 = 0.00000083153
        (20_000_000, 0),
        (Int64.max, 0),
    ]

    @Test("hand-checked values (nearest ppm)", arguments: cases)
    func table(raw: Int64, expected: Int64) {
        #expect(FixedPoint(raw: raw).negativeExponential.raw == expected)
    }

    @Test("within 1 ppm of libm on 2,000 seeded points, monotone, in [0, 1]")
    func property() {
        var rng = SeededGenerator(seed: 0xE7)
        var previous = FixedPoint.one
        for index in 0..<2_000 {
            let x =
                index < 1_000
                ? FixedPoint(raw: Int64.random(in: 0...25_000_000, using: &rng))
                : FixedPoint(raw: Int64(index - 1_000) * 16_000)
            let value = x.negativeExponential
            let reference = exp(-x.doubleValue) * 1_000_000
            #expect(abs(Double(value.raw) - reference) <= 1.0, "x = \(x): \(value.raw) vs \(reference)")
            #expect(value >= .zero && value <= .one)
            if index >= 1_000 {
                #expect(value <= previous, "not monotone at \(x)")
                previous = value
            }
        }
    }
}
