import HMNPrimitives
import Testing

@testable import HMNCoherence

/// Random chains through the full transition: signers, shard reports, λ proposals, equivocations,
/// joins and stakes are drawn from a seeded generator; invariants are checked at every height.
@Suite("CoherenceState properties (seeded random chains)")
struct CoherencePropertyTests {
    /// One random block's facts for `state` (validators: the active records, random powers).
    static func randomFacts(
        for state: CoherenceState, rng: inout SeededGenerator, pool: [PublicKey]
    ) -> BlockFacts {
        let height = state.height + 1
        let members = state.validators.filter(\.active).map(\.publicKey)
        let pending = state.validators.filter { !$0.active }.map(\.publicKey)
        let set = (members + pending).map {
            ValidatorPower(publicKey: $0, power: UInt64.random(in: 1...1_000_000, using: &rng))
        }
        let digests = (0..<3).map { Fixtures.digest(UInt8($0)) }
        var commit: CommitCertificate?
        if height > 1 {
            let signers = set.map(\.publicKey).filter { _ in Double.random(in: 0..<1, using: &rng) < 0.75 }
            commit = Fixtures.commit(
                height: height - 1,
                signers.map { key in
                    let shards = (UInt32(0)..<4).filter { _ in Bool.random(using: &rng) }.map {
                        ShardDigest(shard: $0, digest: digests.randomElement(using: &rng)!)
                    }
                    return (key, FixedPoint(raw: Int64.random(in: -500_000...3_000_000, using: &rng)), shards)
                })
        }
        let known = Set(state.validators.map(\.publicKey))
        let joined =
            Double.random(in: 0..<1, using: &rng) < 0.05
            ? pool.filter { !known.contains($0) }.prefix(1).map { $0 } : []
        let equivocators = Double.random(in: 0..<1, using: &rng) < 0.03 ? [members.randomElement(using: &rng)!] : []
        let stakes = set.map {
            ValidatorPower(publicKey: $0.publicKey, power: UInt64.random(in: 0...10_000, using: &rng))
        }
        return BlockFacts(
            height: height, timeMilliseconds: height * 500, validators: set, lastCommit: commit,
            equivocators: equivocators, joined: joined, stakes: stakes,
            memoryProofs: (0..<Int.random(in: 0...2, using: &rng)).map { _ in
                MemoryProofFact(
                    node: pool[0], value: FixedPoint(raw: Int64.random(in: 800_000...1_000_000, using: &rng)))
            })
    }

    @Test("Ĉ, Ψ in [0, 1]; λ in range and within the step; action lists exact; mints within budget (3,000 heights)")
    func invariants() throws {
        var rng = SeededGenerator(seed: 0xC0DE)
        let unit = FixedPoint.zero...FixedPoint.one
        var heights = 0
        for _ in 0..<60 {
            let params = try CoherenceParameters(
                beta: rng.fixed(in: 1...1_000_000), alpha: rng.fixed(in: 1...1_000_000),
                miningEpochHeights: UInt64.random(in: 1...6, using: &rng), emergencyCooldownHeights: 2,
                minStake: 50, epochReward: UInt64.random(in: 0...1_000_000_000, using: &rng))
            let pool = Fixtures.keys
            var state = try CoherenceState.genesis(
                validators: Array(pool.prefix(Int.random(in: 1...10, using: &rng))), parameters: params)
            var mintedInEpoch: [UInt64: UInt64] = [:]
            for _ in 0..<50 {
                let facts = Self.randomFacts(for: state, rng: &rng, pool: pool)
                let (next, outcome) = try state.applying(facts, parameters: params)
                heights += 1
                #expect(unit.contains(next.coherence))
                #expect(next.validators.allSatisfy { unit.contains($0.psi) })
                #expect(
                    outcome.scores.allSatisfy { unit.contains($0.psi) && ($0.contribution.map(unit.contains) ?? true) })
                #expect(params.lambdaRange.contains(next.lambda))
                #expect(abs(next.lambda.raw - state.lambda.raw) <= params.lambdaMaxStep.raw)

                // The emergency list is exactly what the thresholds imply for the validators of this block.
                if outcome.nextHeightIsEmergency {
                    let expectedSlash = Set(
                        facts.validators.map(\.publicKey).filter { next.psi(of: $0)! < params.psiLow })
                    let expectedBoost = Set(
                        facts.validators.map(\.publicKey).filter { next.psi(of: $0)! > params.psiHigh })
                    let actions = outcome.nextEmergencyActions
                    #expect(Set(actions.filter { $0.kind == .slash }.map(\.validator)) == expectedSlash)
                    #expect(Set(actions.filter { $0.kind == .boost }.map(\.validator)) == expectedBoost)
                    #expect(actions.count == expectedSlash.count + expectedBoost.count)
                    #expect(outcome.nextBlockDelayMilliseconds == 0)
                } else {
                    #expect(outcome.nextEmergencyActions.isEmpty)
                    #expect(outcome.nextBlockDelayMilliseconds >= params.minEpochMilliseconds)
                }
                #expect(
                    outcome.nextHeightIsEmergency
                        == (next.coherence < params.emergencyThreshold
                            && EmergencyRules.cooldownAllows(
                                height: facts.height + 1, lastEmergencyHeight: next.lastEmergencyHeight,
                                parameters: params))
                )
                for key in facts.equivocators { #expect(next.psi(of: key) == .zero) }

                let epoch = MintSchedule.epoch(ofHeight: facts.height, parameters: params)
                let minted = (outcome.t0Entitlements + outcome.t1Awards).reduce(UInt64(0)) { $0 + $1.amount }
                mintedInEpoch[epoch, default: 0] += minted
                #expect(mintedInEpoch[epoch]! <= params.epochReward)
                state = next
            }
        }
        #expect(heights == 3_000)
    }
}
