import HMNPrimitives
import Testing

@testable import HMNCoherence

@Suite("λ policies")
struct LambdaPolicyTests {
    static func observe(
        _ history: [Double], lambda: Double = 1.0, rounds: [UInt32] = []
    ) -> LambdaObservation {
        try! LambdaObservation(coherenceHistory: history, roundsOfLastHeights: rounds, currentLambda: lambda)
    }

    @Test("fixed: always its λ, clamped to the range by proposeLambda")
    func fixed() throws {
        var policy = try FixedLambdaPolicy(lambda: 0.8)
        #expect(try policy.proposeLambda(Self.observe([0.2])) == FixedPoint(raw: 800_000))
        #expect(try policy.proposeLambda(Self.observe([1.0])) == FixedPoint(raw: 800_000))
        var high = try FixedLambdaPolicy(lambda: 5)
        #expect(try high.proposeLambda(Self.observe([1.0])) == FixedPoint(raw: 1_500_000))
        #expect(throws: CoherenceError.self) { try FixedLambdaPolicy(lambda: .nan) }
        #expect(throws: CoherenceError.self) { try FixedLambdaPolicy(lambda: 0) }
    }

    static let thresholdCases: [(Double, Int64)] = [
        (0.97, 1_200_000), (0.95, 1_200_000), (0.9, 900_000), (0.75, 600_000), (0.7, 600_000), (0.5, 300_000),
    ]

    @Test("threshold: default bands", arguments: thresholdCases)
    func threshold(coherence: Double, expected: Int64) throws {
        var policy = try ThresholdLambdaPolicy()
        #expect(try policy.proposeLambda(Self.observe([coherence])).raw == expected)
    }

    @Test("threshold: bad bands are rejected")
    func thresholdBad() {
        typealias Band = ThresholdLambdaPolicy.Band
        #expect(throws: CoherenceError.self) {
            try ThresholdLambdaPolicy(bands: [
                Band(minimumCoherence: 0.5, lambda: 1), Band(minimumCoherence: 0.8, lambda: 1),
            ])
        }
        #expect(throws: CoherenceError.self) {
            try ThresholdLambdaPolicy(bands: [Band(minimumCoherence: .nan, lambda: 1)])
        }
        #expect(throws: CoherenceError.self) {
            try ThresholdLambdaPolicy(bands: [Band(minimumCoherence: 0.5, lambda: -1)])
        }
        #expect(throws: CoherenceError.self) { try ThresholdLambdaPolicy(floorLambda: .infinity) }
    }

    @Test("PID: hand-computed first steps (target 0.95, kp 2, ki 0.2, kd 0.5, baseline 1)")
    func pid() throws {
        var policy = try PIDLambdaPolicy()
        // e = −0.1: 1 − 0.2 + 0.2·(−0.1) = 0.78.
        #expect(try policy.proposeLambda(Self.observe([0.85])).raw == 780_000)
        #expect(abs(policy.integral - -0.1) < 1e-12)
        // e = 0, de = +0.1: 1 + 0 + 0.2·(−0.1) + 0.5·0.1 = 1.03.
        #expect(try policy.proposeLambda(Self.observe([0.85, 0.95])).raw == 1_030_000)
    }

    @Test("PID anti-windup: no integration while saturated; |I| ≤ limit")
    func pidAntiWindup() throws {
        var saturated = try PIDLambdaPolicy(proportionalGain: 10)
        for _ in 0..<20 { _ = try saturated.proposeLambda(Self.observe([1.0])) }
        #expect(saturated.integral == 0)  // 1 + 10·0.05 > λmax with e > 0: integration held
        // The drop is answered at once, not after unwinding a huge integral.
        #expect(try saturated.proposeLambda(Self.observe([1.0, 0.6])).raw == 100_000)

        var clamped = try PIDLambdaPolicy()
        for _ in 0..<200 { _ = try clamped.proposeLambda(Self.observe([1.0])) }
        #expect(clamped.integral <= 1.0)
        #expect(throws: CoherenceError.self) { try PIDLambdaPolicy(target: 1.5) }
        #expect(throws: CoherenceError.self) { try PIDLambdaPolicy(proportionalGain: -1) }
        #expect(throws: CoherenceError.self) { try PIDLambdaPolicy(integralGain: .nan) }
    }

    @Test("AIMD: +0.05 while coherent, ×0.5 on a drop, slow rounds or low Ĉ")
    func aimd() throws {
        var policy = try AIMDLambdaPolicy()
        #expect(try policy.proposeLambda(Self.observe([0.97, 0.97])).raw == 1_050_000)
        #expect(try policy.proposeLambda(Self.observe([0.97, 0.5])).raw == 500_000)
        #expect(try policy.proposeLambda(Self.observe([0.99, 0.92])).raw == 500_000)  // fell by 0.07
        #expect(try policy.proposeLambda(Self.observe([0.97, 0.97], rounds: [0, 3])).raw == 500_000)
        #expect(try policy.proposeLambda(Self.observe([0.5, 0.95], lambda: 0.4)).raw == 450_000)  // a rise is fine
        #expect(throws: CoherenceError.self) { try AIMDLambdaPolicy(decreaseFactor: 1) }
        #expect(throws: CoherenceError.self) { try AIMDLambdaPolicy(increase: 0) }
        #expect(throws: CoherenceError.self) { try AIMDLambdaPolicy(coherentFrom: .infinity) }
    }

    struct BrokenPolicy: LambdaPolicy {
        var name: String { "broken" }
        mutating func desiredLambda(_ observation: LambdaObservation) -> Double { .nan }
    }

    @Test("bad observations and non-finite policy output are typed errors")
    func badInput() {
        func code(_ body: () throws -> Void) -> CoherenceError.Code? {
            do { try body() } catch { return (error as? CoherenceError)?.code }
            return nil
        }
        #expect(code { _ = try LambdaObservation(coherenceHistory: [], currentLambda: 1) } == .invalidObservation)
        #expect(code { _ = try LambdaObservation(coherenceHistory: [.nan], currentLambda: 1) } == .invalidObservation)
        #expect(code { _ = try LambdaObservation(coherenceHistory: [1.2], currentLambda: 1) } == .invalidObservation)
        #expect(
            code { _ = try LambdaObservation(coherenceHistory: [1], participation: [.infinity], currentLambda: 1) }
                == .invalidObservation)
        #expect(
            code { _ = try LambdaObservation(coherenceHistory: [1], gossipBacklog: -1, currentLambda: 1) }
                == .invalidObservation)
        #expect(
            code { _ = try LambdaObservation(coherenceHistory: [1], mempoolSize: -3, currentLambda: 1) }
                == .invalidObservation)
        #expect(code { _ = try LambdaObservation(coherenceHistory: [1], currentLambda: .nan) } == .invalidObservation)
        #expect(code { _ = try LambdaObservation(coherenceHistory: [1], currentLambda: 7) } == .invalidObservation)
        var broken = BrokenPolicy()
        #expect(code { _ = try broken.proposeLambda(Self.observe([1])) } == .invalidPolicyOutput)
    }
}
