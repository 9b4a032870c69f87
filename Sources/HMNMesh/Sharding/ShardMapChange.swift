import HMNPrimitives

/// One change to the shard map. Changes travel inside a ``ShardMapProposal``.
public enum ShardMapChange: Hashable, Sendable, CanonicalCodable {
    /// Replaces all shards (the initial training, or a full re-cluster); ids are assigned from
    /// ``ShardMap/nextShardID`` in the order given.
    case setCentroids([[Float]])
    /// Adds a node or updates its Ψ and capacity (Ψ changes come from Layer 2 every epoch).
    case upsertNode(MeshNodeInfo)
    /// Removes a node: its shards move to the next nodes in rendezvous order.
    case removeNode(PublicKey)
    /// Splits a shard in two: `shard` keeps its id with centroid `keep`, a new shard gets `split`.
    case splitShard(ShardID, keep: [Float], split: [Float])
    case setReplicationFactor(UInt32)

    public init(from decoder: inout CanonicalDecoder) throws(CodecError) {
        let start = decoder.offset
        switch try decoder.decode(UInt8.self) {
        case 0:
            let count = try decoder.decodeLength(limit: ShardMap.maxShards, what: "centroid list")
            var centroids: [[Float]] = []
            for _ in 0..<count { centroids.append(try decoder.decodeFloats(maxCount: ShardMap.maxDimension)) }
            self = .setCentroids(centroids)
        case 1: self = .upsertNode(try decoder.decode())
        case 2: self = .removeNode(try decoder.decode())
        case 3:
            let shard: ShardID = try decoder.decode()
            let keep = try decoder.decodeFloats(maxCount: ShardMap.maxDimension)
            self = .splitShard(shard, keep: keep, split: try decoder.decodeFloats(maxCount: ShardMap.maxDimension))
        case 4: self = .setReplicationFactor(try decoder.decode())
        case let tag: throw CodecError(.unknownTag, offset: start, "unknown shard-map change tag \(tag)")
        }
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        switch self {
        case .setCentroids(let centroids):
            encoder.encode(UInt8(0))
            encoder.encode(UInt32(centroids.count))
            for centroid in centroids { encoder.encode(centroid) }
        case .upsertNode(let node):
            encoder.encode(UInt8(1))
            encoder.encode(node)
        case .removeNode(let key):
            encoder.encode(UInt8(2))
            encoder.encode(key)
        case .splitShard(let shard, let keep, let split):
            encoder.encode(UInt8(3))
            encoder.encode(shard)
            encoder.encode(keep)
            encoder.encode(split)
        case .setReplicationFactor(let factor):
            encoder.encode(UInt8(4))
            encoder.encode(factor)
        }
    }
}

/// A proposed shard-map transition, submitted by a node as the payload of a Layer-1 transaction and
/// applied by every node when that transaction is finalized (SPEC §9: the map changes only through
/// consensus). The mesh does not import the ledger: the node wraps ``transactionPayload`` in its
/// transaction type and calls ``ShardMap/applying(_:)`` from its Layer-2 engine.
public struct ShardMapProposal: Hashable, Sendable, CanonicalCodable {
    public static let maxChanges = 1_024
    /// Domain tag that starts ``transactionPayload``, so the bytes cannot be read as another payload.
    public static let payloadTag = "hmn/shard-map-proposal/v1"

    /// The map version this proposal was computed from; applying it to any other version fails.
    public var baseVersion: UInt64
    public var changes: [ShardMapChange]

    public init(baseVersion: UInt64, changes: [ShardMapChange]) {
        self.baseVersion = baseVersion
        self.changes = changes
    }

    /// The bytes a node puts in a transaction: the tag, then the canonical proposal.
    public var transactionPayload: [UInt8] {
        var encoder = CanonicalEncoder()
        encoder.encode(Self.payloadTag)
        encoder.encode(self)
        return encoder.bytes
    }

    /// Reads a transaction payload back, rejecting another tag, oversize input and trailing bytes.
    public init(transactionPayload bytes: [UInt8], maxBytes: Int = 16 << 20) throws(MeshError) {
        guard bytes.count <= maxBytes else {
            throw MeshError(.oversizeMessage, "shard-map proposal of \(bytes.count) bytes exceeds \(maxBytes)")
        }
        do {
            var decoder = CanonicalDecoder(bytes)
            let tag: String = try decoder.decode(String.self, maxLength: 64)
            guard tag == Self.payloadTag else {
                throw MeshError(.malformedMessage, "payload tag \(tag) is not \(Self.payloadTag)")
            }
            self = try decoder.decode()
            try decoder.finish()
        } catch let error as CodecError {
            throw MeshError(.malformedMessage, "shard-map proposal: \(error)")
        } catch let error as MeshError {
            throw error
        } catch {
            throw MeshError(.malformedMessage, "shard-map proposal: \(error)")
        }
    }

    public init(from decoder: inout CanonicalDecoder) throws(CodecError) {
        baseVersion = try decoder.decode()
        changes = try decoder.decodeArray(maxCount: Self.maxChanges)
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.encode(baseVersion)
        encoder.encode(changes)
    }
}
