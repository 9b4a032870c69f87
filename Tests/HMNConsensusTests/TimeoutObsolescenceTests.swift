import HMNPrimitives
import Testing

@testable import HMNConsensus

/// `ConsensusEngine.isObsolete(_:)`: a shell drops the timeouts it names instead of waking up for
/// them, so it must name only timeouts whose handling would change nothing.
@Suite("Obsolete timeouts")
struct TimeoutObsolescenceTests {
    static let steps: [TimeoutStep] = [.newHeight, .propose, .prevote, .precommit, .gossip, .emptyBlock]

    @Test("after a commit the decided height's timeouts are obsolete, the gossip tick never is")
    func afterCommit() throws {
        var h = try EngineHarness()
        h.start()
        EmptyBlockWaitTests.commitHeightOne(&h)
        #expect(h.engine.height == 2)
        for step in Self.steps where step != .gossip {
            #expect(h.engine.isObsolete(ConsensusTimeout(height: 1, round: 0, step: step)))
            #expect(!h.engine.isObsolete(ConsensusTimeout(height: 2, round: 0, step: step)))
        }
        #expect(!h.engine.isObsolete(ConsensusTimeout(height: 1, round: 0, step: .gossip)))
    }

    @Test("a timeout called obsolete changes nothing when handled (seeded states and timeouts)")
    func obsoleteIsInert() throws {
        var obsolete = 0
        var live = 0
        for seed in UInt64(1)...60 {
            var random = SeededGenerator(seed: seed)
            var h = try EngineHarness(me: Int.random(in: 0...3, using: &random))
            h.start()
            if Bool.random(using: &random) {
                EmptyBlockWaitTests.commitHeightOne(&h)
                h.fire(.newHeight, round: 0, height: 2)
            }
            // Leave some rounds behind: each precommit timeout of the current round starts the next.
            for _ in 0..<Int.random(in: 0...3, using: &random) where h.engine.isStarted {
                h.fire(.precommit, round: h.engine.round, height: h.engine.height)
            }
            for _ in 0..<40 {
                let timeout = ConsensusTimeout(
                    height: UInt64.random(in: 1...3, using: &random), round: UInt32.random(in: 0...4, using: &random),
                    step: Self.steps.randomElement(using: &random)!)
                guard h.engine.isObsolete(timeout) else {
                    live += 1
                    continue
                }
                obsolete += 1
                var probe = h
                let actions = probe.handle(.timeout(timeout))
                #expect(actions.isEmpty, "seed \(seed): \(timeout) produced \(actions)")
                #expect(probe.engine.height == h.engine.height && probe.engine.round == h.engine.round)
                #expect(probe.engine.step == h.engine.step && probe.engine.isStarted == h.engine.isStarted)
                #expect(probe.engine.isWaitingForTransactions == h.engine.isWaitingForTransactions)
            }
        }
        #expect(obsolete > 100 && live > 100)
    }
}
