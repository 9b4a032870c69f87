import HMNPrimitives
import Testing

@testable import HMNCoherence

@Suite("λ aggregation")
struct LambdaAggregationTests {
    typealias Proposal = (lambda: FixedPoint, power: UInt64)

    static func fp(_ raw: Int64) -> FixedPoint { FixedPoint(raw: raw) }

    @Test("weighted (lower) median, hand-computed")
    func medianTable() {
        #expect(
            LambdaAggregation.weightedMedian([(Self.fp(500_000), 10), (.one, 20), (Self.fp(1_500_000), 30)]) == .one)
        #expect(LambdaAggregation.weightedMedian([(.one, 10), (Self.fp(500_000), 10)]) == Self.fp(500_000))
        #expect(LambdaAggregation.weightedMedian([(Self.fp(1_200_000), 1)]) == Self.fp(1_200_000))
        #expect(
            LambdaAggregation.weightedMedian([(Self.fp(900_000), 70), (Self.fp(100_000), 20), (.one, 10)])
                == Self.fp(900_000))
        #expect(LambdaAggregation.weightedMedian([(.one, 0), (Self.fp(300_000), 5)]) == Self.fp(300_000))
        #expect(LambdaAggregation.weightedMedian([]) == nil)
        #expect(LambdaAggregation.weightedMedian([(.one, 0)]) == nil)
        #expect(LambdaAggregation.weightedMedian([(.one, UInt64.max), (.one, 1)]) == nil)
    }

    @Test("clamped to the range and to ±maxStep (0.25) around the previous λ")
    func boundedTable() {
        let p = CoherenceParameters.standard
        #expect(LambdaAggregation.bounded(Self.fp(1_500_000), previous: .one, parameters: p) == Self.fp(1_250_000))
        #expect(
            LambdaAggregation.bounded(Self.fp(50_000), previous: Self.fp(200_000), parameters: p) == Self.fp(100_000))
        #expect(LambdaAggregation.bounded(Self.fp(900_000), previous: .one, parameters: p) == Self.fp(900_000))
        #expect(
            LambdaAggregation.bounded(Self.fp(9_000_000), previous: Self.fp(1_400_000), parameters: p)
                == Self.fp(1_500_000))
        #expect(
            LambdaAggregation.blockLambda(proposals: [], previous: Self.fp(700_000), parameters: p)
                == Self.fp(700_000))
    }

    @Test("property: proposals holding < 1/2 of the power cannot move the median (2,000 cases)")
    func minorityIgnored() {
        var rng = SeededGenerator(seed: 0x3ED1A2)
        for _ in 0..<2_000 {
            let count = Int.random(in: 1...25, using: &rng)
            let powers = (0..<count).map { _ in UInt64.random(in: 1...1_000_000, using: &rng) }
            let total = powers.reduce(0, +)
            // Pick a random faulty subset, then shrink it until its power is strictly below half.
            var faulty = Set((0..<count).filter { _ in Bool.random(using: &rng) })
            while 2 * faulty.reduce(UInt64(0), { $0 + powers[$1] }) >= total { faulty.remove(faulty.first!) }
            let honest = rng.fixed(in: 100_000...1_500_000)
            let proposals: [Proposal] = (0..<count).map { index in
                let lambda =
                    faulty.contains(index)
                    ? (Bool.random(using: &rng) ? rng.fixed(in: -5_000_000...50_000_000) : Self.fp(Int64.max / 4))
                    : honest
                return (lambda, powers[index])
            }
            #expect(LambdaAggregation.weightedMedian(proposals.shuffled(using: &rng)) == honest)
        }
    }

    @Test("property: block λ stays in [λmin, λmax] and within maxStep of the previous (2,000 cases)")
    func rangeAndStep() throws {
        var rng = SeededGenerator(seed: 0x1A3B)
        for _ in 0..<2_000 {
            let low = rng.fixed(in: 1...1_000_000)
            let high = low + rng.fixed(in: 0...2_000_000)
            let step = rng.fixed(in: 1...500_000)
            let p = try CoherenceParameters(lambdaMin: low, lambdaMax: high, lambdaMaxStep: step, initialLambda: low)
            let previous = rng.fixed(in: low.raw...high.raw)
            let proposals: [Proposal] = (0..<Int.random(in: 0...12, using: &rng)).map { _ in
                (rng.fixed(in: -3_000_000...10_000_000), UInt64.random(in: 0...1_000, using: &rng))
            }
            let lambda = LambdaAggregation.blockLambda(proposals: proposals, previous: previous, parameters: p)
            #expect(p.lambdaRange.contains(lambda))
            #expect(abs(lambda.raw - previous.raw) <= step.raw)
        }
    }
}
