import Foundation
import HMNWorkbench
import Testing

@Suite("Scenario files")
struct ScenarioDecodingTests {
    @Test("the seven shipped scenarios load and validate", arguments: TestSupport.shippedScenarios)
    func shipped(name: String) throws {
        let loaded = try TestSupport.catalog.load(named: name)
        #expect(loaded.scenario.name == name)
        #expect(!loaded.scenario.summary.isEmpty)
        try loaded.scenario.validate(registry: .standard)
    }

    @Test("the catalog lists exactly the shipped scenarios")
    func catalogNames() {
        #expect(TestSupport.catalog.names == TestSupport.shippedScenarios.sorted())
    }

    @Test("every field decodes")
    func fullFile() throws {
        let scenario = try TestSupport.decode(
            """
            {"name": "x", "description": "d", "validators": 4, "powers": [1, 2, 3, 4], "duration": "1m30s",
             "seeds": 2, "firstSeed": 9, "network": {"minDelay": "1ms", "maxDelay": 5, "lossPercent": 2},
             "load": {"txPerSecond": 10, "spikes": [{"at": "10s", "for": "5s", "txPerSecond": 100}]},
             "faults": {"crashes": [{"node": 1, "at": "20s", "for": "10s"}],
                        "partitions": [{"isolate": [0], "at": "30s", "for": "5s", "symmetric": false}],
                        "byzantine": [{"node": 3, "behaviour": ["garbage"]}],
                        "memoryDivergence": [{"nodes": [2], "at": "40s", "for": "10s"}],
                        "replicaFaults": [{"nodes": [0, 1], "kind": "drop", "at": "45s", "for": "10s"}]},
             "policies": ["pid:kp=0.5", {"name": "fixed", "parameters": {"lambda": 0.8}}],
             "allowForkStudy": true, "emergencyThreshold": 0.6, "recoveryCoherence": 0.65}
            """)
        #expect(scenario.duration.milliseconds == 90_000)
        #expect(scenario.network.maxDelay.milliseconds == 5_000)
        #expect(scenario.seedList == [9, 10])
        #expect(
            scenario.policies == [
                PolicySpec(name: "pid", parameters: ["kp": 0.5]),
                PolicySpec(name: "fixed", parameters: ["lambda": 0.8]),
            ])
        #expect(scenario.faults.partitions[0].symmetric == false)
        #expect(scenario.faultsEndMilliseconds == 55_000)
        #expect(scenario.faults.replicaFaults == [.init(nodes: [0, 1], kind: .drop, at: .seconds(45), duration: .seconds(10))])
        #expect(throws: WorkbenchError.self) {
            try TestSupport.decode(
                #"{"name": "x", "validators": 4, "duration": "10s", "faults": {"replicaFaults": "#
                    + #"[{"nodes": [0], "kind": "vanish", "at": "1s", "for": "1s"}]}}"#)
        }
        #expect(scenario.recoveryLevel == 0.65)
        try scenario.validate(registry: .standard)
    }

    @Test(
        "malformed files name the field",
        arguments: [
            (#"{"name": "x", "duration": "1m"}"#, "missing field 'validators'"),
            (#"{"name": "x", "validators": "seven", "duration": "1m"}"#, "field validators: expected an integer"),
            (#"{"name": "x", "validator": 7, "validators": 7, "duration": "1m"}"#, "field validator: unknown field"),
            (#"{"name": "x", "validators": 7, "duration": "ten minutes"}"#, "field duration: 'ten minutes'"),
            (
                #"{"name": "x", "validators": 7, "duration": "1m", "#
                    + #""faults": {"crashes": [{"node": 1, "at": true, "for": "1s"}]}}"#,
                "field faults.crashes[0].at"
            ),
            (
                #"{"name": "x", "validators": 7, "duration": "1m", "faults": {"crashes": [{"node": 1, "at": "1s"}]}}"#,
                "missing field 'for' in field faults.crashes[0]"
            ),
            (#"{"name": "x", "validators": 7, "duration": "1m", "policies": ["pid:kp"]}"#, "field policies[0]"),
            (#"{"name": "x", "validators": 7,"#, "not valid JSON"),
        ])
    func malformed(json: String, expected: String) {
        #expect {
            try TestSupport.decode(json)
        } throws: { error in
            guard let error = error as? WorkbenchError else { return false }
            return error.code == .malformedScenario && error.message.contains(expected)
        }
    }

    @Test("durations parse and print back")
    func durations() throws {
        for (text, milliseconds) in [("10m", 600_000), ("1m30s", 90_000), ("250ms", 250), ("2h", 7_200_000)] {
            let parsed = try #require(VirtualDuration(parsing: text))
            #expect(parsed.milliseconds == UInt64(milliseconds))
            #expect(parsed.description == text)
        }
        for bad in ["", "10", "m", "10x", "-1s", "1.5s"] { #expect(VirtualDuration(parsing: bad) == nil) }
    }

    @Test("load arrivals integrate the base rate and the spikes")
    func arrivals() {
        let load = LoadModel(
            transactionsPerSecond: 10,
            spikes: [LoadModel.Spike(at: .seconds(2), duration: .seconds(1), transactionsPerSecond: 100)])
        #expect(load.arrivals(until: 0) == 0)
        #expect(load.arrivals(until: 1_000) == 10)
        #expect(load.arrivals(until: 2_500) == 25 + 45)
        #expect(load.arrivals(until: 4_000) == 40 + 90)
    }
}
