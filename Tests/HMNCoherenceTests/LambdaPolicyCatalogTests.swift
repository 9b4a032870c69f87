import HMNPrimitives
import Testing

@testable import HMNCoherence

/// The catalog is the one place λ policies are built by name (node configuration and workbench).
@Suite("λ policy catalog")
struct LambdaPolicyCatalogTests {
    /// λ proposals of `policy` along a seeded walk of Ĉ (each policy carries state).
    static func trace(_ policy: any LambdaPolicy, seed: UInt64) throws -> [Double] {
        var policy = policy
        var generator = SeededGenerator(seed: seed)
        var history: [Double] = [1]
        var lambda = 1.0
        var proposals: [Double] = []
        for _ in 0..<60 {
            let step = Double(generator.next() % 2_001) / 10_000 - 0.1
            history.append(min(1, max(0, history.last! + step)))
            let observation = try LambdaObservation(
                coherenceHistory: Array(history.suffix(8)), roundsOfLastHeights: [UInt32(generator.next() % 3)],
                currentLambda: lambda)
            lambda = try policy.proposeLambda(observation).doubleValue
            proposals.append(lambda)
        }
        return proposals
    }

    @Test("each shipped policy built with defaults behaves as its initializer's defaults")
    func defaultsMatchInitializers() throws {
        let reference: [String: any LambdaPolicy] = [
            "fixed": try FixedLambdaPolicy(lambda: 1.0), "threshold": try ThresholdLambdaPolicy(),
            "pid": try PIDLambdaPolicy(target: 0.95), "aimd": try AIMDLambdaPolicy(),
        ]
        #expect(LambdaPolicyCatalog.shipped.map(\.name) == ["fixed", "threshold", "pid", "aimd"])
        for kind in LambdaPolicyCatalog.shipped {
            let built = try kind.build([:])
            #expect(built.name == kind.name)
            for seed: UInt64 in [1, 2, 3] {
                #expect(try Self.trace(built, seed: seed) == Self.trace(reference[kind.name]!, seed: seed), "\(kind.name)")
            }
        }
    }

    @Test("older spellings are accepted and mean the same; a parameter given twice or unknown is refused")
    func aliases() throws {
        let short = try LambdaPolicyCatalog.kind(named: "pid").build(["kp": 1.5, "ki": 0.1])
        let long = try LambdaPolicyCatalog.kind(named: "pid").build(["proportionalGain": 1.5, "integralGain": 0.1])
        #expect(try Self.trace(short, seed: 9) == Self.trace(long, seed: 9))
        #expect(try Self.trace(short, seed: 9) != Self.trace(try LambdaPolicyCatalog.kind(named: "pid").build([:]), seed: 9))
        #expect(try LambdaPolicyCatalog.kind(named: "aimd").arguments(["decreaseFactor": 0.4])["decrease"] == 0.4)
        #expect(try LambdaPolicyCatalog.kind(named: "threshold").arguments(["floorLambda": 0.2])["floor"] == 0.2)
        #expect(throws: CoherenceError.self) {
            try LambdaPolicyCatalog.kind(named: "pid").arguments(["kp": 1, "proportionalGain": 2])
        }
        #expect(throws: CoherenceError.self) { try LambdaPolicyCatalog.kind(named: "pid").arguments(["kq": 1]) }
        #expect(throws: CoherenceError.self) { try LambdaPolicyCatalog.kind(named: "magic") }
        #expect(throws: CoherenceError.self) { try LambdaPolicyCatalog.kind(named: "aimd").build(["maxCalmRounds": 1.5]) }
    }
}
