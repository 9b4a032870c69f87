import Foundation
import HMNMesh
import HMNNode
import HMNNodeHTTP
import HMNPrimitives

/// The sharded memory mesh on real `hmn start` processes (`hmn-bench sharded-memory`): a testnet of
/// N validators whose genesis places K shards with R replicas; records are loaded through the API,
/// then it measures write → every replica of the shard (``ReplicationProbe``), and for held-out
/// queries the recall@k of a routed search against a search of every shard, with the shards each
/// touches. Recall is against exact cosine neighbours computed here.
public struct ShardedMemoryBenchmark: Sendable {
    public enum Data: String, Sendable, CaseIterable, Codable {
        /// Gaussian clusters around random unit directions (topics, roughly).
        case blobs
        /// Points near a random 16-dimensional subspace, no cluster structure.
        case lowrank
    }

    public enum Centroids: String, Sendable, CaseIterable, Codable {
        /// k-means on a sample of the data, listed in genesis (`mesh.centroids`).
        case kmeans
        /// Drawn from the chain id (`mesh.shards`), knowing nothing of the data.
        case seeded
    }

    public struct Configuration: Sendable {
        public var executable: String
        public var directory: String
        public var basePort = 28_000
        public var validators = 4
        /// Shards; nil gives one per validator.
        public var shards: Int?
        public var replication = 3
        public var records = 5_000
        public var queries = 200
        public var k = 10
        public var dimension = 64
        public var data = Data.blobs
        public var centroids = Centroids.kmeans
        public var probeWrites = 100
        public var seed: UInt64 = 1
        public var keepDirectory = false

        public init(executable: String, directory: String) {
            self.executable = executable
            self.directory = directory
        }
    }

    public struct Report: Codable, Hashable, Sendable {
        public var validators: Int
        public var shards: Int
        public var replication: Int
        public var records: Int
        public var data: Data
        public var centroids: Centroids
        public var loadRecordsPerSecond: Double
        /// Records in each node's store after loading (sharding: each ≈ R/N of the total).
        public var storeRecords: [Int]
        public var replication_: MemoryPhaseReport
        public var routedRecall: Double
        public var fanOutRecall: Double
        public var routedShardsPerQuery: Double
        public var routedLatency: LatencySummary
        public var fanOutLatency: LatencySummary
        public var lambda: Double?

        enum CodingKeys: String, CodingKey {
            case validators, shards, replication, records, data, centroids, loadRecordsPerSecond, storeRecords
            case replication_ = "writeToReplicas"
            case routedRecall, fanOutRecall, routedShardsPerQuery, routedLatency, fanOutLatency, lambda
        }
    }

    public let configuration: Configuration

    public init(_ configuration: Configuration) {
        self.configuration = configuration
    }

    public func run(log: @Sendable (String) -> Void) async throws(DevnetError) -> Report {
        let c = configuration
        let shards = c.shards ?? c.validators
        var vectors = Self.vectors(
            c.data, count: c.records + c.queries + c.probeWrites, dimension: c.dimension, seed: c.seed)
        let queries = Array(vectors.suffix(c.queries))
        vectors.removeLast(c.queries)
        let probe = Array(vectors.suffix(c.probeWrites))
        vectors.removeLast(c.probeWrites)

        var options = Testnet.Options()
        options.vectorDimension = c.dimension
        switch c.centroids {
        case .kmeans:
            var generator = SeededGenerator(seed: c.seed &+ 11)
            let sample = Array(vectors.prefix(2_000))
            options.mesh = GenesisDocument.Mesh(
                replicationFactor: c.replication,
                centroids: KMeans.train(sample: sample, k: shards, generator: &generator))
        case .seeded:
            options.mesh = GenesisDocument.Mesh(shards: shards, replicationFactor: c.replication)
        }
        try? FileManager.default.removeItem(atPath: c.directory)
        let cluster = try LocalCluster.create(
            validators: c.validators, directory: c.directory, basePort: c.basePort, executable: c.executable,
            options: options)
        try cluster.startAll()
        do {
            let report = try await measure(
                cluster, base: vectors, probe: probe, queries: queries, shards: shards, log: log)
            await finish(cluster)
            return report
        } catch {
            await finish(cluster)
            throw error
        }
    }

    private func finish(_ cluster: LocalCluster) async {
        await cluster.stopAll(grace: .seconds(10))
        if !configuration.keepDirectory { try? FileManager.default.removeItem(atPath: cluster.directory) }
    }

    private func measure(
        _ cluster: LocalCluster, base: [[Float]], probe: [[Float]], queries: [[Float]], shards: Int,
        log: @Sendable (String) -> Void
    ) async throws(DevnetError) -> Report {
        let c = configuration
        try await cluster.waitForHeight(1, timeout: .seconds(120))
        log("cluster of \(c.validators) up; loading \(base.count) records")
        let started = ReplicationProbe.nowMilliseconds()
        try await load(base, cluster: cluster)
        let rate = Double(base.count) / ((ReplicationProbe.nowMilliseconds() - started) / 1_000)
        do {
            try await cluster.wait(for: "handoffs to finish", timeout: .seconds(120)) {
                for client in cluster.clients {
                    guard let shards = try? await client.memoryShards(), shards.handingOff == 0 else { return false }
                }
                return true
            }
        } catch {
            var pending: [String] = []
            for client in cluster.clients {
                let shards = try? await client.memoryShards()
                pending.append("\(shards?.handingOff ?? -1)@v\(shards?.mapVersion ?? 0)")
            }
            log("records still being handed off per node (count@map version): \(pending)")
            throw error
        }
        var stores: [Int] = []
        for client in cluster.clients { stores.append((try? await client.memoryShards())?.storeRecords ?? -1) }
        log("loaded at \(Int(rate)) records/s; per-node stores \(stores)")

        // Queries before the probe writes, so the stores hold exactly `base`, the ground truth's set.
        let all = base
        var routedRecall = 0.0
        var fanOutRecall = 0.0
        var touched = 0
        var routedTimes: [Double] = []
        var fanOutTimes: [Double] = []
        var answered = 0
        for (index, query) in queries.enumerated() {
            let client = cluster.clients[index % cluster.count]
            let truth = Set(Self.exactNeighbours(query, in: all, k: c.k))
            let t0 = ReplicationProbe.nowMilliseconds()
            let routed = try? await client.searchMemory(MemorySearchRequest(vector: query, k: c.k))
            let t1 = ReplicationProbe.nowMilliseconds()
            let fanOut = try? await client.searchMemory(MemorySearchRequest(vector: query, k: c.k, allShards: true))
            let t2 = ReplicationProbe.nowMilliseconds()
            guard let routed, let fanOut else { continue }
            answered += 1
            routedTimes.append(t1 - t0)
            fanOutTimes.append(t2 - t1)
            touched += routed.routing.servedShards.count
            routedRecall += Self.recall(routed, truth: truth, k: c.k)
            fanOutRecall += Self.recall(fanOut, truth: truth, k: c.k)
        }
        let denominator = Double(max(answered, 1))
        log(
            "recall@\(c.k): routed \(routedRecall / denominator) touching \(Double(touched) / denominator) of \(shards) shards; "
                + "all shards \(fanOutRecall / denominator)")
        let replication = await ReplicationProbe(cluster: cluster).measure(vectors: probe, seed: c.seed &+ 3)
        log("write → all replicas \(replication.toAll); → each replica \(replication.perReplica)")
        let lambda = (await cluster.statuses().first ?? nil)?.lambda.value
        return Report(
            validators: c.validators, shards: shards, replication: c.replication, records: base.count, data: c.data,
            centroids: c.centroids, loadRecordsPerSecond: rate, storeRecords: stores, replication_: replication,
            routedRecall: routedRecall / denominator, fanOutRecall: fanOutRecall / denominator,
            routedShardsPerQuery: Double(touched) / denominator, routedLatency: LatencySummary(routedTimes),
            fanOutLatency: LatencySummary(fanOutTimes), lambda: lambda)
    }

    /// Puts every vector as a faucet-signed record, 16 requests in flight, round-robin over nodes.
    private func load(_ vectors: [[Float]], cluster: LocalCluster) async throws(DevnetError) {
        let chainID = cluster.chainID
        let faucet = cluster.faucet
        let failures = await withTaskGroup(of: Bool.self) { group in
            var failed = 0
            for (index, vector) in vectors.enumerated() {
                if index >= 16, await group.next() == false { failed += 1 }
                let client = cluster.clients[index % cluster.count]
                group.addTask {
                    let record = MemoryRecord(
                        id: Self.recordID(index), vector: vector, payload: Array("bench \(index)".utf8),
                        author: faucet.publicKey, createdAtMilliseconds: WallClock.nowMilliseconds()
                    ).signed(chainID: chainID, key: faucet)
                    return (try? await client.putMemory(MemoryRecordJSON(record))) != nil
                }
            }
            for await ok in group where !ok { failed += 1 }
            return failed
        }
        guard failures == 0 else { throw DevnetError(.node, "\(failures) of \(vectors.count) memory puts failed") }
    }

    static func recordID(_ index: Int) -> Hash256 { Hash256.of(Array("sharded-bench-\(index)".utf8)) }

    /// Fraction of the exact top k whose record ids the answer holds.
    static func recall(_ answer: MemorySearchResponse, truth: Set<Int>, k: Int) -> Double {
        let ids = Set(answer.hits.map(\.record.id))
        return Double(truth.filter { ids.contains(recordID($0).hex) }.count) / Double(k)
    }

    /// Indices of the `k` nearest vectors by cosine distance.
    static func exactNeighbours(_ query: [Float], in vectors: [[Float]], k: Int) -> [Int] {
        let q = normalized(query)
        var scored: [(Float, Int)] = []
        scored.reserveCapacity(vectors.count)
        for (index, vector) in vectors.enumerated() {
            let v = normalized(vector)
            var dot: Float = 0
            for i in 0..<min(q.count, v.count) { dot += q[i] * v[i] }
            scored.append((1 - dot, index))
        }
        scored.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        return scored.prefix(k).map(\.1)
    }

    static func normalized(_ vector: [Float]) -> [Float] {
        let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return norm > 0 ? vector.map { $0 / norm } : vector
    }

    /// `count` vectors of the chosen kind, seeded.
    static func vectors(_ data: Data, count: Int, dimension: Int, seed: UInt64) -> [[Float]] {
        switch data {
        case .lowrank:
            var generator = LowRankVectors(dimension: dimension, intrinsicDimension: 16, noise: 0.05, seed: seed)
            return generator.next(count)
        case .blobs:
            var generator = SeededGenerator(seed: seed)
            let centers = (0..<32).map { _ in
                normalized((0..<dimension).map { _ in LowRankVectors.gaussian(&generator) })
            }
            return (0..<count).map { _ in
                let center = centers[Int.random(in: 0..<centers.count, using: &generator)]
                return center.map { $0 + 0.08 * LowRankVectors.gaussian(&generator) }
            }
        }
    }
}
