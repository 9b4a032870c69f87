import HMNPrimitives

extension GossipEngine {
    /// Seeds the replica state with records this node persisted before it restarted, sending
    /// nothing: the engine's store lives in memory, the node's store on disk. Records that do not fit
    /// the map are skipped. Records of shards this node does not host (a write it forwarded, or a
    /// shard it lost while it was down) are handed off to their replicas and dropped once all of
    /// them acknowledged. Repair then fetches what the node missed while it was down and offers
    /// what the others lack.
    ///
    /// - Returns: how many records were merged into hosted shards.
    @discardableResult
    public mutating func restore(_ records: [MemoryRecord]) -> Int {
        var merged = 0
        for record in records where validVector(record.vector) {
            guard let shard = map.nearestShard(to: record.vector) else { continue }
            guard hostedShards.contains(shard) else {
                handOff(record, shard: shard, to: Set(placement[shard] ?? []).subtracting([identity]))
                continue
            }
            switch integrate(record, shard: shard) {
            case .inserted, .replaced: merged += 1
            case .duplicate, .stale, .lostTie, nil: break
            }
        }
        return merged
    }
}
