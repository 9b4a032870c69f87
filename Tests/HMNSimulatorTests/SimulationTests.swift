import HMNConsensus
import HMNPrimitives
import Testing

@testable import HMNSimulator

@Suite("Simulation")
struct SimulationTests {
    @Test("a clean 4-validator network finalizes heights with all checkers quiet")
    func cleanNetwork() throws {
        var configuration = SimulationConfiguration(seed: 1, powers: [1, 1, 1, 1])
        configuration.minimumHeight = 10
        let report = try Simulation(configuration: configuration).run()
        print(report)
        #expect(report.passed)
        #expect(report.committedHeight >= 10)
    }
}
