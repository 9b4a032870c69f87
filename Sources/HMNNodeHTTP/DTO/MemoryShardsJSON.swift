import HMNNode
import HMNPrimitives

/// `GET /v1/mesh/shards`: the shard map this node routes by, each shard's replicas (hex keys, best
/// first) and how many records this node holds for it.
public struct MemoryShardsJSON: Codable, Hashable, Sendable {
    public var mapVersion: UInt64
    /// Committed shard splits so far (the same on every node at a height).
    public var layoutVersion: UInt64?
    public var replicationFactor: Int
    public var shards: [Shard]
    public var handingOff: Int
    public var storeRecords: Int

    public struct Shard: Codable, Hashable, Sendable {
        public var id: UInt32
        public var replicas: [String]
        public var hostedHere: Bool
        public var records: Int
        /// Searches of the shard this node served since it started.
        public var queries: UInt64?
    }

    public init(_ status: MemoryShardsStatus) {
        mapVersion = status.mapVersion
        layoutVersion = status.layoutVersion
        replicationFactor = status.replicationFactor
        shards = status.shards.map {
            Shard(
                id: $0.id, replicas: $0.replicas.map(\.hex), hostedHere: $0.hostedHere, records: $0.records,
                queries: $0.queries)
        }
        handingOff = status.handingOff
        storeRecords = status.storeRecords
    }
}
