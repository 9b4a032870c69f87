import HMNPrimitives
import Testing

@testable import HMNCoherence

@Suite("CoherenceState transition (hand-computed)")
struct CoherenceStateTests {
    let k = Fixtures.keys
    let p = CoherenceParameters.standard
    var four: [ValidatorPower] { Fixtures.equalPowers(4) }

    func genesis(_ params: CoherenceParameters? = nil, count: Int = 4) throws -> CoherenceState {
        try CoherenceState.genesis(validators: Array(k.prefix(count)), parameters: params ?? p)
    }

    @Test("height 1 measures nothing; height 2 and 3 follow the SPEC formulas")
    func firstBlocks() throws {
        let s0 = try genesis()
        #expect(s0.coherence == .one && s0.lambda == .one && s0.validators.allSatisfy { $0.psi == .one })

        let (s1, o1) = try s0.applying(Fixtures.facts(height: 1, validators: four, signing: []), parameters: p)
        #expect(o1.instantCoherence == nil && o1.coherence == .one && o1.lambda == .one)
        #expect(o1.nextBlockDelayMilliseconds == 1_000 && !o1.nextHeightIsEmergency)

        // k3 does not sign; everyone proposes 0.5. C = 0.75, Ĉ = 0.7 + 0.3·0.75 = 0.925,
        // Ψ_k3 = 0.9, λ = median 0.5 limited to 1 − 0.25 = 0.75 → delay 750 ms, medium gossip, direct.
        let half = FixedPoint(raw: 500_000)
        let (s2, o2) = try s1.applying(
            Fixtures.facts(height: 2, validators: four, signing: Array(k.prefix(3)), lambda: half), parameters: p)
        #expect(o2.instantCoherence?.raw == 750_000)
        #expect(o2.coherence.raw == 925_000)
        #expect(s2.psi(of: k[3])?.raw == 900_000 && s2.psi(of: k[0]) == .one)
        #expect(o2.lambda.raw == 750_000)
        #expect(o2.nextBlockDelayMilliseconds == 750)
        #expect(o2.gossipPace == .medium && o2.routingMode == .direct)
        #expect(o2.scores.first { $0.publicKey == k[3] }?.contribution == .zero)

        // All sign. Shard 1: k0..k2 report A, k3 reports B → A. Shard 2: only k3 reports C → C.
        // c_k3 = 1/2, C = (300 + 50)/400 = 0.875, Ĉ = 0.7·0.925 + 0.3·0.875 = 0.91,
        // Ψ_k3 = 0.9·0.9 + 0.1·0.5 = 0.86, λ = 1.0 (a step of exactly 0.25).
        let (a, b, c) = (Fixtures.digest(0xA), Fixtures.digest(0xB), Fixtures.digest(0xC))
        let commit = Fixtures.commit(
            height: 2,
            [
                (k[0], .one, [ShardDigest(shard: 1, digest: a)]),
                (k[1], .one, [ShardDigest(shard: 1, digest: a)]),
                (k[2], .one, [ShardDigest(shard: 1, digest: a)]),
                (k[3], .one, [ShardDigest(shard: 1, digest: b), ShardDigest(shard: 2, digest: c)]),
            ])
        let (s3, o3) = try s2.applying(
            BlockFacts(height: 3, timeMilliseconds: 3_000, validators: four, lastCommit: commit), parameters: p)
        #expect(o3.instantCoherence?.raw == 875_000)
        #expect(o3.coherence.raw == 910_000)
        #expect(s3.psi(of: k[3])?.raw == 860_000)
        #expect(o3.lambda == .one)
        #expect(o3.stateRoot == s3.root && s3.root != s2.root)
    }

    @Test("emergency: detection, zero delay, exact actions, cooldown of 5 heights")
    func emergencyFlow() throws {
        // Only k0 and k1 sign: C = 0.5, Ĉ: 0.85, 0.745, 0.6715 < 0.7 at height 4.
        var state = try genesis()
        var outcomes: [CoherenceOutcome] = []
        for height in UInt64(1)...12 {
            let step = try state.applying(
                Fixtures.facts(height: height, validators: four, signing: [k[0], k[1]]), parameters: p)
            state = step.state
            outcomes.append(step.outcome)
        }
        #expect(outcomes[3].coherence.raw == 671_500)
        #expect(outcomes[2].nextHeightIsEmergency == false)
        #expect(outcomes[3].nextHeightIsEmergency && outcomes[3].nextBlockDelayMilliseconds == 0)
        // Ψ of signers stays 1 (> 0.9): boost 100 × 0.05 = 5; non-signers at 0.729: nothing.
        let boosts = [
            EmergencyAction(validator: k[0], kind: .boost, amount: 5),
            EmergencyAction(validator: k[1], kind: .boost, amount: 5),
        ]
        #expect(outcomes[3].nextEmergencyActions == boosts)
        #expect(outcomes[4].isEmergencyHeight && outcomes[4].emergencyActions == boosts)
        // Heights 6…10 are in the cooldown after emergency height 5; 11 may be one again.
        for index in 4...8 { #expect(!outcomes[index].nextHeightIsEmergency, "height \(index + 2)") }
        #expect(outcomes[9].nextHeightIsEmergency)
        #expect(outcomes[10].isEmergencyHeight)
        #expect(outcomes[5].nextBlockDelayMilliseconds > 0)
    }

    @Test("slash list, proposal verification and minimum-stake exit")
    func slashAndExit() throws {
        let params = try CoherenceParameters(beta: .one, alpha: .one, minStake: 95)
        let s1 = try genesis(params).applying(
            Fixtures.facts(height: 1, validators: four, signing: []), parameters: params
        ).state
        // α = β = 1: Ψ = c, Ĉ = C = 0.5 → height 3 is an emergency height.
        let (s2, o2) = try s1.applying(
            Fixtures.facts(height: 2, validators: four, signing: [k[0], k[1]]), parameters: params)
        let expected = [
            EmergencyAction(validator: k[0], kind: .boost, amount: 5),
            EmergencyAction(validator: k[1], kind: .boost, amount: 5),
            EmergencyAction(validator: k[2], kind: .slash, amount: 10),
            EmergencyAction(validator: k[3], kind: .slash, amount: 10),
        ]
        #expect(o2.nextEmergencyActions == expected)
        #expect(o2.leavingValidators.isEmpty)
        try s2.verifyEmergencyActions(expected, atHeight: 3)
        try s2.verifyEmergencyActions([], atHeight: 4)

        var wrongAmount = expected
        wrongAmount[2].amount = 11
        let variants = [
            Array(expected.dropLast()), wrongAmount, expected + expected.prefix(1), Array(expected.reversed()), [],
        ]
        for variant in variants {
            #expect(throws: CoherenceError.self) { try s2.verifyEmergencyActions(variant, atHeight: 3) }
        }

        // At height 3 the slashes apply: 100 − 10 = 90 < 95, so k2 and k3 leave.
        let (s3, o3) = try s2.applying(
            Fixtures.facts(height: 3, validators: four, signing: [k[0], k[1]]), parameters: params)
        #expect(o3.isEmergencyHeight && o3.emergencyActions == expected)
        #expect(o3.leavingValidators == [k[2], k[3]])
        #expect(
            o3.validatorUpdates == [
                ValidatorPower(publicKey: k[2], power: 0), ValidatorPower(publicKey: k[3], power: 0),
            ])
        #expect(s3.lastEmergencyHeight == 3)

        // With explicit stakes, amounts follow the stakes, not the powers.
        let stakes = [1_000, 2_000, 3_000, 4_000].enumerated().map {
            ValidatorPower(publicKey: k[$0.offset], power: UInt64($0.element))
        }
        var facts = Fixtures.facts(height: 2, validators: four, signing: [k[0], k[1]])
        facts.stakes = stakes
        let staked = try s1.applying(facts, parameters: params).outcome
        #expect(staked.nextEmergencyActions.map(\.amount) == [50, 100, 300, 400])
    }

    @Test("equivocation: Ψ = 0 and an immediate slash, whatever Ĉ is")
    func equivocation() throws {
        let s1 = try genesis().applying(Fixtures.facts(height: 1, validators: four, signing: []), parameters: p).state
        var facts = Fixtures.facts(height: 2, validators: four, signing: Array(k.prefix(4)))
        facts.equivocators = [k[1]]
        let (s2, o2) = try s1.applying(facts, parameters: p)
        #expect(s2.psi(of: k[1]) == .zero)
        #expect(o2.equivocationSlashes == [EmergencyAction(validator: k[1], kind: .slash, amount: 10)])
        #expect(o2.coherence == .one && !o2.nextHeightIsEmergency)
    }

    @Test("joiners start at 0.5 and are scored once in the set; leavers' records are dropped")
    func membership() throws {
        let s1 = try genesis().applying(Fixtures.facts(height: 1, validators: four, signing: []), parameters: p).state
        var f2 = Fixtures.facts(height: 2, validators: four, signing: Array(k.prefix(4)))
        f2.joined = [k[4]]
        let (s2, o2) = try s1.applying(f2, parameters: p)
        #expect(
            s2.record(of: k[4]) == ValidatorCoherence(publicKey: k[4], psi: FixedPoint(raw: 500_000), active: false))
        #expect(o2.scores.first { $0.publicKey == k[4] }?.contribution == nil)
        let five = Fixtures.equalPowers(5)
        let (s3, _) = try s2.applying(
            Fixtures.facts(height: 3, validators: five, signing: Array(k.prefix(4))), parameters: p)
        #expect(s3.psi(of: k[4])?.raw == 450_000)  // 0.9·0.5 + 0.1·0 (not yet signing)
        let withoutK3 = five.filter { $0.publicKey != k[3] }
        let (s4, _) = try s3.applying(
            Fixtures.facts(height: 4, validators: withoutK3, signing: [k[0], k[1], k[2], k[4]]), parameters: p)
        #expect(s4.record(of: k[3]) == nil)
        #expect(s4.psi(of: k[4])?.raw == 505_000)  // 0.9·0.45 + 0.1·1
    }

    @Test("T0 entitlements at an epoch end and T1 awards within the budget")
    func mint() throws {
        let params = try CoherenceParameters(miningEpochHeights: 1, t1MaxRewardPerProof: 60_000_000)
        var facts = Fixtures.facts(height: 1, validators: four, signing: [])
        facts.memoryProofs = [
            MemoryProofFact(node: k[9], value: FixedPoint(raw: 900_000)),
            MemoryProofFact(node: k[8], value: .one),
            MemoryProofFact(node: k[7], value: .one),
        ]
        let (s1, o1) = try genesis(params).applying(facts, parameters: params)
        #expect(o1.t0Entitlements.map(\.amount) == [225_000_000, 225_000_000, 225_000_000, 225_000_000])
        #expect(o1.t0Entitlements.allSatisfy { $0.tier == .t0 && $0.epoch == 0 })
        #expect(o1.t1Awards.map(\.amount) == [54_000_000, 46_000_000, 0])
        #expect(o1.t1Awards.map(\.recipient) == [k[9], k[8], k[7]])
        #expect(s1.t0Entitlements == o1.t0Entitlements && s1.t1PaidInEpoch == 100_000_000)
        // A new epoch resets the T1 budget.
        var f2 = Fixtures.facts(height: 2, validators: four, signing: Array(k.prefix(4)))
        f2.memoryProofs = [MemoryProofFact(node: k[9], value: .one)]
        let (s2, o2) = try s1.applying(f2, parameters: params)
        #expect(o2.t1Awards.map(\.amount) == [60_000_000] && o2.t1Awards[0].epoch == 1)
        #expect(s2.t1PaidInEpoch == 60_000_000)
    }
}

@Suite("Analysis views and proposal checks")
struct AnalysisTests {
    @Test("Double views mirror the fixed-point outcome")
    func analysis() throws {
        let keys = Array(Fixtures.keys.prefix(4))
        let p = CoherenceParameters.standard
        let s1 = try CoherenceState.genesis(validators: keys, parameters: p)
            .applying(Fixtures.facts(height: 1, validators: Fixtures.equalPowers(4), signing: []), parameters: p).state
        let outcome = try s1.applying(
            Fixtures.facts(height: 2, validators: Fixtures.equalPowers(4), signing: Array(keys.prefix(3))),
            parameters: p
        ).outcome
        let view = outcome.analysis
        #expect(view.coherence == 0.925 && view.instantCoherence == 0.75 && view.lambda == 1.0)
        #expect(view.psi.map(\.value) == [1, 1, 1, 0.9])
        #expect(view.nextBlockDelayMilliseconds == 1_000 && !view.nextHeightIsEmergency)
        #expect(LambdaAggregation.isAcceptableProposal(FixedPoint(raw: 1_500_000), parameters: p))
        #expect(!LambdaAggregation.isAcceptableProposal(FixedPoint(raw: 1_500_001), parameters: p))
        #expect(!LambdaAggregation.isAcceptableProposal(.zero, parameters: p))
    }
}
