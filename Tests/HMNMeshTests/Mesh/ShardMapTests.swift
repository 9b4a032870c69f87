import Foundation
@testable import HMNMesh
import HMNPrimitives
import Testing

@Suite("Shard map")
struct ShardMapTests {
    let nodes = (0..<12).map { MeshTestSupport.key($0).publicKey }
    let centroids = (0..<8).map { MeshTestSupport.axis($0, dimension: 8) }

    @Test("A map round-trips canonically and its digest changes with every proposal")
    func roundTrip() throws {
        let map = MeshTestSupport.map(centroids: centroids, nodes: nodes)
        #expect(map.version == 1)
        #expect(map.shards.count == 8)
        let decoded = try ShardMap(canonicalBytes: map.canonicalBytes)
        #expect(decoded == map)
        let next = try map.applying(ShardMapProposal(baseVersion: 1, changes: [.removeNode(nodes[0])]))
        #expect(next.version == 2)
        #expect(next.digest != map.digest)
    }

    @Test("A proposal on another version, or an inconsistent change, is rejected and changes nothing")
    func badProposals() throws {
        let map = MeshTestSupport.map(centroids: centroids, nodes: nodes)
        let stale = ShardMapProposal(baseVersion: 0, changes: [.setReplicationFactor(2)])
        #expect(throws: MeshError(.versionMismatch, "proposal built on map version 0, map is at 1")) {
            try map.applying(stale)
        }
        let cases: [ShardMapChange] = [
            .splitShard(99, keep: centroids[0], split: centroids[1]),
            .splitShard(0, keep: [1, 2], split: centroids[1]),
            .splitShard(0, keep: centroids[0], split: [Float](repeating: .nan, count: 8)),
            .removeNode(MeshTestSupport.key(200).publicKey),
            .setReplicationFactor(0),
            .setCentroids([]),
        ]
        for change in cases {
            // A valid change first: the failure must roll back the whole proposal.
            let proposal = ShardMapProposal(baseVersion: 1, changes: [.setReplicationFactor(5), change])
            #expect(throws: MeshError.self) { try map.applying(proposal) }
        }
        #expect(map.replicationFactor == 3)
    }

    @Test("Transaction payloads round-trip; another tag, trailing bytes and oversize input are typed errors")
    func transactionPayload() throws {
        let proposal = ShardMapProposal(
            baseVersion: 4,
            changes: [.splitShard(2, keep: centroids[2], split: centroids[3]), .setReplicationFactor(5)])
        #expect(try ShardMapProposal(transactionPayload: proposal.transactionPayload) == proposal)
        var wrongTag = CanonicalEncoder()
        wrongTag.encode("hmn/other/v1")
        wrongTag.encode(proposal)
        #expect(throws: MeshError.self) { try ShardMapProposal(transactionPayload: wrongTag.bytes) }
        #expect(throws: MeshError.self) { try ShardMapProposal(transactionPayload: proposal.transactionPayload + [0]) }
        #expect(throws: MeshError.self) {
            try ShardMapProposal(transactionPayload: proposal.transactionPayload, maxBytes: 16)
        }
    }

    @Test("Placement: R distinct replicas, weight-0 nodes host nothing, the nearest centroid owns a vector")
    func placement() throws {
        var map = MeshTestSupport.map(centroids: centroids, nodes: nodes)
        map = try map.applying(
            ShardMapProposal(baseVersion: 1, changes: [.upsertNode(MeshNodeInfo(key: nodes[3], psi: .zero))]))
        for shard in map.shards {
            let replicas = map.replicas(of: shard.id)
            #expect(replicas.count == 3)
            #expect(Set(replicas).count == 3)
            #expect(!replicas.contains(nodes[3]))
        }
        #expect(map.shards(hostedBy: nodes[3]).isEmpty)
        var vector = MeshTestSupport.axis(5, dimension: 8)
        vector[1] = 0.3
        #expect(map.nearestShard(to: vector) == 5)
        #expect(map.shardsByDistance(to: vector).prefix(2) == [5, 1])
    }

    @Test("Rendezvous placement is weighted and a removed node moves only its own shards")
    func weightedAndStable() throws {
        let many = (0..<300).map { MeshTestSupport.axis($0 % 8, dimension: 8, scale: Float($0 + 1)) }
        let four = Array(nodes.prefix(4))
        var map = MeshTestSupport.map(centroids: many, nodes: four, replicationFactor: 1)
        map = try map.applying(
            ShardMapProposal(
                baseVersion: 1, changes: [.upsertNode(MeshNodeInfo(key: four[0], psi: .one, capacity: 3_000))]))
        let heavy = map.shards(hostedBy: four[0]).count
        let light = map.shards(hostedBy: four[1]).count
        // Expected shares 3/6 and 1/6 of 300 shards: 150 and 50.
        #expect(heavy > 110 && heavy < 190, "heavy node got \(heavy)")
        #expect(light > 25 && light < 80, "light node got \(light)")
        let before = map.placement()
        let after = try map.applying(ShardMapProposal(baseVersion: 2, changes: [.removeNode(four[2])])).placement()
        for (shard, replicas) in before where !replicas.contains(four[2]) {
            #expect(after[shard] == replicas)
        }
    }

    @Test("Seeded k-means finds well-separated clusters and replays exactly")
    func kmeans() {
        var sample: [[Float]] = []
        for cluster in 0..<4 {
            for index in 0..<25 {
                var vector = MeshTestSupport.axis(cluster, dimension: 4, scale: 10)
                vector[(cluster + 1) % 4] = Float(index % 5) * 0.01
                sample.append(vector)
            }
        }
        var first = SeededGenerator(seed: 7)
        var second = SeededGenerator(seed: 7)
        let centroids = KMeans.train(sample: sample, k: 4, generator: &first)
        #expect(centroids == KMeans.train(sample: sample, k: 4, generator: &second))
        let owners = Set(centroids.map { centroid in centroid.indices.max { centroid[$0] < centroid[$1] }! })
        #expect(owners == [0, 1, 2, 3])
    }

    @Test("The split planner splits an overloaded shard in two and leaves the others")
    func splitPlanner() throws {
        let map = MeshTestSupport.map(centroids: Array(centroids.prefix(2)), nodes: nodes)
        var vectors: [[Float]] = []
        for index in 0..<40 {
            var vector = MeshTestSupport.axis(0, dimension: 8)
            vector[2 + index % 2] = 0.5
            vectors.append(vector)
        }
        let planner = ShardSplitPlanner(maxRecords: 30)
        var generator = SeededGenerator(seed: 3)
        let proposal = try #require(
            planner.proposal(
                map: map, loads: [.init(shard: 0, vectors: vectors), .init(shard: 1, vectors: [centroids[1]])],
                generator: &generator))
        let next = try map.applying(proposal)
        #expect(next.shards.count == 3)
        #expect(next.shards.map(\.id) == [0, 1, 2])
    }
}

@Suite("Rendezvous logarithm")
struct RendezvousLogTests {
    @Test("The integer log₂ matches Double within 2⁻²⁰ over the whole UInt64 range", arguments: [5, 6])
    func accuracy(seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        let inputs: [UInt64] =
            [1, 2, 3, 1 << 62, (1 << 63) - 1, 1 << 63, .max]
            + (0..<200).map { _ in
                generator.next() >> (generator.next() % 64)
            }
        for x in inputs where x > 0 {
            let got = Double(RendezvousScore.log2Q32(x)) / 4_294_967_296
            #expect(abs(got - log2(Double(x))) < 1.0 / 1_048_576, "log2(\(x))")
        }
    }
}
