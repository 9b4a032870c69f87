import HMNPrimitives
import Testing

@testable import HMNConsensus

@Suite("Tendermint rules (Algorithm 1)")
struct EngineRuleTests {
    @Test("a valid proposal gets a prevote; a polka gets a precommit and a lock; +2/3 precommits commit")
    func happyPath() throws {
        var h = try EngineHarness()
        h.start()
        #expect(h.engine.round == 0 && h.engine.step == .propose)
        let block = MockApplication.block("B")
        let afterProposal = h.deliver(h.proposal(round: 0, block: block))
        #expect(afterProposal.broadcastVotes.map(\.blockID) == [block.id])
        #expect(afterProposal.persistedVotes.count == 1)
        var actions: [ConsensusAction] = []
        for key in h.others.prefix(2) { actions += h.deliver(h.vote(key, .prevote, round: 0, block: block.id)) }
        #expect(actions.broadcastVotes.map(\.type) == [.precommit])
        #expect(actions.broadcastVotes.first?.voteExtension != nil)
        #expect(h.engine.lockedRound == 0 && h.engine.lockedBlockID == block.id)
        actions = []
        for key in h.others.prefix(2) { actions += h.deliver(h.vote(key, .precommit, round: 0, block: block.id)) }
        let finalized = actions.finalizedHeights
        #expect(finalized.map(\.height) == [1])
        #expect(finalized.first?.commit.signatures.count == 3)
        #expect(h.engine.height == 2)
        #expect(h.app.finalized.count == 1)
    }

    @Test("an invalid proposal is prevoted nil")
    func invalidProposal() throws {
        var h = try EngineHarness()
        h.start()
        let actions = h.deliver(h.proposal(round: 0, block: MockApplication.block("bad block")))
        #expect(actions.broadcastVotes.map(\.blockID) == [nil])
    }

    /// Drives the harness into round 1 locked on `locked` from round 0.
    static func lockInRoundZero(_ h: inout EngineHarness, on locked: ProposedBlock) {
        h.start()
        h.deliver(h.proposal(round: 0, block: locked))
        for key in h.others.prefix(2) { h.deliver(h.vote(key, .prevote, round: 0, block: locked.id)) }
        for key in h.others.prefix(2) { h.deliver(h.vote(key, .precommit, round: 0, block: nil)) }
        _ = h.fire(.precommit, round: 0)
    }

    @Test("a locked validator prevotes nil for a different fresh proposal")
    func lockHolds() throws {
        var h = try EngineHarness()
        let b = MockApplication.block("B")
        Self.lockInRoundZero(&h, on: b)
        #expect(h.engine.round == 1 && h.engine.lockedBlockID == b.id)
        let actions = h.deliver(h.proposal(round: 1, block: MockApplication.block("C")))
        #expect(actions.broadcastVotes.map(\.blockID) == [nil])
        // The same block re-proposed fresh is still acceptable to the lock.
        var h2 = try EngineHarness()
        Self.lockInRoundZero(&h2, on: b)
        #expect(h2.deliver(h2.proposal(round: 1, block: b)).broadcastVotes.map(\.blockID) == [b.id])
    }

    @Test("a proof of lock change (polka in a later round) unlocks: the validator prevotes the new block")
    func unlockOnPolc() throws {
        var h = try EngineHarness()
        let b = MockApplication.block("B")
        let c = MockApplication.block("C")
        Self.lockInRoundZero(&h, on: b)
        // Round 1 passes without the node seeing a polka: it prevotes and precommits nil.
        _ = h.fire(.propose, round: 1)
        _ = h.fire(.prevote, round: 1)
        _ = h.fire(.precommit, round: 1)
        #expect(h.engine.round == 2 && h.engine.lockedRound == 0)
        // Round 2 re-proposes C with validRound 1; without the polka the node waits (no prevote).
        let early = h.deliver(h.proposal(round: 2, block: c, validRound: 1))
        #expect(early.broadcastVotes.isEmpty)
        // The polka of round 1 for C arrives: lockedRound 0 ≤ vr 1, so the node prevotes C.
        var actions: [ConsensusAction] = []
        for key in h.others { actions += h.deliver(h.vote(key, .prevote, round: 1, block: c.id)) }
        #expect(actions.broadcastVotes.map(\.blockID) == [c.id])
        #expect(actions.broadcastVotes.first?.round == 2)
    }

    @Test("a polka for a block in the current round relocks on it (line 36)")
    func relock() throws {
        var h = try EngineHarness()
        let b = MockApplication.block("B")
        let c = MockApplication.block("C")
        Self.lockInRoundZero(&h, on: b)
        h.deliver(h.proposal(round: 1, block: c))
        var actions: [ConsensusAction] = []
        for key in h.others { actions += h.deliver(h.vote(key, .prevote, round: 1, block: c.id)) }
        #expect(actions.broadcastVotes.map(\.type) == [.precommit])
        #expect(h.engine.lockedRound == 1 && h.engine.lockedBlockID == c.id)
        #expect(h.engine.validRound == 1)
    }

    @Test("timeouts: propose → prevote nil, prevote → precommit nil, precommit → next round; they grow per round")
    func timeouts() throws {
        var h = try EngineHarness()
        let startActions = h.start()
        #expect(startActions.scheduled(.propose) == [100])
        let prevote = h.fire(.propose, round: 0)
        #expect(prevote.broadcastVotes.map(\.type) == [.prevote] && prevote.broadcastVotes[0].blockID == nil)
        // A stale timeout of another round does nothing.
        #expect(h.fire(.prevote, round: 5).broadcastVotes.isEmpty)
        let precommit = h.fire(.prevote, round: 0)
        #expect(precommit.broadcastVotes.map(\.type) == [.precommit])
        let next = h.fire(.precommit, round: 0)
        #expect(h.engine.round == 1)
        #expect(next.scheduled(.propose) == [110])
        let configuration = EngineHarness.testConfiguration
        #expect(configuration.timeoutMilliseconds(.prevote, round: 3, emergency: false) == 65)
        #expect(configuration.timeoutMilliseconds(.propose, round: 2, emergency: true) == 30)
    }

    @Test("2f+1 prevotes of any kind schedule the prevote timeout; 2f+1 precommits the precommit timeout")
    func quorumOfAnyTimeouts() throws {
        var h = try EngineHarness()
        h.start()
        h.fire(.propose, round: 0)
        var actions: [ConsensusAction] = []
        actions += h.deliver(h.vote(h.others[0], .prevote, round: 0, block: MockApplication.block("X").id))
        actions += h.deliver(h.vote(h.others[1], .prevote, round: 0, block: MockApplication.block("Y").id))
        #expect(actions.scheduled(.prevote) == [50])
        actions = h.fire(.prevote, round: 0)
        actions += h.deliver(h.vote(h.others[0], .precommit, round: 0, block: nil))
        actions += h.deliver(h.vote(h.others[1], .precommit, round: 0, block: MockApplication.block("Y").id))
        #expect(actions.scheduled(.precommit) == [50])
    }

    @Test("f+1 messages of a later round make the node skip to it (line 55)")
    func roundSkip() throws {
        var h = try EngineHarness()
        h.start()
        h.deliver(h.vote(h.others[0], .prevote, round: 5, block: nil))
        #expect(h.engine.round == 0)
        h.deliver(h.vote(h.others[1], .prevote, round: 5, block: nil))
        #expect(h.engine.round == 5)
    }

    @Test("the next height starts after the application's delay, at once and with short timeouts in an emergency")
    func lambdaPacing() throws {
        for emergency in [false, true] {
            var h = try EngineHarness()
            h.app.delayMilliseconds = 700
            if emergency { h.app.emergencyAfterHeight = [1] }
            h.start()
            let block = MockApplication.block("B")
            h.deliver(h.proposal(round: 0, block: block))
            for key in h.others { h.deliver(h.vote(key, .prevote, round: 0, block: block.id)) }
            var actions: [ConsensusAction] = []
            for key in h.others { actions += h.deliver(h.vote(key, .precommit, round: 0, block: block.id)) }
            #expect(actions.finalizedHeights.count == 1)
            if emergency {
                #expect(h.engine.isStarted && h.engine.isEmergency && h.engine.height == 2)
                #expect(actions.scheduled(.newHeight).isEmpty)
                #expect(actions.scheduled(.propose) == [25])
            } else {
                #expect(!h.engine.isStarted)
                #expect(actions.scheduled(.newHeight) == [700])
                let started = h.fire(.newHeight, round: 0, height: 2)
                #expect(h.engine.isStarted && started.scheduled(.propose) == [100])
            }
        }
    }

    @Test("the proposer of a round proposes through prepareProposal with the last commit")
    func proposing() throws {
        var h = try EngineHarness()
        h.start()
        let block = MockApplication.block("B")
        h.deliver(h.proposal(round: 0, block: block))
        for key in h.others { h.deliver(h.vote(key, .prevote, round: 0, block: block.id)) }
        for key in h.others { h.deliver(h.vote(key, .precommit, round: 0, block: block.id)) }
        // Find a round of height 2 this node proposes and jump there through timeouts.
        let mine = (0..<8).first { h.engine.validators.proposer(forRound: UInt32($0)) == h.me.publicKey }!
        var actions = h.fire(.newHeight, round: 0, height: 2)
        for round in 0..<mine {
            h.fire(.propose, round: UInt32(round), height: 2)
            h.fire(.prevote, round: UInt32(round), height: 2)
            actions = h.fire(.precommit, round: UInt32(round), height: 2)
        }
        let proposals = actions.compactMap { action -> Proposal? in
            if case .broadcast(.proposal(let proposal)) = action { return proposal }
            return nil
        }
        #expect(proposals.count == 1)
        #expect(h.app.prepared.last?.lastCommit?.height == 1)
        #expect(proposals.first?.proposer == h.me.publicKey)
        #expect(actions.persistedVotes.count <= 1)
    }
}
