import HMNConsensus
import HMNPrimitives
import Testing

@testable import HMNNode

/// The driver's pending timeouts: deadline order, ties in scheduling order, due sets, dropping.
@Suite("Timeout queue")
struct TimeoutQueueTests {
    static let steps: [TimeoutStep] = [.newHeight, .propose, .prevote, .precommit, .gossip, .emptyBlock]

    @Test("pops exactly the due timeouts, earliest first, ties in the order scheduled (seeded)")
    func dueOrder() {
        for seed in UInt64(1)...200 {
            var random = SeededGenerator(seed: seed)
            var queue = TimeoutQueue()
            var scheduled: [(deadline: Duration, order: Int, timeout: ConsensusTimeout)] = []
            for order in 0..<Int.random(in: 0...24, using: &random) {
                let timeout = ConsensusTimeout(
                    height: UInt64.random(in: 1...3, using: &random), round: UInt32.random(in: 0...2, using: &random),
                    step: Self.steps.randomElement(using: &random)!)
                // Few distinct deadlines, so that ties are common.
                let deadline = Duration.milliseconds(Int.random(in: 0...8, using: &random) * 5)
                queue.insert(timeout, deadline: deadline)
                scheduled.append((deadline, order, timeout))
            }
            let expected = scheduled.sorted { ($0.deadline, $0.order) < ($1.deadline, $1.order) }
            #expect(queue.earliestDeadline == expected.first?.deadline)
            let cut = Duration.milliseconds(Int.random(in: 0...45, using: &random))
            let due = queue.popDue(through: cut)
            #expect(due == expected.filter { $0.deadline <= cut }.map(\.timeout), "seed \(seed)")
            #expect(queue.entries.map(\.timeout) == expected.filter { $0.deadline > cut }.map(\.timeout))
            #expect(queue.entries.allSatisfy { $0.deadline > cut })
        }
    }

    @Test("removeAll drops only what the predicate names and keeps the order of the rest")
    func dropping() {
        var queue = TimeoutQueue()
        let old = ConsensusTimeout(height: 1, round: 0, step: .propose)
        let gossip = ConsensusTimeout(height: 1, round: 0, step: .gossip)
        let next = ConsensusTimeout(height: 2, round: 0, step: .newHeight)
        queue.insert(old, deadline: .milliseconds(1_000))
        queue.insert(gossip, deadline: .milliseconds(500))
        queue.insert(next, deadline: .milliseconds(1))
        queue.removeAll { $0.height < 2 && $0.step != .gossip }
        #expect(queue.entries.map(\.timeout) == [next, gossip])
        #expect(queue.popDue(through: .milliseconds(499)) == [next])
        #expect(queue.earliestDeadline == .milliseconds(500))
        #expect(!queue.isEmpty)
    }
}
