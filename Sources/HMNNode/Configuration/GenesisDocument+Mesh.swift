import HMNMesh
import HMNPrimitives

extension GenesisDocument {
    /// The memory mesh's chain-wide shape; every field optional.
    ///
    /// ```json
    /// "mesh": {"shards": 4, "replicationFactor": 3}
    /// "mesh": {"centroids": [[0.1, ...], ...], "replicationFactor": 3}
    /// "mesh": {"shards": 4, "splitMaxRecords": 100000, "splitMaxQueriesPerSecond": 1000}
    /// ```
    /// `centroids` (each of the nodes' vector dimension) wins over `shards`; without either the mesh
    /// has one shard. `shards` alone draws that many unit centroids from the chain id
    /// (``MeshLayout/seededCentroids(count:dimension:chainID:)``). Each shard lives on
    /// `replicationFactor` validators (default 3; fewer when there are fewer validators).
    /// A shard with more than `splitMaxRecords` records (default 100,000) or serving more than
    /// `splitMaxQueriesPerSecond` searches per second on its first replica (default 1,000) is split
    /// in two by that replica's proposal (``ShardSplitAgent``).
    public struct Mesh: Hashable, Sendable, Codable {
        public var shards: Int?
        public var replicationFactor: Int?
        public var centroids: [[Float]]?
        public var splitMaxRecords: Int?
        public var splitMaxQueriesPerSecond: Double?

        public static let defaultReplicationFactor = 3

        public init(
            shards: Int? = nil, replicationFactor: Int? = nil, centroids: [[Float]]? = nil,
            splitMaxRecords: Int? = nil, splitMaxQueriesPerSecond: Double? = nil
        ) {
            self.shards = shards
            self.replicationFactor = replicationFactor
            self.centroids = centroids
            self.splitMaxRecords = splitMaxRecords
            self.splitMaxQueriesPerSecond = splitMaxQueriesPerSecond
        }
    }

    /// When shards split (genesis `mesh.splitMaxRecords`, `mesh.splitMaxQueriesPerSecond`), validated.
    public func meshSplitPlanner() throws(NodeConfigurationError) -> ShardSplitPlanner {
        let defaults = ShardSplitPlanner()
        let records = mesh.splitMaxRecords ?? defaults.maxRecords
        let queries = mesh.splitMaxQueriesPerSecond ?? defaults.maxQueriesPerSecond
        guard records >= 1 else {
            throw NodeConfigurationError(.invalidValue, "mesh.splitMaxRecords must be at least 1, got \(records)")
        }
        guard queries.isFinite, queries > 0 else {
            throw NodeConfigurationError(
                .invalidValue, "mesh.splitMaxQueriesPerSecond must be a positive number, got \(queries)")
        }
        return ShardSplitPlanner(maxRecords: records, maxQueriesPerSecond: queries)
    }

    /// The mesh layout for stores of `dimension`, validated.
    public func meshLayout(dimension: Int) throws(NodeConfigurationError) -> MeshLayout {
        let factor = mesh.replicationFactor ?? Mesh.defaultReplicationFactor
        guard factor >= 1, factor <= Int(ShardMap.maxReplicationFactor) else {
            throw NodeConfigurationError(
                .invalidValue, "mesh.replicationFactor must be 1...\(ShardMap.maxReplicationFactor), got \(factor)")
        }
        if let centroids = mesh.centroids {
            guard !centroids.isEmpty, centroids.count <= MeshLayout.maxShards else {
                throw NodeConfigurationError(
                    .invalidValue,
                    "mesh.centroids must list 1...\(MeshLayout.maxShards) centroids, got \(centroids.count)")
            }
            for (index, centroid) in centroids.enumerated() {
                guard centroid.count == dimension else {
                    throw NodeConfigurationError(
                        .invalidValue,
                        "mesh.centroids[\(index)] has \(centroid.count) components; this node's vectors have \(dimension)"
                    )
                }
                guard centroid.allSatisfy(\.isFinite) else {
                    throw NodeConfigurationError(
                        .invalidValue, "mesh.centroids[\(index)] has a NaN or infinite component")
                }
            }
            return MeshLayout(centroids: centroids, replicationFactor: factor)
        }
        let count = mesh.shards ?? 1
        guard count >= 1, count <= MeshLayout.maxShards else {
            throw NodeConfigurationError(.invalidValue, "mesh.shards must be 1...\(MeshLayout.maxShards), got \(count)")
        }
        return MeshLayout(
            centroids: MeshLayout.seededCentroids(count: count, dimension: dimension, chainID: chainID),
            replicationFactor: factor)
    }
}
