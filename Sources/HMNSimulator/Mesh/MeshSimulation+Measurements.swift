import HMNMesh
import HMNPrimitives

extension MeshSimulation {
    /// Latencies (virtual ms) from each written version to its integration at each replica other
    /// than the writer, and to its last replica; versions not yet everywhere count in `incomplete`.
    public struct ReplicationLatencies: Sendable {
        /// One entry per (write, replica).
        public var perReplica: [UInt64] = []
        /// One entry per write: until its last replica integrated it.
        public var toAllReplicas: [UInt64] = []
        public var incomplete = 0
    }

    /// Replication latencies of every write so far, under the current map.
    public func replicationLatencies() -> ReplicationLatencies {
        var result = ReplicationLatencies()
        for (version, written) in writeTimes {
            guard let shard = map.nearestShard(to: record(version)?.vector ?? []) else { continue }
            let replicas = map.replicas(of: shard).compactMap { indexByKey[$0] }
            let times = integrationTimes[version] ?? [:]
            var last: UInt64 = 0
            var complete = true
            for replica in replicas {
                guard let time = times[replica] else {
                    complete = false
                    continue
                }
                result.perReplica.append(time - written)
                last = max(last, time - written)
            }
            if complete { result.toAllReplicas.append(last) } else { result.incomplete += 1 }
        }
        return result
    }

    func record(_ version: RecordVersion) -> MemoryRecord? {
        for engine in engines {
            if let record = engine.store.record(version.id) ?? engine.retained[version.id] { return record }
        }
        return nil
    }

    /// Replica slots (record × replica of its shard under the current map) that do not hold the
    /// latest written version.
    public func missingReplicaCount() -> Int {
        var missing = 0
        for version in writtenVersions.values {
            guard let record = record(version), let shard = map.nearestShard(to: record.vector) else {
                missing += 1
                continue
            }
            for replica in map.replicas(of: shard) {
                guard let node = indexByKey[replica] else { continue }
                if engines[node].store.version(of: version.id) != version { missing += 1 }
            }
        }
        return missing
    }

    /// Total encoded bytes of the records that replicas miss, counted once per missing replica.
    public func missingReplicaBytes() -> Int {
        var bytes = 0
        for version in writtenVersions.values {
            guard let record = record(version), let shard = map.nearestShard(to: record.vector) else { continue }
            for replica in map.replicas(of: shard) {
                guard let node = indexByKey[replica] else { continue }
                if engines[node].store.version(of: version.id) != version { bytes += record.canonicalBytes.count }
            }
        }
        return bytes
    }

    /// Ids held (hosted, not retained) per node; a record hosted outside its replica set is a duplicate.
    public func misplacedRecordCount() -> Int {
        var misplaced = 0
        for (node, engine) in engines.enumerated() {
            for record in engine.store.allRecords {
                guard let shard = map.nearestShard(to: record.vector),
                    map.replicas(of: shard).contains(key(node))
                else {
                    misplaced += 1
                    continue
                }
            }
        }
        return misplaced
    }

    /// Distinct record ids held anywhere (hosted or retained).
    public var distinctRecordIDs: Set<Hash256> {
        var ids: Set<Hash256> = []
        for engine in engines { for record in engine.heldRecords { ids.insert(record.id) } }
        return ids
    }

    /// Written record ids.
    public var writtenIDs: Set<Hash256> { Set(writtenVersions.keys) }

    /// True while any node still waits for handoff acknowledgements.
    public var isHandingOff: Bool { engines.contains { $0.isHandingOff } }
}

