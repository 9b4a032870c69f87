import HMNMesh
import HMNPrimitives
import Testing

/// ``GossipEngine/isSettled(_:)``: a newly hosted shard may still be receiving its records, so it
/// counts as settled only once a co-replica's whole-shard fingerprint equals this node's, or after
/// the configured time, or when this node is its only replica.
@Suite("Gossip engine: settled shards")
struct GossipSettledShardTests {
    let support = GossipEngineSettledDigestTests()

    func reconcile(_ engine: inout GossipEngine, shard: ShardID, root: RangeFingerprint, from peer: Int, at now: UInt64)
    {
        _ = engine.handle(
            .received(
                .reconcile(shard: shard, ranges: [root], complete: []), from: support.base.keys[peer].publicKey),
            nowMilliseconds: now)
    }

    @Test("unsettled from the start until a co-replica's root fingerprint equals ours; an unequal one changes nothing")
    func settlesOnEqualFingerprint() {
        var node = support.engine(0)
        var peer = support.engine(1)
        #expect(!node.isSettled(0) && !node.isSettled(1), "newly started: records may be missing")
        _ = support.push(support.records(0..<6), into: &node, from: 2)
        reconcile(&node, shard: 0, root: peer.store.fingerprint(shard: 0, prefix: .root), from: 1, at: 2)
        #expect(!node.isSettled(0), "the co-replica holds something else")
        _ = support.push(support.records(0..<6), into: &peer, from: 2)
        reconcile(&node, shard: 0, root: peer.store.fingerprint(shard: 0, prefix: .root), from: 1, at: 3)
        #expect(node.isSettled(0))
        #expect(!node.isSettled(1), "each shard on its own")
        reconcile(&node, shard: 1, root: peer.store.fingerprint(shard: 1, prefix: .root), from: 1, at: 4)
        #expect(node.isSettled(1), "two empty copies agree")
    }

    @Test("settled after the configured time without a reconciliation; never for a shard not hosted here")
    func settlesWithTime() {
        var node = support.engine(0)
        _ = node.handle(.tick, nowMilliseconds: 1_000)
        #expect(!node.isSettled(0))
        _ = node.handle(.tick, nowMilliseconds: 1_000 + GossipConfiguration(chainID: "c").settleMilliseconds)
        #expect(node.isSettled(0) && node.isSettled(1))
        #expect(!node.isSettled(7), "shard 7 does not exist")
    }

    @Test("a shard whose only replica is this node is settled at once")
    func onlyReplica() {
        let key = support.base.keys[0]
        let map = MeshTestSupport.map(centroids: [[1, 0, 0, 0]], nodes: [key.publicKey], replicationFactor: 1)
        var node = GossipEngine(
            configuration: GossipConfiguration(chainID: support.base.chainID), signingKey: key, map: map,
            lambda: .one, logger: MeshTestSupport.logger())
        _ = node.handle(.start, nowMilliseconds: 5)
        #expect(node.isSettled(0))
    }

    @Test(
        "a shard gained after start stays out of the precommit digests until settled; one hosted since start is in at once"
    )
    func gainedShardDigests() {
        let handoff = GossipHandoffTests()
        var node = handoff.engine(0, map: handoff.map(replicas: [1, 2]))
        _ = node.handle(.start, nowMilliseconds: 1)
        #expect(node.settledShardDigests(cutoffMilliseconds: 0).isEmpty, "hosts nothing")
        _ = node.handle(.mapChanged(handoff.map(replicas: [0, 1], version: 1)), nowMilliseconds: 2)
        #expect(node.shards == [0] && !node.isSettled(0))
        #expect(node.settledShardDigests(cutoffMilliseconds: 0).isEmpty, "gained, still arriving: left out")
        // Node 1 reconciles with an equal (empty) shard: settled, reported.
        let root = RangeFingerprint(prefix: .root, count: 0, fingerprint: 0)
        _ = node.handle(
            .received(.reconcile(shard: 0, ranges: [root], complete: []), from: handoff.keys[1].publicKey),
            nowMilliseconds: 3)
        #expect(node.isSettled(0))
        #expect(node.settledShardDigests(cutoffMilliseconds: 0).map(\.shard) == [0])

        var since = handoff.engine(1, map: handoff.map(replicas: [1, 2]))
        _ = since.handle(.start, nowMilliseconds: 1)
        #expect(!since.isSettled(0))
        #expect(since.settledShardDigests(cutoffMilliseconds: 0).map(\.shard) == [0], "hosted since start: reported")
    }
}
