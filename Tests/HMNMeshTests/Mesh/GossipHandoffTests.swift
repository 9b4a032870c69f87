import HMNMesh
import HMNPrimitives
import Testing

/// A writer that hosts no replica of a record's shard hands the record to every replica and keeps
/// it until all acknowledged, even when the placement changes before they do.
@Suite("Gossip handoff of writes from a non-replica")
struct GossipHandoffTests {
    let keys = (0..<5).map { MeshTestSupport.key(40 + $0) }
    let chainID = "hmn-handoff"

    /// One shard on `replicas` of the five keys (weight 0 for the others), R = 2.
    func map(replicas: [Int], version: UInt64 = 0) -> ShardMap {
        var map = ShardMap(dimension: 4, replicationFactor: 2)
        let changes: [ShardMapChange] =
            [.setCentroids([[1, 0, 0, 0]])]
            + keys.enumerated().map { index, key in
                .upsertNode(MeshNodeInfo(key: key.publicKey, psi: replicas.contains(index) ? .one : .zero))
            }
        map = try! map.applying(ShardMapProposal(baseVersion: 0, changes: changes))
        // Bump the version so an engine accepts it as newer.
        for _ in 0..<version {
            map = try! map.applying(ShardMapProposal(baseVersion: map.version, changes: [.setReplicationFactor(2)]))
        }
        return map
    }

    func engine(_ index: Int, map: ShardMap) -> GossipEngine {
        var engine = GossipEngine(
            configuration: GossipConfiguration(chainID: chainID), signingKey: keys[index], map: map, lambda: .one,
            logger: MeshTestSupport.logger())
        for (peer, key) in keys.enumerated() where peer != index {
            _ = engine.handle(.peerJoined(key.publicKey, rttMilliseconds: 10), nowMilliseconds: 0)
        }
        return engine
    }

    static func handoffs(_ actions: [GossipAction]) -> [PublicKey] {
        actions.compactMap {
            if case .send(let peer, .push(_, _, .handoff)) = $0 { peer } else { nil }
        }
    }

    @Test(
        "the writer keeps the record until both replicas ack; a replica replaced before it acked is dropped from the targets and the new one is asked"
    )
    func handoffFollowsPlacement() {
        var writer = engine(0, map: map(replicas: [1, 2]))
        let record = MemoryRecord(id: Hash256.of([7]), vector: [1, 0, 0, 0], payload: [1], author: keys[0].publicKey)
            .signed(chainID: chainID, key: keys[0])
        let write = writer.handle(.localWrite(record), nowMilliseconds: 1)
        #expect(Set(Self.handoffs(write)) == [keys[1].publicKey, keys[2].publicKey])
        #expect(writer.retained[record.id] == record && writer.isHandingOff)

        // Replica 1 acknowledges; then placement moves the shard from replica 2 to node 3.
        _ = writer.handle(
            .received(.ack(entries: [RecordVersion(record)]), from: keys[1].publicKey), nowMilliseconds: 2)
        let moved = writer.handle(.mapChanged(map(replicas: [1, 3], version: 1)), nowMilliseconds: 3)
        #expect(
            Self.handoffs(moved) == [keys[3].publicKey], "the new replica is asked at once, the acked one not again")
        // Node 2 no longer hosts the shard and never acks; node 3's ack completes the handoff.
        let done = writer.handle(
            .received(.ack(entries: [RecordVersion(record)]), from: keys[3].publicKey), nowMilliseconds: 4)
        #expect(done.contains(.dropped(record.id)))
        #expect(writer.retained[record.id] == nil && !writer.isHandingOff)
    }

    @Test("a writer that becomes a replica before the handoff completes keeps the record as a replica")
    func writerBecomesReplica() {
        var writer = engine(0, map: map(replicas: [1, 2]))
        let record = MemoryRecord(id: Hash256.of([8]), vector: [1, 0, 0, 0], payload: [2], author: keys[0].publicKey)
            .signed(chainID: chainID, key: keys[0])
        _ = writer.handle(.localWrite(record), nowMilliseconds: 1)
        let moved = writer.handle(.mapChanged(map(replicas: [0, 1], version: 1)), nowMilliseconds: 2)
        #expect(writer.store.record(record.id) == record && writer.retained[record.id] == nil)
        #expect(!moved.contains(.dropped(record.id)))
        let done = writer.handle(
            .received(.ack(entries: [RecordVersion(record)]), from: keys[1].publicKey), nowMilliseconds: 3)
        #expect(!done.contains(.dropped(record.id)) && !writer.isHandingOff)
        #expect(writer.store.record(record.id) == record)
    }
}
