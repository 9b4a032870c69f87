import HMNMesh
import HMNPrimitives
import Testing

@Suite("Gossip engine: settled digests and replica faults")
struct GossipEngineSettledDigestTests {
    let base = GossipEngineTests()

    /// Three nodes, two shards, every node a replica of both.
    func engine(_ index: Int, fault: ReplicaFault? = nil) -> GossipEngine {
        var configuration = GossipConfiguration(chainID: base.chainID)
        configuration.replicaFault = fault
        let map = MeshTestSupport.map(
            centroids: [[1, 0, 0, 0], [0, 1, 0, 0]], nodes: base.keys.map(\.publicKey))
        var engine = GossipEngine(
            configuration: configuration, signingKey: base.keys[index], map: map, lambda: .one,
            logger: MeshTestSupport.logger())
        for (peer, key) in base.keys.enumerated() where peer != index {
            _ = engine.handle(.peerJoined(key.publicKey, rttMilliseconds: 10), nowMilliseconds: 0)
        }
        return engine
    }

    func push(_ records: [MemoryRecord], into engine: inout GossipEngine, from peer: Int) -> [GossipAction] {
        engine.handle(
            .received(.push(shard: 0, records: records, kind: .eager), from: base.keys[peer].publicKey),
            nowMilliseconds: 1)
    }

    /// Records of shard 0 by author 2, updated at `updatedAt`.
    func records(_ ids: Range<UInt8>, updatedAt: UInt64 = 0) -> [MemoryRecord] {
        ids.map { id in
            MemoryRecord(
                id: Hash256.of([id]), vector: [1, 0.1, 0, 0], payload: [id], author: base.keys[2].publicKey,
                createdAtMilliseconds: updatedAt
            ).signed(chainID: base.chainID, key: base.keys[2])
        }
    }

    @Test("One digest per hosted shard, sorted, the empty shard included; honest replicas agree whatever the order")
    func honestReplicasAgree() {
        var first = engine(0)
        var second = engine(1)
        let settled = records(0..<10)
        _ = push(settled, into: &first, from: 2)
        _ = push(settled.reversed(), into: &second, from: 2)
        // A write still spreading: only the first replica has it, but it is newer than the cutoff.
        _ = push(records(10..<11, updatedAt: 9_000), into: &first, from: 2)
        let digests = first.settledShardDigests(cutoffMilliseconds: 5_000)
        #expect(digests.map(\.shard) == [0, 1])
        #expect(digests == second.settledShardDigests(cutoffMilliseconds: 5_000))
        #expect(VoteExtension(lambdaProposal: .one, shardDigests: digests).isCanonical)
        #expect(
            first.settledShardDigests(cutoffMilliseconds: 9_000)
                != second.settledShardDigests(cutoffMilliseconds: 9_000))
    }

    @Test(
        "corruptReplicas: what the replica holds is altered after validation, so its digest differs; the node persists the valid copy"
    )
    func corruptReplicas() throws {
        var honest = engine(0)
        var faulty = engine(1, fault: .corruptReplicas)
        let written = records(0..<5)
        _ = push(written, into: &honest, from: 2)
        let actions = push(written, into: &faulty, from: 2)
        let integrated = actions.compactMap { if case .integrated(let record, _) = $0 { record } else { nil } }
        #expect(integrated == written, "the shell is handed the validated records")
        #expect(faulty.store.count == 5)
        for record in written {
            let held = try #require(faulty.store.record(record.id))
            #expect(held.payload != record.payload && held.version == record.version)
        }
        #expect(
            faulty.settledShardDigests(cutoffMilliseconds: 10)[0]
                != honest.settledShardDigests(cutoffMilliseconds: 10)[0])

        // Local writes and restored records go bad the same way.
        var writer = engine(1, fault: .corruptReplicas)
        let own = try #require(records(20..<21).first)
        _ = writer.handle(.localWrite(own), nowMilliseconds: 1)
        #expect(writer.store.record(own.id)?.contentHash != own.contentHash)
        var restored = engine(1, fault: .corruptReplicas)
        #expect(restored.restore(written) == 5)
        #expect(
            restored.settledShardDigests(cutoffMilliseconds: 10) == faulty.settledShardDigests(cutoffMilliseconds: 10))

        // The honest copy arriving again does not heal the replica.
        _ = push(written, into: &faulty, from: 0)
        #expect(
            faulty.settledShardDigests(cutoffMilliseconds: 10)[0]
                != honest.settledShardDigests(cutoffMilliseconds: 10)[0])
    }

    @Test("A corrupt copy served by the faulty replica is refused by a peer, which scores the sender")
    func corruptCopyRefused() throws {
        var faulty = engine(1, fault: .corruptReplicas)
        let written = records(0..<3)
        _ = push(written, into: &faulty, from: 2)
        var peer = engine(0)
        // The peer asks for the records (as after an IHAVE or a repair round); the faulty node answers.
        let answer = faulty.handle(
            .received(.iwant(ids: written.map(\.id)), from: base.keys[0].publicKey), nowMilliseconds: 2)
        let messages = answer.compactMap { action -> GossipMessage? in
            if case .send(let to, let message) = action, to == base.keys[0].publicKey { return message }
            return nil
        }
        #expect(!messages.isEmpty)
        var rejected: [MeshError.Code] = []
        for message in messages {
            rejected += GossipEngineTests.rejections(
                peer.handle(.received(message, from: base.keys[1].publicKey), nowMilliseconds: 3))
        }
        #expect(rejected == [.invalidSignature, .invalidSignature, .invalidSignature])
        #expect(peer.store.count == 0)
        #expect(try #require(peer.peers[base.keys[1].publicKey]).score < 0)
    }

    @Test("dropWrites: the replica holds nothing and reports the empty digest; local writes still reach the others")
    func dropWrites() throws {
        var honest = engine(0)
        var faulty = engine(1, fault: .dropWrites)
        let written = records(0..<5)
        _ = push(written, into: &honest, from: 2)
        let actions = push(written, into: &faulty, from: 2)
        #expect(!actions.contains { if case .integrated = $0 { true } else { false } })
        #expect(faulty.store.count == 0)
        #expect(faulty.restore(written) == 0)
        let own = try #require(records(30..<31).first)
        let local = faulty.handle(.localWrite(own), nowMilliseconds: 1)
        #expect(local.contains { if case .send(_, .push(_, let pushed, _)) = $0 { pushed == [own] } else { false } })
        #expect(faulty.store.count == 0)
        var empty = engine(2)
        #expect(faulty.settledShardDigests(cutoffMilliseconds: 10) == empty.settledShardDigests(cutoffMilliseconds: 10))
        #expect(
            faulty.settledShardDigests(cutoffMilliseconds: 10) != honest.settledShardDigests(cutoffMilliseconds: 10))
    }
}
