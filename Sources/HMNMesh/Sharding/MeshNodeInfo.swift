import HMNPrimitives

/// A node that can host shards, as the shard map knows it: its key, its Ψ (SPEC §4) and the capacity
/// it declared (in records; any consistent unit works, only ratios matter).
public struct MeshNodeInfo: Hashable, Sendable, CanonicalCodable {
    public var key: PublicKey
    public var psi: FixedPoint
    public var capacity: UInt64

    /// Capacities above this are clamped, so that `psi × capacity` cannot overflow in placement.
    public static let maxCapacity: UInt64 = 1 << 32

    public init(key: PublicKey, psi: FixedPoint = .one, capacity: UInt64 = 1_000) {
        self.key = key
        self.psi = psi
        self.capacity = capacity
    }

    /// Placement weight `Ψ (ppm) × capacity`: a node with Ψ = 0 or no capacity hosts nothing.
    public var weight: UInt64 {
        let psiRaw = UInt64(max(0, min(psi.raw, FixedPoint.one.raw)))
        return psiRaw * min(capacity, Self.maxCapacity)
    }

    public init(from decoder: inout CanonicalDecoder) throws(CodecError) {
        key = try decoder.decode()
        psi = try decoder.decode()
        capacity = try decoder.decode()
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.encode(key)
        encoder.encode(psi)
        encoder.encode(capacity)
    }
}

/// One shard: a region of vector space, the Voronoi cell of its centroid (SPEC §9).
public struct Shard: Hashable, Sendable, CanonicalCodable {
    public var id: ShardID
    public var centroid: [Float]

    public init(id: ShardID, centroid: [Float]) {
        self.id = id
        self.centroid = centroid
    }

    public init(from decoder: inout CanonicalDecoder) throws(CodecError) {
        id = try decoder.decode()
        centroid = try decoder.decodeFloats(maxCount: ShardMap.maxDimension)
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.encode(id)
        encoder.encode(centroid)
    }
}

/// Shard identifiers are small integers assigned by the map (``ShardMap/nextShardID``); the same type
/// as `ShardDigest.shard` in the vote extension.
public typealias ShardID = UInt32
