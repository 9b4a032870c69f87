import Foundation
import HMNWorkbench
import Testing

@Suite("Impossible scenarios are refused with a message naming the problem")
struct ScenarioValidationTests {
    static func expectInvalid(_ scenario: Scenario, _ expected: String, code: WorkbenchError.Code = .invalidScenario) {
        #expect {
            try scenario.validate(registry: .standard)
        } throws: { error in
            guard let error = error as? WorkbenchError else { return false }
            return error.code == code && error.message.contains(expected)
        }
    }

    @Test("N < 1")
    func noValidators() {
        Self.expectInvalid(Scenario(name: "x", validators: 0, duration: .seconds(1)), "validators must be ≥ 1, got 0")
    }

    @Test("byzantine ≥ 1/3 of the power needs allowForkStudy")
    func byzantineThird() throws {
        var scenario = Scenario(name: "x", validators: 6, duration: .seconds(1))
        scenario.faults.byzantine = [.init(node: 0), .init(node: 1)]
        Self.expectInvalid(scenario, "hold 20 of 60 voting power (≥ 1/3)")
        scenario.allowForkStudy = true
        try scenario.validate(registry: .standard)
        scenario.allowForkStudy = false
        scenario.faults.byzantine.removeLast()
        try scenario.validate(registry: .standard)
    }

    @Test("byzantine power counts the powers, not the heads")
    func byzantineByPower() {
        var scenario = Scenario(name: "x", validators: 4, duration: .seconds(1))
        scenario.powers = [10, 1, 1, 1]
        scenario.faults.byzantine = [.init(node: 0)]
        Self.expectInvalid(scenario, "hold 10 of 13")
    }

    @Test("node indices, windows, rates and behaviours are checked")
    func fields() {
        var scenario = TestSupport.small()
        scenario.faults.crashes = [.init(node: 4, at: .seconds(1), duration: .seconds(1))]
        Self.expectInvalid(scenario, "faults.crashes[0].node is node 4; nodes are numbered 0…3")

        scenario = TestSupport.small()
        scenario.faults.memoryDivergence = [.init(nodes: [1], at: .seconds(3), duration: .seconds(2))]
        Self.expectInvalid(scenario, "faults.memoryDivergence[0] ends at 5s, after the run's duration 4s")

        scenario = TestSupport.small()
        scenario.faults.partitions = [.init(isolate: [0, 1, 2, 3], at: .seconds(1), duration: .seconds(1))]
        Self.expectInvalid(scenario, "faults.partitions[0].isolate must name at least one node")

        scenario = TestSupport.small()
        scenario.faults.byzantine = [.init(node: 0, behaviour: ["lying"])]
        Self.expectInvalid(scenario, "behaviour 'lying' is unknown")

        scenario = TestSupport.small()
        scenario.load.spikes = [
            .init(at: .seconds(1), duration: .seconds(2), transactionsPerSecond: 5),
            .init(at: .seconds(2), duration: .seconds(1), transactionsPerSecond: 5),
        ]
        Self.expectInvalid(scenario, "load.spikes overlap")

        scenario = TestSupport.small()
        scenario.powers = [1, 2]
        Self.expectInvalid(scenario, "powers lists 2 values for 4 validators")

        scenario = TestSupport.small()
        scenario.network.lossPercent = 120
        Self.expectInvalid(scenario, "network.lossPercent must be in 0…100")

        scenario = TestSupport.small()
        scenario.seeds = 0
        Self.expectInvalid(scenario, "seeds must be ≥ 1")
    }

    @Test("a policy named in the scenario must exist and take the given parameters")
    func scenarioPolicies() {
        var scenario = TestSupport.small()
        scenario.policies = [PolicySpec(name: "bang-bang")]
        Self.expectInvalid(
            scenario, "unknown policy 'bang-bang'; known policies: fixed, threshold", code: .unknownPolicy)
        scenario.policies = [PolicySpec(name: "pid", parameters: ["kq": 1])]
        Self.expectInvalid(scenario, "policy 'pid' has no parameter 'kq'", code: .unknownParameter)
    }

    @Test("unknown scenario names list the known ones")
    func unknownScenario() {
        #expect {
            try ScenarioCatalog.resolve("stedy", catalog: TestSupport.catalog)
        } throws: { error in
            guard let error = error as? WorkbenchError else { return false }
            return error.code == .unknownScenario && error.message.contains("unknown scenario 'stedy'")
                && error.message.contains("steady")
        }
        #expect {
            try ScenarioCatalog.resolve("/nonexistent/x.json", catalog: TestSupport.catalog)
        } throws: { error in (error as? WorkbenchError)?.code == .unknownScenario }
    }
}
