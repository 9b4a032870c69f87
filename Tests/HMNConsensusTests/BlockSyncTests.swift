import HMNPrimitives
import Testing

@testable import HMNConsensus

@Suite("Block sync and validator updates")
struct BlockSyncTests {
    /// Certifies `block` at height 1 by the given signers.
    static func committed(_ h: EngineHarness, _ block: ProposedBlock, signers: [SigningKey], chainID: String? = nil)
        -> CommittedBlock
    {
        let votes = signers.map {
            Vote.signed(
                chainID: chainID ?? h.chainID, height: 1, round: 0, type: .precommit, blockID: block.id,
                voteExtension: VoteExtension(lambdaProposal: .one), key: $0)
        }
        return CommittedBlock(
            height: 1, block: block,
            commit: CommitCertificate(height: 1, round: 0, blockID: block.id, precommits: votes))
    }

    @Test("a node behind requests the block, verifies the certificate and commits it")
    func catchUp() throws {
        var h = try EngineHarness()
        h.start()
        let peer = h.others[0]
        let request = h.deliver(h.vote(peer, .prevote, round: 0, block: nil, height: 3), from: peer)
        #expect(request.contains(.send(.blockRequest(height: 1), to: peer.publicKey)))
        // Rate limited: an immediate second trigger sends nothing.
        #expect(h.deliver(h.vote(h.others[1], .prevote, round: 0, block: nil, height: 3), from: peer).isEmpty)
        let block = MockApplication.block("B")
        let actions = h.deliver(.blockResponse(Self.committed(h, block, signers: Array(h.others))), from: peer)
        #expect(actions.finalizedHeights.map(\.viaBlockSync) == [true])
        #expect(h.engine.height == 2)
        // The peer is known to be at height 3, so the next block is requested at once.
        #expect(actions.contains(.send(.blockRequest(height: 2), to: peer.publicKey)))
    }

    @Test("a certificate without +2/3, from another chain, or for an invalid block is refused")
    func refusals() throws {
        let block = MockApplication.block("B")
        var h = try EngineHarness()
        h.start()
        #expect(
            h.deliver(.blockResponse(Self.committed(h, block, signers: Array(h.others.prefix(2))))).finalizedHeights
                .isEmpty)
        #expect(
            h.deliver(.blockResponse(Self.committed(h, block, signers: h.others, chainID: "x"))).finalizedHeights
                .isEmpty)
        let bad = MockApplication.block("bad")
        #expect(h.deliver(.blockResponse(Self.committed(h, bad, signers: h.others))).finalizedHeights.isEmpty)
        #expect(h.engine.height == 1)
    }

    @Test("a node answers block requests for committed heights only")
    func answers() throws {
        var h = try EngineHarness()
        h.start()
        let block = MockApplication.block("B")
        h.deliver(.blockResponse(Self.committed(h, block, signers: h.others)))
        let peer = h.others[1]
        let answer = h.deliver(.blockRequest(height: 1), from: peer)
        #expect(answer.count == 1)
        if case .send(.blockResponse(let sent), let to) = answer.first {
            #expect(sent.block == block && to == peer.publicKey)
        } else {
            Issue.record("expected a block response")
        }
        #expect(h.deliver(.blockRequest(height: 2), from: peer).isEmpty)
    }

    @Test("validator updates decided at height h take effect at h + 2")
    func updatesAtHPlusTwo() throws {
        var h = try EngineHarness()
        let newcomer = try SigningKey(seed: [UInt8](repeating: 200, count: 32))
        h.app.updatesAtHeight[1] = [ValidatorPower(publicKey: newcomer.publicKey, power: 5)]
        h.start()
        let original = h.engine.validators.powers
        h.deliver(.blockResponse(Self.committed(h, MockApplication.block("B1"), signers: h.others)))
        #expect(h.engine.height == 2)
        #expect(h.engine.validators.powers == original)
        #expect(h.engine.nextValidators.power(of: newcomer.publicKey) == 5)
        // Height 2 is still certified by the old set; height 3 includes the newcomer.
        let block2 = MockApplication.block("B2")
        let votes = h.others.map {
            Vote.signed(
                chainID: h.chainID, height: 2, round: 0, type: .precommit, blockID: block2.id,
                voteExtension: VoteExtension(lambdaProposal: .one), key: $0)
        }
        h.deliver(
            .blockResponse(
                CommittedBlock(
                    height: 2, block: block2,
                    commit: CommitCertificate(height: 2, round: 0, blockID: block2.id, precommits: votes))))
        #expect(h.engine.height == 3)
        #expect(h.engine.validators.power(of: newcomer.publicKey) == 5)
        #expect(h.engine.validators.count == 5)
    }
}
