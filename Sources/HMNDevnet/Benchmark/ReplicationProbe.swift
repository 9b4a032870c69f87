import Foundation
import HMNMesh
import HMNNode
import HMNNodeHTTP
import HMNPrimitives

/// Times memory writes to their replicas on a running cluster: records are put one at a time, each
/// on the next node in turn, and each replica of the record's shard (named in the put's answer) is
/// polled (`GET /v1/mesh/shards`, every 1 ms) until its count for that shard grows. Writes are
/// sequential, so a count that grows is this write's.
public struct ReplicationProbe: Sendable {
    let cluster: LocalCluster

    public init(cluster: LocalCluster) {
        self.cluster = cluster
    }

    /// Puts `vectors.count` records (signed by the faucet) and reports put → each replica and put →
    /// the last replica; a write some replica lacks after 10 s counts as not replicated.
    public func measure(vectors: [[Float]], seed: UInt64) async -> MemoryPhaseReport {
        let keys = await nodeKeys()
        var toAll: [Double] = []
        var perReplica: [Double] = []
        var missing = 0
        var generator = SeededGenerator(seed: seed)
        for (write, vector) in vectors.enumerated() {
            let writer = write % cluster.count
            let before = await shardCounts()
            let record = MemoryRecord(
                id: Hash256.of((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }), vector: vector,
                payload: Array("probe \(write)".utf8), author: cluster.faucet.publicKey,
                createdAtMilliseconds: WallClock.nowMilliseconds()
            ).signed(chainID: cluster.chainID, key: cluster.faucet)
            let start = Self.nowMilliseconds()
            guard let answer = try? await cluster.clients[writer].putMemory(MemoryRecordJSON(record)),
                let shard = answer.shard, let replicas = answer.replicas
            else {
                missing += 1
                continue
            }
            let targets = replicas.compactMap { keys[$0] }
            var arrived: [Int: Double] = [:]
            let deadline = start + 10_000
            while arrived.count < targets.count, Self.nowMilliseconds() < deadline {
                for index in targets where arrived[index] == nil {
                    let shards = try? await cluster.clients[index].memoryShards()
                    let count = shards?.shards.first { $0.id == shard }?.records ?? 0
                    if count > (before[index]?[shard] ?? 0) { arrived[index] = Self.nowMilliseconds() }
                }
                if arrived.count < targets.count { try? await Task.sleep(for: .milliseconds(1)) }
            }
            guard arrived.count == targets.count, !targets.isEmpty else {
                missing += 1
                continue
            }
            toAll.append(arrived.values.max()! - start)
            perReplica += arrived.filter { $0.key != writer }.map { $0.value - start }
        }
        return MemoryPhaseReport(
            writes: vectors.count, toAll: LatencySummary(toAll), perReplica: LatencySummary(perReplica),
            notReplicated: missing)
    }

    /// Node index by hex public key.
    func nodeKeys() async -> [String: Int] {
        var keys: [String: Int] = [:]
        for (index, status) in await cluster.statuses().enumerated() {
            if let key = status?.nodeKey { keys[key] = index }
        }
        return keys
    }

    /// Per node, records held per hosted shard.
    func shardCounts() async -> [Int: [UInt32: Int]] {
        var counts: [Int: [UInt32: Int]] = [:]
        for (index, client) in cluster.clients.enumerated() {
            guard let shards = try? await client.memoryShards() else { continue }
            counts[index] = Dictionary(uniqueKeysWithValues: shards.shards.map { ($0.id, $0.records) })
        }
        return counts
    }

    static func nowMilliseconds() -> Double { Date().timeIntervalSince1970 * 1_000 }
}
