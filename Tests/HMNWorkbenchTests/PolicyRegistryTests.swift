import HMNCoherence
import HMNWorkbench
import Testing

@Suite("Policy registry")
struct PolicyRegistryTests {
    @Test("specs parse and print back")
    func parse() throws {
        let spec = try PolicySpec(parsing: "pid:kp=0.5,ki=0.1")
        #expect(spec == PolicySpec(name: "pid", parameters: ["kp": 0.5, "ki": 0.1]))
        #expect(spec.description == "pid:ki=0.1,kp=0.5")
        #expect(try PolicySpec(parsing: spec.description) == spec)
        #expect(spec.label == "pid-ki0.1-kp0.5")
        #expect(try PolicySpec(parsing: "fixed") == PolicySpec(name: "fixed"))
    }

    @Test(
        "malformed specs are refused",
        arguments: ["", ":kp=1", "pid:kp", "pid:kp=x", "pid:kp=1,kp=2", "pid:=1", "pid:kp=inf"])
    func malformed(text: String) {
        #expect(throws: WorkbenchError.self) { try PolicySpec(parsing: text) }
    }

    @Test("the shipped four and the research example are registered, and each builds with defaults")
    func shipped() throws {
        let registry = PolicyRegistry.standard
        #expect(registry.names == ["fixed", "threshold", "pid", "aimd", "hysteresis"])
        for name in registry.names {
            var policy = try registry.makePolicy(PolicySpec(name: name))
            let observation = try LambdaObservation(coherenceHistory: [0.9], currentLambda: 1)
            #expect(CoherenceParameters.standard.lambdaRange.contains(try policy.proposeLambda(observation)))
        }
    }

    @Test("parameters reach the policy")
    func parametersApplied() throws {
        var fixed = try PolicyRegistry.standard.makePolicy(try PolicySpec(parsing: "fixed:lambda=0.4"))
        let observation = try LambdaObservation(coherenceHistory: [1], currentLambda: 1)
        #expect(try fixed.proposeLambda(observation).doubleValue == 0.4)
        let pid = try PolicyRegistry.standard.makePolicy(try PolicySpec(parsing: "pid:kp=0.5,ki=0.1"))
        let typed = try #require(pid as? PIDLambdaPolicy)
        #expect(typed.proportionalGain == 0.5 && typed.integralGain == 0.1 && typed.derivativeGain == 0.5)
    }

    @Test(
        "bad names and values are refused with the policy's reason",
        arguments: [
            ("bang-bang", WorkbenchError.Code.unknownPolicy, "known policies: fixed, threshold, pid, aimd"),
            ("pid:kq=1", .unknownParameter, "its parameters: target, kp, ki, kd, baseline, integralLimit"),
            ("pid:target=2", .invalidParameter, "PID target must be in [0, 1]"),
            ("fixed:lambda=0", .invalidParameter, "must be finite and > 0"),
            ("aimd:maxCalmRounds=1.5", .invalidParameter, "whole number"),
            ("aimd:decrease=1", .invalidParameter, "decreaseFactor must be in (0, 1)"),
        ])
    func refused(text: String, code: WorkbenchError.Code, expected: String) throws {
        let spec = try PolicySpec(parsing: text)
        #expect {
            try PolicyRegistry.standard.makePolicy(spec)
        } throws: { error in
            guard let error = error as? WorkbenchError else { return false }
            return error.code == code && error.message.contains(expected)
        }
    }

    @Test("a researcher's policy registers with one value, and names stay unique")
    func register() throws {
        struct Half: LambdaPolicy {
            var name: String { "half" }
            mutating func desiredLambda(_ observation: LambdaObservation) -> Double { observation.currentLambda / 2 }
        }
        var registry = PolicyRegistry.standard
        try registry.register(PolicyRegistration(name: "half", summary: "halves λ") { _ in Half() })
        #expect(registry.names.last == "half")
        var policy = try registry.makePolicy(PolicySpec(name: "half"))
        #expect(try policy.proposeLambda(LambdaObservation(coherenceHistory: [1], currentLambda: 1)).doubleValue == 0.5)
        #expect(throws: WorkbenchError.self) {
            try registry.register(PolicyRegistration(name: "pid", summary: "again") { _ in Half() })
        }
    }
}
