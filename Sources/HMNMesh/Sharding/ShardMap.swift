import HMNPrimitives

/// The memory mesh's shard map (SPEC §9): which regions of vector space exist, which nodes may host
/// them, and how many replicas each shard has. It is Layer-2 state: every node holds the same map,
/// changes come only as a finalized ``ShardMapProposal`` (see ``applying(_:)``), and its
/// ``digest`` can be committed in the L2 root.
///
/// Placement is not stored: ``replicas(of:)`` derives it by weighted rendezvous hashing, so a map
/// change moves only the shards whose top-R set changed (Thaler and Ravishankar, "A Name-Based
/// Mapping Scheme for Rendezvous", 1996; weights after Schindelhauer and Schomaker, "Weighted
/// Distributed Hash Tables", 2005).
public struct ShardMap: Hashable, Sendable, CanonicalCodable {
    public static let maxShards = 4_096
    public static let maxNodes = 4_096
    public static let maxDimension = 65_536
    public static let maxReplicationFactor: UInt32 = 64

    /// Incremented by each applied proposal; a proposal names the version it was built on.
    public internal(set) var version: UInt64
    public internal(set) var dimension: UInt32
    public internal(set) var replicationFactor: UInt32
    /// Sorted by id (canonical form).
    public internal(set) var shards: [Shard]
    /// Sorted by key (canonical form).
    public internal(set) var nodes: [MeshNodeInfo]
    /// The id the next new shard gets (ids are never reused, so old digests stay unambiguous).
    public internal(set) var nextShardID: ShardID

    /// An empty map of version 0; the first proposal usually sets shards and nodes.
    public init(dimension: Int, replicationFactor: Int = 3) {
        precondition(dimension > 0 && dimension <= Self.maxDimension, "dimension out of range")
        precondition(replicationFactor > 0 && replicationFactor <= Int(Self.maxReplicationFactor))
        self.version = 0
        self.dimension = UInt32(dimension)
        self.replicationFactor = UInt32(replicationFactor)
        self.shards = []
        self.nodes = []
        self.nextShardID = 0
    }

    /// BLAKE2b-256 of the canonical encoding: what the L2 root commits to.
    public var digest: Hash256 { canonicalHash }

    public func shard(_ id: ShardID) -> Shard? {
        var low = 0
        var high = shards.count
        while low < high {
            let middle = (low + high) / 2
            if shards[middle].id < id { low = middle + 1 } else { high = middle }
        }
        return low < shards.count && shards[low].id == id ? shards[low] : nil
    }

    public func node(_ key: PublicKey) -> MeshNodeInfo? { nodes.first { $0.key == key } }

    /// The shard whose centroid is nearest (squared L2, ties to the lower id); nil for a map without shards.
    public func nearestShard(to vector: [Float]) -> ShardID? {
        var best: (distance: Float, id: ShardID)?
        for shard in shards {
            let distance = Self.squaredDistance(vector, shard.centroid)
            if best == nil || distance < best!.distance { best = (distance, shard.id) }
        }
        return best?.id
    }

    /// All shard ids, nearest centroid first (the routing order of SPEC §9).
    public func shardsByDistance(to vector: [Float]) -> [ShardID] {
        centroidDistances(to: vector).map(\.shard)
    }

    /// Every shard with the squared L2 distance from `vector` to its centroid, nearest first (ties
    /// to the lower id).
    public func centroidDistances(to vector: [Float]) -> [(shard: ShardID, distance: Float)] {
        shards.map { (shard: $0.id, distance: Self.squaredDistance(vector, $0.centroid)) }
            .sorted { $0.distance != $1.distance ? $0.distance < $1.distance : $0.shard < $1.shard }
    }

    /// Squared L2 in a fixed summation order, so every node computes the same nearest shard.
    static func squaredDistance(_ a: [Float], _ b: [Float]) -> Float {
        var sum: Float = 0
        for index in 0..<min(a.count, b.count) {
            let difference = a[index] - b[index]
            sum += difference * difference
        }
        return sum
    }

    public init(from decoder: inout CanonicalDecoder) throws(CodecError) {
        let start = decoder.offset
        version = try decoder.decode()
        dimension = try decoder.decode()
        replicationFactor = try decoder.decode()
        shards = try decoder.decodeArray(maxCount: Self.maxShards)
        nodes = try decoder.decodeArray(maxCount: Self.maxNodes)
        nextShardID = try decoder.decode()
        guard dimension > 0, Int(dimension) <= Self.maxDimension,
            replicationFactor > 0, replicationFactor <= Self.maxReplicationFactor
        else {
            throw CodecError(.invalidValue, offset: start, "shard map dimension or replication factor out of range")
        }
        guard zip(shards, shards.dropFirst()).allSatisfy({ $0.id < $1.id }),
            zip(nodes, nodes.dropFirst()).allSatisfy({ $0.key < $1.key }),
            shards.allSatisfy({ $0.centroid.count == Int(dimension) && $0.id < nextShardID })
        else {
            throw CodecError(.invalidValue, offset: start, "shard map is not in canonical form")
        }
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.encode(version)
        encoder.encode(dimension)
        encoder.encode(replicationFactor)
        encoder.encode(shards)
        encoder.encode(nodes)
        encoder.encode(nextShardID)
    }
}
