import HMNPrimitives

extension GossipEngine {
    /// Merges a validated `record` into this node's replica, through the configured
    /// ``GossipConfiguration/replicaFault`` if any. Returns nil when the fault drops the record.
    mutating func integrate(_ record: MemoryRecord, shard: ShardID) -> MeshRecordStore.MergeOutcome? {
        guard let fault = configuration.replicaFault else { return store.merge(record, shard: shard) }
        guard let held = fault.held(record) else { return nil }
        return store.merge(held, shard: shard)
    }
}
