import HMNPrimitives
import Testing

@testable import HMNCoherence

@Suite("LambdaProposer: policy + chain history → vote-extension λ")
struct LambdaProposerTests {
    @Test("the chain lowers λ under an AIMD proposer when participation collapses, and records a window")
    func closedLoop() throws {
        let keys = Array(Fixtures.keys.prefix(4))
        let p = CoherenceParameters.standard
        var state = try CoherenceState.genesis(validators: keys, parameters: p)
        var proposers = try keys.map { _ in
            try LambdaProposer(policy: try AIMDLambdaPolicy(), window: 5, parameters: p, state: state)
        }
        var lambdas: [FixedPoint] = []
        for height in UInt64(1)...30 {
            // Heights 11…20: only two of four validators sign.
            let signers = (11...20).contains(height) ? Array(keys.prefix(2)) : keys
            var signatures: [(key: PublicKey, lambda: FixedPoint, digests: [ShardDigest])] = []
            for index in keys.indices where signers.contains(keys[index]) {
                signatures.append((keys[index], try proposers[index].propose(), []))
            }
            let facts = BlockFacts(
                height: height, timeMilliseconds: height * 1_000, validators: Fixtures.equalPowers(4),
                lastCommit: height == 1 ? nil : Fixtures.commit(height: height - 1, signatures))
            let (next, outcome) = try state.applying(facts, parameters: p)
            for index in proposers.indices { proposers[index].record(outcome, rounds: 0) }
            state = next
            lambdas.append(outcome.lambda)
        }
        #expect(lambdas[9] == FixedPoint(raw: 1_450_000))  // calm: +0.05 per height from 1.0 (heights 2…10)
        #expect(lambdas[19] < FixedPoint(raw: 500_000))  // turbulent: λ falls
        #expect(lambdas[29] > lambdas[19])  // recovery
        #expect(proposers[0].coherenceHistory.count == 5 && proposers[0].roundsHistory.count == 5)
        #expect(proposers[0].participationHistory.last == 1.0)
        #expect(throws: CoherenceError.self) {
            try LambdaProposer(policy: try FixedLambdaPolicy(), window: 0, parameters: p)
        }
        #expect(throws: CoherenceError.self) { try proposers[0].propose(gossipBacklog: -1) }
    }
}
