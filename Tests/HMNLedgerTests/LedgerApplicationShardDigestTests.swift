import HMNPrimitives
import Synchronization
import Testing

@testable import HMNLedger

@Suite("The ledger application's shard digests")
struct LedgerApplicationShardDigestTests {
    /// A digest source that records the cutoffs it was asked for and answers `answer`.
    final class RecordingSource: Sendable {
        let cutoffs = Mutex<[UInt64]>([])
        let answer: [ShardDigest]

        init(_ answer: [ShardDigest]) { self.answer = answer }

        func source(settleMilliseconds: UInt64) -> ShardDigestSource {
            ShardDigestSource(settleMilliseconds: settleMilliseconds) { [self] cutoff in
                cutoffs.withLock { $0.append(cutoff) }
                return answer
            }
        }
    }

    static let digests = [ShardDigest(shard: 0, digest: .of([1])), ShardDigest(shard: 3, digest: .of([2]))]

    @Test(
        "Height 1 carries none; later heights carry the source's digests, cut off at the tip's time minus the settle window"
    )
    func cutoffFromTip() throws {
        let nodes = try LedgerApplicationTests.TwoNodes()
        let recording = RecordingSource(Self.digests)
        nodes.a.shardDigestSource = recording.source(settleMilliseconds: 2_000)
        let first = nodes.a.extendVote(height: 1, round: 0, blockID: .zero)
        #expect(first.shardDigests.isEmpty)
        #expect(recording.cutoffs.withLock { $0 }.isEmpty, "no shared time before the first block")

        try nodes.height()
        try nodes.height()  // its commit carries a's digests for height 2
        recording.cutoffs.withLock { $0 = [] }
        let tip = nodes.chainA.ledger.tip.timeMilliseconds
        let vote = nodes.a.extendVote(height: 3, round: 0, blockID: .zero)
        #expect(vote.shardDigests == Self.digests)
        #expect(nodes.b.verifyVoteExtension(vote, validator: nodes.chainA.proposer, height: 3))
        // Every round of the height asks with the same cutoff.
        _ = nodes.a.extendVote(height: 3, round: 1, blockID: .zero)
        #expect(recording.cutoffs.withLock { $0 } == [tip - 2_000, tip - 2_000])
        // Not the height after the tip: nothing (and the source is not asked).
        #expect(nodes.a.extendVote(height: 5, round: 0, blockID: .zero).shardDigests.isEmpty)
        #expect(recording.cutoffs.withLock { $0 }.count == 2)
    }

    @Test("A zero settle window cuts off at the tip's own time; a window longer than the chain's age at 0")
    func cutoffBounds() throws {
        let nodes = try LedgerApplicationTests.TwoNodes()
        let recording = RecordingSource(Self.digests)
        nodes.a.shardDigestSource = recording.source(settleMilliseconds: 0)
        try nodes.height()
        _ = nodes.a.extendVote(height: 2, round: 0, blockID: .zero)
        #expect(recording.cutoffs.withLock { $0 } == [nodes.chainA.ledger.tip.timeMilliseconds])
        #expect(ShardDigestSource.cutoffMilliseconds(tipTimeMilliseconds: 1_500, settleMilliseconds: 2_000) == 0)
        #expect(ShardDigestSource.cutoffMilliseconds(tipTimeMilliseconds: 9_000, settleMilliseconds: 2_000) == 7_000)
    }

    @Test("No source, or a source that breaks its contract (unsorted, repeated shard), gives a vote without digests")
    func noneOrBroken() throws {
        let nodes = try LedgerApplicationTests.TwoNodes()
        try nodes.height()
        #expect(nodes.a.extendVote(height: 2, round: 0, blockID: .zero).shardDigests.isEmpty)
        let repeated = [ShardDigest(shard: 1, digest: .of([1])), ShardDigest(shard: 1, digest: .of([2]))]
        for broken in [Array(Self.digests.reversed()), repeated] {
            nodes.a.shardDigestSource = RecordingSource(broken).source(settleMilliseconds: 0)
            let vote = nodes.a.extendVote(height: 2, round: 0, blockID: .zero)
            #expect(vote.shardDigests.isEmpty)
            #expect(vote.isCanonical)
        }
    }
}
