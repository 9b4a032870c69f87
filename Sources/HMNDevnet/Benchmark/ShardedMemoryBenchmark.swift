import Foundation
import HMNMesh
import HMNNode
import HMNNodeHTTP
import HMNPrimitives
import Synchronization

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
        /// When set, the genesis splits a shard above this many searches per second on its first
        /// replica, and a last phase makes one shard that hot and times the live split.
        public var splitQueriesPerSecond: Double?

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
        public var split: SplitReport?

        enum CodingKeys: String, CodingKey {
            case validators, shards, replication, records, data, centroids, loadRecordsPerSecond, storeRecords
            case replication_ = "writeToReplicas"
            case routedRecall, fanOutRecall, routedShardsPerQuery, routedLatency, fanOutLatency, lambda, split
        }
    }

    /// A live split: one shard searched on its first replica past the genesis threshold.
    public struct SplitReport: Codable, Hashable, Sendable {
        public var shard: UInt32
        /// Records the shard held before, and searches sent to it (and their rate) until the split.
        public var shardRecords: Int
        public var hotSearches: Int
        public var hotSearchesPerSecond: Double
        /// From the first hot search to every node reporting the split (`layoutVersion` ≥ 1).
        public var committedMilliseconds: Double
        /// From the first hot search to no node handing anything off, every record on R nodes.
        public var settledMilliseconds: Double
        public var shardsAfter: Int
        /// Records of the old shard that now belong to the new one.
        public var movedRecords: Int
        public var routedRecallAfter: Double
        public var fanOutRecallAfter: Double
        public var routedShardsPerQueryAfter: Double
    }

    /// One pass of held-out queries, routed and of every shard.
    struct RecallPass {
        var routedRecall = 0.0
        var fanOutRecall = 0.0
        var touched = 0
        var routedTimes: [Double] = []
        var fanOutTimes: [Double] = []
        var answered = 0
        var denominator: Double { Double(max(answered, 1)) }
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
        options.mesh?.splitMaxQueriesPerSecond = c.splitQueriesPerSecond
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
        let pass = await recallPass(queries, base: base, cluster: cluster)
        log(
            "recall@\(c.k): routed \(pass.routedRecall / pass.denominator) touching \(Double(pass.touched) / pass.denominator) "
                + "of \(shards) shards; all shards \(pass.fanOutRecall / pass.denominator)")
        let replication = await ReplicationProbe(cluster: cluster).measure(vectors: probe, seed: c.seed &+ 3)
        log("write → all replicas \(replication.toAll); → each replica \(replication.perReplica)")
        let lambda = (await cluster.statuses().first ?? nil)?.lambda.value
        var split: SplitReport?
        if c.splitQueriesPerSecond != nil {
            split = try await splitPhase(
                cluster, base: base, extra: probe.count,
                stored: (base.count + probe.count) * min(c.replication, c.validators),
                queries: queries, log: log)
        }
        var report = Report(
            validators: c.validators, shards: shards, replication: c.replication, records: base.count, data: c.data,
            centroids: c.centroids, loadRecordsPerSecond: rate, storeRecords: stores, replication_: replication,
            routedRecall: pass.routedRecall / pass.denominator, fanOutRecall: pass.fanOutRecall / pass.denominator,
            routedShardsPerQuery: Double(pass.touched) / pass.denominator,
            routedLatency: LatencySummary(pass.routedTimes),
            fanOutLatency: LatencySummary(pass.fanOutTimes), lambda: lambda)
        report.split = split
        return report
    }

    /// Every query asked routed and of every shard, against exact neighbours in `base`. When the
    /// stores also hold `extra` records that are not in `base` (the probe's writes), each search asks
    /// for that many more and drops them, so recall is still of `base`'s top k.
    func recallPass(_ queries: [[Float]], base: [[Float]], extra: Int = 0, cluster: LocalCluster) async -> RecallPass {
        let k = configuration.k
        let ids = extra == 0 ? [] : Set(base.indices.map { Self.recordID($0).hex })
        func ofBase(_ answer: MemorySearchResponse) -> MemorySearchResponse {
            guard extra > 0 else { return answer }
            var answer = answer
            answer.hits = Array(answer.hits.filter { ids.contains($0.record.id) }.prefix(k))
            return answer
        }
        var pass = RecallPass()
        for (index, query) in queries.enumerated() {
            let client = cluster.clients[index % cluster.count]
            let truth = Set(Self.exactNeighbours(query, in: base, k: k))
            let t0 = ReplicationProbe.nowMilliseconds()
            let routed = try? await client.searchMemory(MemorySearchRequest(vector: query, k: k + extra))
            let t1 = ReplicationProbe.nowMilliseconds()
            let fanOut = try? await client.searchMemory(
                MemorySearchRequest(vector: query, k: k + extra, allShards: true))
            let t2 = ReplicationProbe.nowMilliseconds()
            guard let routed = routed.map(ofBase), let fanOut = fanOut.map(ofBase) else { continue }
            pass.answered += 1
            pass.routedTimes.append(t1 - t0)
            pass.fanOutTimes.append(t2 - t1)
            pass.touched += routed.routing.servedShards.count
            pass.routedRecall += Self.recall(routed, truth: truth, k: k)
            pass.fanOutRecall += Self.recall(fanOut, truth: truth, k: k)
        }
        return pass
    }

    /// Makes the largest shard hot on its first replica (32 searches in flight, of its own records)
    /// until every node reports the split, then waits for the records to settle and measures recall
    /// on the new map. `stored` is the number of record copies the cluster holds in all.
    private func splitPhase(
        _ cluster: LocalCluster, base: [[Float]], extra: Int, stored: Int, queries: [[Float]],
        log: @Sendable (String) -> Void
    ) async throws(DevnetError) -> SplitReport {
        var keys: [String] = []
        for client in cluster.clients { keys.append((try? await client.status().nodeKey) ?? "") }
        guard let shards = try? await cluster.clients[0].memoryShards(),
            let layout = try? NodeHome.load(cluster.nodes[0].home).genesisDocument.meshLayout(
                dimension: configuration.dimension),
            let map = try? layout.map(validators: [], dimension: configuration.dimension, base: nil)
        else { throw DevnetError(.node, "cannot read the shard map for the split phase") }
        var members: [UInt32: [[Float]]] = [:]
        for vector in base {
            if let shard = map.nearestShard(to: vector) { members[shard, default: []].append(vector) }
        }
        guard let hot = shards.shards.max(by: { (members[$0.id]?.count ?? 0) < (members[$1.id]?.count ?? 0) }),
            let leader = keys.firstIndex(of: hot.replicas[0])
        else { throw DevnetError(.node, "no shard with a reachable first replica") }
        let hotVectors = Array((members[hot.id] ?? []).prefix(256))
        log("split: searching shard \(hot.id) (\(members[hot.id]?.count ?? 0) records) on node\(leader)")
        let client = cluster.clients[leader]
        let started = ReplicationProbe.nowMilliseconds()
        let searches = SearchCount()
        let hammer = Task {
            await withTaskGroup(of: Void.self) { group in
                for worker in 0..<32 {
                    group.addTask {
                        var index = worker
                        while !searches.stopped {
                            _ = try? await client.searchMemory(
                                MemorySearchRequest(vector: hotVectors[index % hotVectors.count], k: 10))
                            searches.add()
                            index += 32
                        }
                    }
                }
            }
        }
        do {
            try await cluster.wait(for: "every node to apply the split", timeout: .seconds(120)) {
                for client in cluster.clients {
                    guard let version = try? await client.memoryShards().layoutVersion, version >= 1 else {
                        return false
                    }
                }
                return true
            }
        } catch {
            searches.stop()
            await hammer.value
            throw error
        }
        // A flag, not Task cancellation: cancelling a URLSession request in flight can deadlock
        // corelibs-foundation (swift-corelibs-foundation#5412), so each worker finishes its request.
        searches.stop()
        await hammer.value
        let committed = ReplicationProbe.nowMilliseconds() - started
        let sent = searches.value
        try await cluster.wait(for: "records to settle on their new shards", timeout: .seconds(120)) {
            var total = 0
            for client in cluster.clients {
                guard let shards = try? await client.memoryShards(), shards.handingOff == 0 else { return false }
                total += shards.storeRecords
            }
            return total == stored
        }
        let settled = ReplicationProbe.nowMilliseconds() - started
        let after = (try? await cluster.clients[0].memoryShards())?.shards.count ?? 0
        // The new shard's record count, from a node that hosts it.
        let newShard = UInt32(map.shards.count)
        var movedCount = 0
        for client in cluster.clients {
            if let shard = try? await client.memoryShards().shards.first(where: { $0.id == newShard && $0.hostedHere })
            {
                movedCount = shard.records
                break
            }
        }
        let pass = await recallPass(queries, base: base, extra: extra, cluster: cluster)
        log("split: committed after \(Int(committed)) ms and \(sent) searches, settled after \(Int(settled)) ms")
        return SplitReport(
            shard: hot.id, shardRecords: members[hot.id]?.count ?? 0, hotSearches: sent,
            hotSearchesPerSecond: Double(sent) / (committed / 1_000), committedMilliseconds: committed,
            settledMilliseconds: settled, shardsAfter: after, movedRecords: movedCount,
            routedRecallAfter: pass.routedRecall / pass.denominator,
            fanOutRecallAfter: pass.fanOutRecall / pass.denominator,
            routedShardsPerQueryAfter: Double(pass.touched) / pass.denominator)
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

/// Searches sent by the split phase's workers, and the flag that stops them.
private final class SearchCount: Sendable {
    private let state = Mutex((count: 0, stopped: false))
    func add() { state.withLock { $0.count += 1 } }
    func stop() { state.withLock { $0.stopped = true } }
    var value: Int { state.withLock { $0.count } }
    var stopped: Bool { state.withLock { $0.stopped } }
}
