import Foundation
import HMNPrimitives
import HMNWorkbench
import Testing

@Suite("Same scenario, seed and policy → byte-identical CSV")
struct DeterminismTests {
    static func csv(seed: UInt64, policy: String) throws -> String {
        var scenario = TestSupport.small("determinism", seconds: 3)
        scenario.network.lossPercent = 5
        scenario.faults.partitions = [
            .init(isolate: [0], at: .seconds(1), duration: VirtualDuration(milliseconds: 800))
        ]
        let spec = try PolicySpec(parsing: policy)
        let result = try ScenarioRunner(scenario: scenario).run(policy: spec, seed: seed)
        return RunCSV.render(
            result, scenario: scenario, resolvedPolicy: spec,
            provenance: RunProvenance(commit: "test", scenarioHash: .zero))
    }

    @Test("replay is exact; another seed or policy differs")
    func replay() throws {
        let first = try Self.csv(seed: 11, policy: "aimd")
        let again = try Self.csv(seed: 11, policy: "aimd")
        #expect(first == again)
        #expect(first.split(separator: "\n").count > 20)
        #expect(try Self.csv(seed: 12, policy: "aimd") != first)
        #expect(try Self.csv(seed: 11, policy: "fixed:lambda=0.5") != first)
    }
}
