import HMNPrimitives

extension ShardMap {
    /// The map after a finalized proposal: version + 1, or a typed error and no change.
    ///
    /// Deterministic: every node that applies the same proposal to the same map gets the same bytes.
    public func applying(_ proposal: ShardMapProposal) throws(MeshError) -> ShardMap {
        guard proposal.baseVersion == version else {
            throw MeshError(
                .versionMismatch, "proposal built on map version \(proposal.baseVersion), map is at \(version)")
        }
        var next = self
        for change in proposal.changes { try next.apply(change) }
        next.version = version + 1
        return next
    }

    private mutating func apply(_ change: ShardMapChange) throws(MeshError) {
        switch change {
        case .setCentroids(let centroids):
            guard !centroids.isEmpty, centroids.count <= Self.maxShards else {
                throw MeshError(.invalidChange, "a map needs 1...\(Self.maxShards) shards, got \(centroids.count)")
            }
            for centroid in centroids { try checkCentroid(centroid) }
            var fresh: [Shard] = []
            for centroid in centroids {
                fresh.append(Shard(id: nextShardID, centroid: centroid))
                nextShardID += 1
            }
            shards = fresh
        case .upsertNode(let node):
            if let index = nodes.firstIndex(where: { $0.key == node.key }) {
                nodes[index] = node
            } else {
                guard nodes.count < Self.maxNodes else {
                    throw MeshError(.invalidChange, "the map already holds \(Self.maxNodes) nodes")
                }
                nodes.append(node)
                nodes.sort { $0.key < $1.key }
            }
        case .removeNode(let key):
            guard let index = nodes.firstIndex(where: { $0.key == key }) else {
                throw MeshError(.invalidChange, "node \(key.short) is not in the map")
            }
            nodes.remove(at: index)
        case .splitShard(let id, let keep, let split):
            guard let index = shards.firstIndex(where: { $0.id == id }) else {
                throw MeshError(.invalidChange, "shard \(id) is not in the map")
            }
            guard shards.count < Self.maxShards else {
                throw MeshError(.invalidChange, "the map already holds \(Self.maxShards) shards")
            }
            try checkCentroid(keep)
            try checkCentroid(split)
            shards[index].centroid = keep
            shards.append(Shard(id: nextShardID, centroid: split))
            nextShardID += 1
        case .setReplicationFactor(let factor):
            guard factor > 0, factor <= Self.maxReplicationFactor else {
                throw MeshError(
                    .invalidChange, "replication factor \(factor) is outside 1...\(Self.maxReplicationFactor)")
            }
            replicationFactor = factor
        }
    }

    private func checkCentroid(_ centroid: [Float]) throws(MeshError) {
        guard centroid.count == Int(dimension) else {
            throw MeshError(.invalidVector, "centroid has \(centroid.count) components, map dimension is \(dimension)")
        }
        guard centroid.allSatisfy(\.isFinite) else {
            throw MeshError(.invalidVector, "centroid has a non-finite component")
        }
    }
}
