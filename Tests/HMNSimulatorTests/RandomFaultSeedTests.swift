import HMNConsensus
import HMNPrimitives
import Testing

@testable import HMNSimulator

@Suite("Random fault seeds")
struct RandomFaultSeedTests {
    @Test("200 random fault seeds with 4–7 validators keep every invariant", arguments: 0..<UInt64(200))
    func randomSeed(_ seed: UInt64) throws {
        let configuration = SimulationConfiguration.random(seed: seed)
        let report = try Simulation(configuration: configuration).run()
        #expect(report.passed, "replay with: hmn-bench consensus --seed \(seed)\n\(report)")
    }
}
