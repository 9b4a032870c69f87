import HMNMesh
import HMNPrimitives
import HMNSimulator
import Testing

/// Dynamic sharding in the simulator: a shard split and a node leaving, finalized together, while
/// writes and queries continue.
@Suite("Resharding")
struct ReshardingTests {
    static let dimension = 16

    /// Recall@k of routed answers against exact search over `records` (hits outside `records` ignored).
    static func recall(_ sim: MeshSimulation, queries: [[Float]], records: [MemoryRecord], k: Int) -> Double {
        let ids = Set(records.map(\.id))
        var found = 0
        for query in queries {
            let truth = records.map { ($0.id, cosine(query, $0.vector)) }.sorted { $0.1 < $1.1 }.prefix(k).map(\.0)
            let got = sim.query(query, k: 4 * k, lambda: FixedPoint(raw: 300_000)).hits.map(\.id)
                .filter { ids.contains($0) }.prefix(k)
            found += Set(truth).intersection(got).count
        }
        return Double(found) / Double(queries.count * k)
    }

    static func cosine(_ a: [Float], _ b: [Float]) -> Float {
        let dot = zip(a, b).map(*).reduce(0, +)
        let norms = (a.map { $0 * $0 }.reduce(0, +) * b.map { $0 * $0 }.reduce(0, +)).squareRoot()
        return 1 - dot / norms
    }

    @Test("Split and leave under load: no record lost or duplicated, queries keep recall during the move")
    func splitAndLeaveUnderLoad() throws {
        var configuration = MeshSimulationConfiguration(nodeCount: 12, seed: 91)
        configuration.dimension = Self.dimension
        configuration.shardCount = 4
        let sim = MeshSimulation(
            configuration: configuration,
            sample: MeshTestSupport.sample(dimension: Self.dimension, count: 300, seed: 91),
            logger: MeshTestSupport.logger())
        var vectors = LowRankVectors(dimension: Self.dimension, intrinsicDimension: 4, seed: 92)
        var picker = SeededGenerator(seed: 93)
        var before: [MemoryRecord] = []
        for _ in 0..<200 {
            let author = Int(picker.next() % 11)
            let record = sim.makeRecord(vector: vectors.next(), author: author)
            before.append(record)
            sim.write(record, at: author)
            sim.run(for: 2)
        }
        sim.run(for: 1_000)
        #expect(sim.missingReplicaCount() == 0)
        let queries = vectors.next(20)
        let recallBefore = Self.recall(sim, queries: queries, records: before, k: 5)

        // The largest shard splits and node 11 leaves, in one finalized proposal.
        let loads = sim.map.shards.map { shard in
            ShardSplitPlanner.ShardLoad(
                shard: shard.id,
                vectors: before.filter { sim.map.nearestShard(to: $0.vector) == shard.id }.map(\.vector))
        }
        let largest = try #require(loads.map(\.vectors.count).max())
        var generator = SeededGenerator(seed: 94)
        var proposal = try #require(
            ShardSplitPlanner(maxRecords: largest - 1).proposal(map: sim.map, loads: loads, generator: &generator))
        proposal.changes.append(.removeNode(sim.key(11)))
        let newMap = try sim.map.applying(ShardMapProposal(transactionPayload: proposal.transactionPayload))
        #expect(newMap.shards.count == 5)
        sim.broadcast(.mapChanged(newMap))
        #expect(sim.isHandingOff)

        var during: [Double] = []
        for step in 0..<40 {
            let author = Int(picker.next() % 11)
            sim.write(sim.makeRecord(vector: vectors.next(), author: author), at: author)
            sim.run(for: 10)
            if step % 5 == 0 { during.append(Self.recall(sim, queries: queries, records: before, k: 5)) }
        }
        sim.run(for: 3_000)
        let recallAfter = Self.recall(sim, queries: queries, records: before, k: 5)
        print("mesh resharding: recall@5 before \(recallBefore), during \(during), after \(recallAfter)")

        #expect(!sim.isHandingOff)
        #expect(sim.distinctRecordIDs == sim.writtenIDs, "no record lost")
        #expect(sim.missingReplicaCount() == 0, "every record on every replica of its new shard")
        #expect(sim.misplacedRecordCount() == 0, "no copy left outside its replica set")
        #expect(sim.engines[11].heldRecords.isEmpty, "the leaving node handed everything off")
        #expect(during.allSatisfy { $0 >= recallBefore - 0.05 })
        #expect(recallAfter >= recallBefore - 0.05)
    }
}

@Suite("Rebalancing")
struct RebalancingTests {
    @Test("A node leaves and joins again: its shards move out and back with nothing lost or left behind")
    func leaveThenJoin() throws {
        var configuration = MeshSimulationConfiguration(nodeCount: 10, seed: 101)
        configuration.dimension = 16
        configuration.shardCount = 6
        let sim = MeshSimulation(
            configuration: configuration, sample: MeshTestSupport.sample(dimension: 16, count: 300, seed: 101),
            logger: MeshTestSupport.logger())
        var vectors = LowRankVectors(dimension: 16, intrinsicDimension: 4, seed: 102)
        for index in 0..<120 {
            sim.write(sim.makeRecord(vector: vectors.next(), author: index % 9), at: index % 9)
            sim.run(for: 2)
        }
        sim.run(for: 1_000)
        let hostedBefore = sim.engines[9].store.count
        #expect(hostedBefore > 0)
        let leave = try sim.map.applying(
            ShardMapProposal(baseVersion: sim.map.version, changes: [.removeNode(sim.key(9))]))
        sim.broadcast(.mapChanged(leave))
        sim.run(for: 2_000)
        #expect(sim.engines[9].heldRecords.isEmpty)
        #expect(sim.missingReplicaCount() == 0)
        let join = try sim.map.applying(
            ShardMapProposal(baseVersion: sim.map.version, changes: [.upsertNode(MeshNodeInfo(key: sim.key(9)))]))
        sim.broadcast(.mapChanged(join))
        sim.run(for: 2_000)
        #expect(!sim.isHandingOff)
        #expect(sim.engines[9].store.count == hostedBefore, "the same placement comes back")
        #expect(sim.distinctRecordIDs == sim.writtenIDs)
        #expect(sim.missingReplicaCount() == 0)
        #expect(sim.misplacedRecordCount() == 0)
    }

    @Test("A seed replays exactly: same bytes, same latencies")
    func replay() {
        func run() -> ([String: Int], [UInt64]) {
            var configuration = MeshSimulationConfiguration(nodeCount: 8, seed: 111)
            configuration.lossRate = 0.05
            let sim = MeshSimulation(
                configuration: configuration, sample: MeshTestSupport.sample(dimension: 16, count: 200, seed: 111),
                logger: MeshTestSupport.logger())
            var vectors = LowRankVectors(dimension: 16, intrinsicDimension: 4, seed: 112)
            for index in 0..<30 {
                sim.write(sim.makeRecord(vector: vectors.next(), author: index % 8), at: index % 8)
                sim.run(for: 3)
            }
            sim.run(for: 500)
            return (sim.counters.bytesByKind, sim.replicationLatencies().perReplica.sorted())
        }
        let first = run()
        let second = run()
        #expect(first.0 == second.0)
        #expect(first.1 == second.1)
    }
}
