import HMNConsensus
import HMNPrimitives
import Testing

/// Precommits that arrive after the decision join ``ConsensusEngine/lastCommit``, which the next
/// proposal carries, so Layer 2 sees every validator that signed, not only the first +2/3.
@Suite("Late precommits extend the last commit")
struct LateCommitTests {
    @Test("only verified precommits for the decided block, from that height's validators, are added")
    func lateCommits() throws {
        var h = try EngineHarness()
        h.start()
        let block = MockApplication.block("B")
        h.deliver(h.proposal(round: 0, block: block))
        for key in h.others.prefix(2) { h.deliver(h.vote(key, .prevote, round: 0, block: block.id)) }
        for key in h.others.prefix(2) { h.deliver(h.vote(key, .precommit, round: 0, block: block.id)) }
        #expect(h.engine.height == 2)
        #expect(h.engine.lastCommit?.signatures.count == 3)

        let last = h.others[2]
        let outsider = try SigningKey(seed: [UInt8](repeating: 99, count: 32))
        let refused: [ConsensusMessage] = [
            h.vote(last, .precommit, round: 0, block: block.id, chainID: "another-chain"),  // bad signature here
            h.vote(last, .precommit, round: 0, block: MockApplication.block("C").id),  // another block
            h.vote(last, .precommit, round: 1, block: block.id),  // another round
            h.vote(last, .prevote, round: 0, block: block.id),  // not a precommit
            h.vote(h.others[0], .precommit, round: 0, block: block.id),  // already counted
            h.vote(outsider, .precommit, round: 0, block: block.id),  // not a validator
            .vote(
                Vote.signed(
                    chainID: h.chainID, height: 1, round: 0, type: .precommit, blockID: block.id,
                    voteExtension: VoteExtension(lambdaProposal: FixedPoint(integer: 9)), key: last)),  // bad extension
        ]
        for message in refused { h.deliver(message, from: last) }
        #expect(h.engine.lastCommit?.signatures.count == 3)

        h.deliver(h.vote(last, .precommit, round: 0, block: block.id), from: last)
        let fuller = try #require(h.engine.lastCommit)
        #expect(fuller.signatures.count == 4)
        try fuller.verify(chainID: h.chainID, validators: h.keys.map { ValidatorPower(publicKey: $0.publicKey, power: 1) })
    }
}
