import HMNPrimitives

/// Decides when shards split and computes the proposal (SPEC §9 dynamic sharding): a shard with more
/// than ``maxRecords`` records or more than ``maxQueriesPerSecond`` queries is re-clustered in two
/// by seeded 2-means over its vectors; the result is a ``ShardMapProposal`` the node submits.
public struct ShardSplitPlanner: Hashable, Sendable {
    public var maxRecords: Int
    public var maxQueriesPerSecond: Double

    public init(maxRecords: Int = 100_000, maxQueriesPerSecond: Double = 1_000) {
        self.maxRecords = maxRecords
        self.maxQueriesPerSecond = maxQueriesPerSecond
    }

    /// Load observed for one shard.
    public struct ShardLoad: Hashable, Sendable {
        public var shard: ShardID
        /// The vectors the split is trained on: all of the shard's, or a sample of them.
        public var vectors: [[Float]]
        public var queriesPerSecond: Double
        /// Records in the shard (`vectors.count` unless the vectors are a sample).
        public var recordCount: Int

        public init(shard: ShardID, vectors: [[Float]], queriesPerSecond: Double = 0, recordCount: Int? = nil) {
            self.shard = shard
            self.vectors = vectors
            self.queriesPerSecond = queriesPerSecond
            self.recordCount = recordCount ?? vectors.count
        }
    }

    /// Whether `load` calls for a split (more records or queries than allowed).
    public func isOverloaded(_ load: ShardLoad) -> Bool {
        load.recordCount > maxRecords || load.queriesPerSecond > maxQueriesPerSecond
    }

    /// A proposal splitting every overloaded shard, or nil when none is.
    public func proposal(
        map: ShardMap, loads: [ShardLoad], generator: inout SeededGenerator
    ) -> ShardMapProposal? {
        var changes: [ShardMapChange] = []
        for load in loads.sorted(by: { $0.shard < $1.shard }) {
            guard map.shard(load.shard) != nil, load.vectors.count >= 2, isOverloaded(load) else { continue }
            let halves = KMeans.train(sample: load.vectors, k: 2, generator: &generator)
            guard halves[0] != halves[1] else { continue }
            changes.append(.splitShard(load.shard, keep: halves[0], split: halves[1]))
        }
        return changes.isEmpty ? nil : ShardMapProposal(baseVersion: map.version, changes: changes)
    }
}
