import HMNPrimitives
import Testing

@testable import HMNConsensus

/// `emptyBlockWaitMilliseconds`: an idle chain waits for a transaction instead of making empty
/// blocks back to back, and every way out of the wait.
@Suite("Waiting for transactions")
struct EmptyBlockWaitTests {
    static let wait: UInt64 = 1_000

    static func waiting(me: Int? = nil) throws -> EngineHarness {
        var configuration = EngineHarness.testConfiguration
        configuration.emptyBlockWaitMilliseconds = wait
        let keys = EngineHarness.keys(4)
        let app = MockApplication(validators: keys.map { ValidatorPower(publicKey: $0.publicKey, power: 1) })
        app.pendingTransactions = false
        return try EngineHarness(me: me, app: app, configuration: configuration)
    }

    /// Commits height 1 with the other three validators' votes.
    static func commitHeightOne(_ h: inout EngineHarness) {
        let block = MockApplication.block("B")
        h.deliver(h.proposal(round: 0, block: block), from: h.proposerKey(round: 0))
        for key in h.others { h.deliver(h.vote(key, .prevote, round: 0, block: block.id)) }
        for key in h.others { h.deliver(h.vote(key, .precommit, round: 0, block: block.id)) }
    }

    @Test("with an empty mempool the height waits, and an admitted transaction starts it")
    func transactionStarts() throws {
        var h = try Self.waiting()
        let actions = h.start()
        #expect(h.engine.isWaitingForTransactions && !h.engine.isStarted)
        #expect(actions.scheduled(.emptyBlock) == [Self.wait])
        #expect(actions.scheduled(.propose).isEmpty)
        let started = h.handle(.transactionsAvailable)
        #expect(!h.engine.isWaitingForTransactions && h.engine.isStarted && h.engine.step == .propose)
        #expect(started.scheduled(.propose).count == 1)
    }

    @Test("the wait ends with an empty block when it times out; a stale timer does nothing")
    func timeoutStarts() throws {
        let proposer = try Self.waiting().engine.validators.proposer(forRound: 0)
        let index = EngineHarness.keys(4).firstIndex { $0.publicKey == proposer }!
        var h = try Self.waiting(me: index)
        h.start()
        h.fire(.emptyBlock, round: 0, height: 7)
        h.fire(.newHeight, round: 0)
        #expect(h.engine.isWaitingForTransactions && h.app.prepared.isEmpty)
        let actions = h.fire(.emptyBlock, round: 0)
        #expect(h.engine.isStarted && h.app.prepared.count == 1)
        #expect(actions.contains { if case .broadcast(.proposal) = $0 { true } else { false } })
    }

    @Test("a peer's proposal or vote for the height ends the wait")
    func peerStarts() throws {
        var h = try Self.waiting()
        h.start()
        let block = MockApplication.block("B")
        let actions = h.deliver(h.proposal(round: 0, block: block), from: h.proposerKey(round: 0))
        #expect(h.engine.isStarted)
        #expect(actions.broadcastVotes.map(\.blockID) == [block.id])

        var byVote = try Self.waiting()
        byVote.start()
        byVote.deliver(byVote.vote(byVote.others[0], .prevote, round: 0, block: nil))
        #expect(byVote.engine.isStarted && byVote.engine.step == .propose)

        // A message for another height is no reason to start this one.
        var other = try Self.waiting()
        other.start()
        other.deliver(other.vote(other.others[0], .prevote, round: 0, block: nil, height: 5))
        #expect(other.engine.isWaitingForTransactions)
    }

    @Test("a pending transaction, the default configuration, or an emergency height never waits")
    func noWait() throws {
        let keys = EngineHarness.keys(4)
        let validators = keys.map { ValidatorPower(publicKey: $0.publicKey, power: 1) }

        var pending = try Self.waiting()
        pending.app.pendingTransactions = true
        pending.start()
        #expect(pending.engine.isStarted)

        let idle = MockApplication(validators: validators)
        idle.pendingTransactions = false
        var byDefault = try EngineHarness(app: idle)
        byDefault.start()
        #expect(byDefault.engine.isStarted)

        // After height 1 commits, height 2 waits, unless it is an emergency height.
        var normal = try Self.waiting()
        normal.app.pendingTransactions = true
        normal.start()
        normal.app.pendingTransactions = false
        Self.commitHeightOne(&normal)
        #expect(normal.engine.height == 2 && normal.engine.isWaitingForTransactions && !normal.engine.isStarted)

        var emergency = try Self.waiting()
        emergency.app.pendingTransactions = true
        emergency.app.emergencyAfterHeight = [1]
        emergency.start()
        emergency.app.pendingTransactions = false
        Self.commitHeightOne(&emergency)
        #expect(emergency.engine.height == 2 && emergency.engine.isEmergency && emergency.engine.isStarted)
    }

    @Test("transactionsAvailable outside a wait changes nothing")
    func harmlessWhenNotWaiting() throws {
        var h = try EngineHarness()
        h.start()
        let before = (h.engine.height, h.engine.round, h.engine.step)
        #expect(h.handle(.transactionsAvailable).isEmpty)
        #expect(before == (h.engine.height, h.engine.round, h.engine.step))
    }
}
