import HMNPrimitives
import Testing

@testable import HMNCoherence

/// Each shipped policy under one scripted Ĉ trace — steady (20 heights at 0.98), sudden drop
/// (10 heights at 0.5), recovery (30 heights at 0.98) — with the chain's aggregation (every
/// validator runs the same policy, so the median is the proposal; the ±0.25 step limit applies).
@Suite("λ policy behaviour under a scripted Ĉ trace")
struct PolicyBehaviourTests {
    struct Run {
        var lambdas: [FixedPoint] = []  // λ after each height
        var start = FixedPoint.one
        var steadyEnd: FixedPoint { lambdas[19] }
        var firstDrop: FixedPoint { lambdas[20] }
        var dropEnd: FixedPoint { lambdas[29] }
        var recoveryEnd: FixedPoint { lambdas[59] }
    }

    static let trace: [Double] =
        Array(repeating: 0.98, count: 20) + Array(repeating: 0.5, count: 10)
        + Array(repeating: 0.98, count: 30)

    static func run(_ policy: some LambdaPolicy) throws -> Run {
        var policy = policy
        let parameters = CoherenceParameters.standard
        var run = Run()
        var lambda = parameters.initialLambda
        for index in Self.trace.indices {
            let history = Array(Self.trace[max(0, index - 9)...index])
            let observation = try LambdaObservation(
                coherenceHistory: history, currentLambda: lambda.doubleValue, parameters: parameters)
            let proposal = try policy.proposeLambda(observation)
            let next = LambdaAggregation.blockLambda(
                proposals: [(proposal, 1)], previous: lambda, parameters: parameters)
            #expect(abs(next.raw - lambda.raw) <= parameters.lambdaMaxStep.raw)
            lambda = next
            run.lambdas.append(lambda)
        }
        return run
    }

    @Test("fixed: λ never moves")
    func fixed() throws {
        let run = try Self.run(try FixedLambdaPolicy(lambda: 1.0))
        #expect(run.lambdas.allSatisfy { $0 == .one })
    }

    @Test("threshold, PID and AIMD: λ rises or holds while calm, falls on the drop, climbs on recovery")
    func adaptive() throws {
        let runs: [(String, Run)] = [
            ("threshold", try Self.run(try ThresholdLambdaPolicy())),
            ("pid", try Self.run(try PIDLambdaPolicy())),
            ("aimd", try Self.run(try AIMDLambdaPolicy())),
        ]
        for (name, run) in runs {
            #expect(run.steadyEnd > run.start, "\(name): calm should raise λ (\(run.steadyEnd))")
            #expect(run.firstDrop < run.steadyEnd, "\(name): the drop should lower λ at once")
            #expect(run.dropEnd < run.steadyEnd, "\(name): λ should stay low during the drop")
            #expect(run.dropEnd <= FixedPoint(raw: 500_000), "\(name): turbulent λ \(run.dropEnd) should be ≤ 0.5")
            #expect(run.recoveryEnd > run.dropEnd, "\(name): recovery should raise λ")
            #expect(run.recoveryEnd >= FixedPoint(raw: 1_000_000), "\(name): recovered λ \(run.recoveryEnd) ≥ 1")
        }
    }
}
