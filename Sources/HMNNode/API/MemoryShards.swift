import HMNMesh
import HMNPrimitives

/// Where the memory mesh's shards live, as one node sees it (`GET /v1/mesh/shards`): the map it
/// routes by, each shard's replicas, and what this node holds.
public struct MemoryShardsStatus: Hashable, Sendable {
    /// Local version of the map (it counts the placement changes this node applied since start).
    public var mapVersion: UInt64
    public var replicationFactor: Int
    public var shards: [Shard]
    /// Records this node keeps only until every replica of their shard acknowledged them.
    public var handingOff: Int
    /// Records in this node's store (hosted shards plus those being handed off).
    public var storeRecords: Int
    /// The chain's shard layout version: the number of committed splits (the same on every node at
    /// a height, unlike ``mapVersion``).
    public var layoutVersion: UInt64 = 0

    public struct Shard: Hashable, Sendable {
        public var id: UInt32
        /// Best first (rendezvous order).
        public var replicas: [PublicKey]
        public var hostedHere: Bool
        /// Records this node holds for the shard (0 when it does not host it).
        public var records: Int
        /// Searches of the shard this node served from its store since it started (its own routed
        /// queries and its peers'): how hot the shard is here.
        public var queries: UInt64

        public init(id: UInt32, replicas: [PublicKey], hostedHere: Bool, records: Int, queries: UInt64 = 0) {
            self.id = id
            self.replicas = replicas
            self.hostedHere = hostedHere
            self.records = records
            self.queries = queries
        }
    }

    public init(mapVersion: UInt64, replicationFactor: Int, shards: [Shard], handingOff: Int, storeRecords: Int) {
        self.mapVersion = mapVersion
        self.replicationFactor = replicationFactor
        self.shards = shards
        self.handingOff = handingOff
        self.storeRecords = storeRecords
    }
}
