import HMNPrimitives
import Testing

@testable import HMNConsensus

@Suite("Vote and proposal verification")
struct VoteValidationTests {
    /// Delivers two prevotes for `block` and reports whether the node then precommitted it.
    static func precommitsAfter(_ votes: (EngineHarness, ProposedBlock) -> [ConsensusMessage]) throws -> Bool {
        var h = try EngineHarness()
        h.start()
        let block = MockApplication.block("B")
        h.deliver(h.proposal(round: 0, block: block))
        var actions: [ConsensusAction] = []
        for message in votes(h, block) { actions += h.deliver(message) }
        return actions.broadcastVotes.contains { $0.type == .precommit }
    }

    @Test("valid prevotes count")
    func control() throws {
        #expect(
            try Self.precommitsAfter { h, b in h.others.prefix(2).map { h.vote($0, .prevote, round: 0, block: b.id) } })
    }

    @Test("votes signed for another chain id are rejected")
    func wrongChain() throws {
        #expect(
            !(try Self.precommitsAfter { h, b in
                h.others.prefix(2).map { h.vote($0, .prevote, round: 0, block: b.id, chainID: "other-chain") }
            }))
    }

    @Test("votes with a forged signature are rejected")
    func forgedSignature() throws {
        #expect(
            !(try Self.precommitsAfter { h, b in
                h.others.prefix(2).map { key in
                    guard case .vote(var vote) = h.vote(key, .prevote, round: 0, block: b.id) else { fatalError() }
                    vote.signature = h.others[2].sign([1, 2, 3])
                    return .vote(vote)
                }
            }))
    }

    @Test("votes from non-validators are ignored")
    func stranger() throws {
        let strangers = EngineHarness.keys(9).suffix(2)
        #expect(!(try Self.precommitsAfter { h, b in strangers.map { h.vote($0, .prevote, round: 0, block: b.id) } }))
    }

    @Test("a precommit for a block without a vote extension is rejected")
    func precommitWithoutExtension() throws {
        var h = try EngineHarness()
        h.start()
        let block = MockApplication.block("B")
        h.deliver(h.proposal(round: 0, block: block))
        for key in h.others { h.deliver(h.vote(key, .prevote, round: 0, block: block.id)) }
        var actions: [ConsensusAction] = []
        for key in h.others {
            let bare = Vote.signed(
                chainID: h.chainID, height: 1, round: 0, type: .precommit, blockID: block.id, voteExtension: nil,
                key: key)
            actions += h.deliver(.vote(bare))
        }
        #expect(actions.finalizedHeights.isEmpty)
    }

    @Test("a proposal not signed by the round's proposer is ignored")
    func wrongProposer() throws {
        var h = try EngineHarness()
        h.start()
        let impostor = h.keys.first { $0.publicKey != h.engine.validators.proposer(forRound: 0) }!
        let proposal = Proposal.signed(
            chainID: h.chainID, height: 1, round: 0, validRound: nil, block: MockApplication.block("B"),
            timestampMilliseconds: 0, key: impostor)
        #expect(h.deliver(.proposal(proposal)).broadcastVotes.isEmpty)
    }

    @Test("two conflicting votes from one validator become evidence, handed to the next prepareProposal")
    func equivocation() throws {
        var h = try EngineHarness()
        h.start()
        let cheater = h.others[0]
        h.deliver(h.vote(cheater, .prevote, round: 0, block: MockApplication.block("X").id))
        let actions = h.deliver(h.vote(cheater, .prevote, round: 0, block: MockApplication.block("Y").id))
        let evidence = actions.compactMap { action -> DuplicateVoteEvidence? in
            if case .evidence(let evidence) = action { return evidence }
            return nil
        }
        #expect(evidence.count == 1)
        #expect(evidence.first?.validator == cheater.publicKey)
        #expect(throws: Never.self) { try evidence.first?.verify(chainID: h.chainID) }
        #expect(h.engine.evidencePool.count == 1)
        // The same vote again is not new evidence.
        #expect(h.deliver(h.vote(cheater, .prevote, round: 0, block: MockApplication.block("Y").id)).isEmpty)
        // When this node proposes, the pool goes to the application.
        let proposerRound = (0..<8).first { h.engine.validators.proposer(forRound: UInt32($0)) == h.me.publicKey }!
        for round in 0..<proposerRound {
            h.fire(.propose, round: UInt32(round))
            h.fire(.prevote, round: UInt32(round))
            h.fire(.precommit, round: UInt32(round))
        }
        #expect(h.app.prepared.last?.evidence == evidence)
    }
}
