import HMNPrimitives
import Testing

@testable import HMNConsensus

/// The two repairs that keep a height live when the validator that completed a quorum is gone
/// (simulator seed 8230: it decided alone, then left the validator set and fell silent).
@Suite("Lost-message repair: catch-up and proof-of-lock-change relay")
struct LostMessageRepairTests {
    /// A harness that has committed `block` at height 1 (by block sync) at time 0.
    static func committedHeightOne(_ block: ProposedBlock) throws -> EngineHarness {
        var h = try EngineHarness()
        h.start()
        h.deliver(.blockResponse(BlockSyncTests.committed(h, block, signers: h.others)))
        return h
    }

    static func relayedVotes(_ actions: [ConsensusAction], by me: PublicKey) -> [Vote] {
        actions.broadcastVotes.filter { $0.validator != me }
    }

    @Test("a node that committed a height sends it to a peer still voting there, once per gossip interval")
    func catchUpALaggingPeer() throws {
        let block = MockApplication.block("B")
        var h = try Self.committedHeightOne(block)
        #expect(h.engine.height == 2)
        let peer = h.others[0]
        // Just after the commit a late vote of height 1 is normal: the peer will decide by itself.
        h.now = 100
        #expect(h.deliver(h.vote(peer, .precommit, round: 0, block: nil, height: 1), from: peer).isEmpty)
        // Still there a gossip interval later: it is stuck, so it gets the block and its certificate.
        h.now = EngineHarness.testConfiguration.gossipIntervalMilliseconds
        let actions = h.deliver(h.vote(peer, .prevote, round: 3, block: nil, height: 1), from: peer)
        guard case .send(.blockResponse(let sent), let to)? = actions.first, actions.count == 1 else {
            Issue.record("expected one block response, got \(actions)")
            return
        }
        #expect(sent.height == 1 && sent.block == block && to == peer.publicKey)
        #expect(sent.commit.blockID == block.id)
        // Rate limited per peer; another lagging peer is served on its own.
        #expect(h.deliver(h.vote(peer, .prevote, round: 4, block: nil, height: 1), from: peer).isEmpty)
        let other = h.others[1]
        #expect(h.deliver(h.vote(other, .prevote, round: 4, block: nil, height: 1), from: other).count == 1)
        h.now += EngineHarness.testConfiguration.gossipIntervalMilliseconds
        #expect(h.deliver(h.vote(peer, .prevote, round: 5, block: nil, height: 1), from: peer).count == 1)
    }

    @Test("the lagging peer commits the block it is sent, exactly as by block sync")
    func laggingPeerCommits() throws {
        var ahead = try Self.committedHeightOne(MockApplication.block("B"))
        var behind = try EngineHarness(me: ahead.keys.firstIndex { $0.publicKey != ahead.me.publicKey })
        behind.start()
        ahead.now = 10_000
        let actions = ahead.deliver(
            behind.vote(behind.me, .prevote, round: 0, block: nil, height: 1), from: behind.me)
        guard case .send(let message, _)? = actions.first else {
            Issue.record("expected a block response")
            return
        }
        let committed = behind.deliver(message, from: ahead.me)
        #expect(committed.finalizedHeights.map(\.viaBlockSync) == [true])
        #expect(behind.engine.height == 2)
    }

    @Test("gossip relays the other validators' prevotes behind the current re-proposal, sorted, not others")
    func relayProofOfLockChange() throws {
        var h = try EngineHarness()
        let b = MockApplication.block("B")
        EngineRuleTests.lockInRoundZero(&h, on: b)
        #expect(h.engine.round == 1 && h.engine.lockedRound == 0)
        // A fresh proposal in round 1: nothing of others to relay.
        h.deliver(h.proposal(round: 1, block: b))
        #expect(Self.relayedVotes(h.fire(.gossip, round: 1), by: h.me.publicKey).isEmpty)
        _ = h.fire(.prevote, round: 1)
        for key in h.others.prefix(2) { h.deliver(h.vote(key, .precommit, round: 1, block: nil)) }
        _ = h.fire(.precommit, round: 1)
        #expect(h.engine.round == 2)
        // Round 2 re-proposes B with the round-0 polka: this node holds two others' prevotes for it.
        h.deliver(h.proposal(round: 2, block: b, validRound: 0))
        let relayed = Self.relayedVotes(h.fire(.gossip, round: 2), by: h.me.publicKey)
        let expected = h.others.prefix(2).map(\.publicKey).sorted()
        #expect(relayed.map(\.validator) == expected)
        #expect(relayed.allSatisfy { $0.round == 0 && $0.type == .prevote && $0.blockID == b.id })
        // A peer that receives them can verify each: they are the signers' own votes, unchanged.
        #expect(relayed.allSatisfy { (try? $0.verify(chainID: h.chainID)) != nil })
    }
}
