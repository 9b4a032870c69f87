import HMNMesh
import HMNPrimitives
import HMNSimulator
import Testing

/// The memory mesh in the seeded network simulator (the mesh's required behaviours under faults).
@Suite("Mesh simulation")
struct MeshSimulationTests {
    static let dimension = 16

    static func simulation(nodes: Int, seed: UInt64, lambda: Double, loss: Double = 0) -> MeshSimulation {
        var configuration = MeshSimulationConfiguration(nodeCount: nodes, seed: seed)
        configuration.dimension = dimension
        configuration.lambda = FixedPoint(exactly: lambda)!
        configuration.lossRate = loss
        return MeshSimulation(
            configuration: configuration, sample: MeshTestSupport.sample(dimension: dimension, count: 400, seed: seed),
            logger: MeshTestSupport.logger())
    }

    @Test(
        "16 nodes, 1% loss, random delays: every write reaches all its replicas (p50/p99 per λ tier)",
        arguments: [0.3, 0.6, 1.0])
    func writesReachAllReplicas(lambda: Double) {
        let sim = Self.simulation(nodes: 16, seed: 61, lambda: lambda, loss: 0.01)
        var vectors = LowRankVectors(dimension: Self.dimension, intrinsicDimension: 4, seed: 62)
        var picker = SeededGenerator(seed: 63)
        for index in 0..<60 {
            let importance = FixedPoint(raw: index % 10 == 0 ? 900_000 : 500_000)
            let author = Int(picker.next() % 16)
            sim.write(sim.makeRecord(vector: vectors.next(), author: author, importance: importance), at: author)
            sim.run(for: 5)
        }
        sim.run(for: 3_000)
        let latencies = sim.replicationLatencies()
        print(
            "mesh λ=\(lambda): write→replica p50 \((Percentile.nearestRank(latencies.perReplica, 0.5) ?? 0)) ms, "
                + "p99 \((Percentile.nearestRank(latencies.perReplica, 0.99) ?? 0)) ms; write→all replicas p50 "
                + "\((Percentile.nearestRank(latencies.toAllReplicas, 0.5) ?? 0)) ms, p99 \((Percentile.nearestRank(latencies.toAllReplicas, 0.99) ?? 0)) ms; "
                + "dropped \(sim.counters.messagesDropped) of \(sim.counters.messagesSent)")
        #expect(sim.missingReplicaCount() == 0)
        #expect(latencies.incomplete == 0)
        #expect(latencies.toAllReplicas.count == 60)
        #expect(sim.counters.proofsCommitted == 6)
        #expect(sim.counters.rejections == 0)
        // Routing in the mesh: when λ ≥ 0.7 every query is answered by its optimal shard alone.
        for _ in 0..<5 {
            let query = vectors.next()
            let routed = sim.query(query, k: 5, lambda: FixedPoint(raw: 900_000))
            #expect(routed.servedBy == [sim.map.nearestShard(to: query)!])
        }
        // Eager push: half the writes are on every replica within the network's latency range.
        #expect((Percentile.nearestRank(latencies.toAllReplicas, 0.5) ?? 0) <= 50)
        if lambda < 0.5 { #expect((Percentile.nearestRank(latencies.perReplica, 0.99) ?? 0) < 100) }
    }

    /// Records here carry a 96-dimensional vector and 128 payload bytes (about 700 encoded bytes); the
    /// repair overhead per differing record is roughly constant (fingerprints, a 44-byte summary, a
    /// 32-byte IWANT), so the 2× bound holds for records of this size and larger (real 384-dimensional
    /// embeddings are over 1.5 KB) and the printed overhead per record shows the constant.
    @Test("Partition and heal: repair converges with bytes sent ≤ 2× the differing records' bytes")
    func partitionHeal() {
        var configuration = MeshSimulationConfiguration(nodeCount: 16, seed: 71)
        configuration.dimension = 96
        configuration.lambda = FixedPoint(raw: 300_000)
        let sim = MeshSimulation(
            configuration: configuration, sample: MeshTestSupport.sample(dimension: 96, count: 300, seed: 71),
            logger: MeshTestSupport.logger())
        var vectors = LowRankVectors(dimension: 96, intrinsicDimension: 4, seed: 72)
        var picker = SeededGenerator(seed: 73)
        for _ in 0..<100 {
            let author = Int(picker.next() % 16)
            sim.write(sim.makeRecord(vector: vectors.next(), author: author, payloadBytes: 128), at: author)
            sim.run(for: 2)
        }
        sim.run(for: 1_000)
        #expect(sim.missingReplicaCount() == 0)
        sim.partition([Array(0..<8), Array(8..<16)])
        for _ in 0..<60 {
            let author = Int(picker.next() % 16)
            sim.write(sim.makeRecord(vector: vectors.next(), author: author, payloadBytes: 128), at: author)
            sim.run(for: 5)
        }
        sim.run(for: 1_000)
        let differingBytes = sim.missingReplicaBytes()
        let missing = sim.missingReplicaCount()
        #expect(missing > 20, "the partition must leave replicas behind")
        sim.heal()
        sim.resetCounters()
        var elapsed: UInt64 = 0
        while sim.missingReplicaCount() > 0 && elapsed < 10_000 {
            sim.run(for: 20)
            elapsed += 20
        }
        let sent = sim.counters.bytesSent
        print(
            "mesh partition/heal: \(missing) replica slots missing (\(differingBytes) B), converged in \(elapsed) ms "
                + "with \(sent) B sent (\(String(format: "%.2f", Double(sent) / Double(max(differingBytes, 1))))×): "
                + "\(sim.counters.bytesByKind.sorted { $0.key < $1.key }); \(sim.counters.payloadReceptions) record "
                + "receptions; overhead \((sent - differingBytes) / max(missing, 1)) B per missing replica slot")
        #expect(sim.missingReplicaCount() == 0)
        #expect(sent <= 2 * differingBytes)
    }

    @Test("A forged proof, a stale replay and garbage injected on the network are rejected; the score falls")
    func adversarialPeer() throws {
        let sim = Self.simulation(nodes: 8, seed: 81, lambda: 0.3)
        var vectors = LowRankVectors(dimension: Self.dimension, intrinsicDimension: 4, seed: 82)
        let vector = vectors.next()
        let shard = try #require(sim.map.nearestShard(to: vector))
        let target = try #require(sim.keys.firstIndex { $0.publicKey == sim.map.replicas(of: shard)[0] })
        let attacker = (target + 1) % 8
        // A critical record whose proof signature belongs to other content.
        var forged = sim.makeRecord(vector: vector, author: attacker, importance: FixedPoint(raw: 950_000))
        let other = sim.makeRecord(vector: vector, author: attacker, importance: FixedPoint(raw: 950_000))
        forged.proof = MemoryProof(
            record: forged, rphv: FixedPoint(raw: 950_000), timestampMilliseconds: 0, chainID: "hmn-mesh-sim",
            key: sim.keys[attacker])
        forged.proof!.authorSignature =
            MemoryProof(
                record: other, rphv: FixedPoint(raw: 950_000), timestampMilliseconds: 0, chainID: "hmn-mesh-sim",
                key: sim.keys[attacker]
            ).authorSignature
        sim.inject(
            GossipMessage.push(shard: shard, records: [forged], kind: .eager).canonicalBytes, from: attacker,
            to: target)
        sim.run(for: 100)
        #expect(sim.engines[target].store.record(forged.id) == nil)
        let afterForgery = try #require(sim.engines[target].peers[sim.key(attacker)]).score
        #expect(afterForgery < 0)
        // Stale replay: the honest v2 is everywhere, the attacker replays v1.
        var honest = sim.makeRecord(vector: vector, author: target)
        let v1 = honest
        honest.version = 2
        sim.write(honest, at: target)
        sim.run(for: 200)
        sim.inject(
            GossipMessage.push(shard: shard, records: [v1], kind: .eager).canonicalBytes, from: attacker, to: target)
        sim.run(for: 100)
        #expect(sim.engines[target].store.record(honest.id)?.version == 2)
        let afterReplay = try #require(sim.engines[target].peers[sim.key(attacker)]).score
        #expect(afterReplay < afterForgery)
        // Garbage bytes.
        sim.inject([0, 0, 0, 1, 7], from: attacker, to: target)
        sim.run(for: 100)
        #expect(try #require(sim.engines[target].peers[sim.key(attacker)]).score < afterReplay)
    }
}
