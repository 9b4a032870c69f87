import HMNLedger
import HMNMesh
@testable import HMNNode
import HMNPrimitives
import Testing

/// Live shard splits on in-process nodes: a shard searched harder than the genesis threshold is
/// split by its first replica's proposal, every node applies the committed split, records move to
/// the half they now belong to, and nothing is lost.
@Suite("FullNode, live shard splits", .serialized)
struct ShardSplitTests {
    @Test("a hot shard is split through consensus; records move to their new shards and every node still finds all")
    func hotShardSplits() async throws {
        var options = LocalTestnet.fastOptions
        options.mesh = GenesisDocument.Mesh(shards: 2, replicationFactor: 2, splitMaxQueriesPerSecond: 60)
        try await LocalTestnet.withTestnet(options: options) { net in
            try await net.waitForHeight(1)
            let records = ShardedMemoryTests.records(40, net: net)
            for (index, record) in records.enumerated() { _ = try await net.node(index % 4).putMemory(record) }
            try await ShardedMemoryTests.waitForPlacement(
                "every write reaches its replicas", nodes: net.running, records: records, replicas: 2)

            // The shard of record 0 gets hot on its first replica, which serves the searches itself.
            let before = try #require(await net.node(0).memoryShards())
            #expect(before.layoutVersion == 0 && before.shards.count == 2)
            let mesh = try #require(net.node(0).memory.replicator as? MeshGossipReplicator)
            let hot = try #require(mesh.placement?.map.nearestShard(to: records[0].vector))
            let leaderKey = try #require(before.shards.first { $0.id == hot }?.replicas.first)
            let leader = try #require(net.homes.firstIndex { $0.signingKey.publicKey == leaderKey })
            let hotRecords = records.filter { mesh.placement?.map.nearestShard(to: $0.vector) == hot }
            #expect(hotRecords.count >= 4)
            let deadline = ContinuousClock.now + .seconds(60)
            var searches = 0
            while try #require(await net.node(leader).memoryShards()).layoutVersion == 0 {
                guard ContinuousClock.now < deadline else {
                    Issue.record("no split after \(searches) searches on node \(leader)")
                    return
                }
                for record in hotRecords {
                    _ = try await net.node(leader).searchMemory(MemorySearchQuery(vector: record.vector, k: 1))
                    searches += 1
                }
                try await Task.sleep(for: .milliseconds(5))
            }
            let observed = try #require(net.node(leader).splits?.lastObservation.first { $0.shard == hot })
            #expect(observed.queriesPerSecond > 60)

            // Every node applies the same split: three shards, the new one with id 2.
            try await LocalTestnet.eventually("every node applied the split", within: 30) {
                for node in net.running where await node.memoryShards()?.layoutVersion != 1 { return false }
                return true
            }
            let maps = net.running.compactMap { ($0.memory.replicator as? MeshGossipReplicator)?.placement?.map }
            #expect(maps.count == 4 && Set(maps.map(\.shards)).count == 1, "nodes disagree on the split")
            let map = maps[0]
            #expect(map.shards.map(\.id) == [0, 1, 2])
            // The new centroid is trained on the hot shard's records and takes part of them (it may
            // also be nearest to a few of the other shard's: placement is by nearest centroid).
            let moved = records.filter { map.nearestShard(to: $0.vector) == 2 }
            #expect(moved.filter { hotRecords.contains($0) }.count >= 2, "the new shard takes hot records")
            #expect(records.filter { map.nearestShard(to: $0.vector) == hot }.count >= 2, "the hot shard keeps some")

            // Records reach their new replicas and leave nodes that no longer host them.
            try await ShardedMemoryTests.waitForPlacement(
                "records move to their new shards", nodes: net.running, records: records, replicas: 2)
            for (index, node) in net.running.enumerated() {
                let hosted = Set(try #require(await node.memoryShards()).shards.filter(\.hostedHere).map(\.id))
                let expected = records.filter { hosted.contains(map.nearestShard(to: $0.vector)!) }
                #expect(node.memory.store.count == expected.count, "node \(index) holds other shards' records")
            }
            for node in net.running {
                for record in records {
                    #expect(try await node.memoryRecord(id: record.id) == record)
                    let answer = try await node.searchMemory(MemorySearchQuery(vector: record.vector, k: 1))
                    #expect(answer.hits.first?.record.id == record.id)
                }
            }
            // The split is on the chain. Another replica that served the routed searches may have
            // proposed on the same layout version too: committed, but skipped by every node alike.
            let proposals = try await net.node(0).read { try $0.shardMapProposals(in: 1...$0.height) }
            #expect(!proposals.isEmpty)
            #expect(
                try net.homes[0].genesisDocument.meshLayout(dimension: 8).applyingCommitted(proposals) == mesh.layout)
            #expect(mesh.layout.version == 1)
            #expect(try net.metrics.expectGauge("hmn_mesh_layout_version").lastValue == 1)

            // A restarted node replays the split from its chain and keeps exactly its shards.
            let held = net.node(3).memory.store.count
            await net.stop(3)
            try net.start(3)
            let restarted = try #require(await net.node(3).memoryShards())
            #expect(restarted.layoutVersion == 1 && restarted.shards.count == 3)
            #expect(
                restarted.shards.map(\.replicas)
                    == (try #require(await net.node(0).memoryShards())).shards.map(\.replicas))
            #expect(net.node(3).memory.store.count == held && restarted.handingOff == 0)
        }
    }
}
