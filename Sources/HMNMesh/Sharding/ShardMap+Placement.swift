import HMNPrimitives

extension ShardMap {
    /// The nodes that host `shard`: the `replicationFactor` nodes with the highest weighted rendezvous
    /// score (fewer when fewer nodes have a positive weight), best first.
    ///
    /// Score of node i for shard s: `wᵢ / −log₂(uᵢ)` where `uᵢ ∈ (0, 1]` comes from
    /// `BLAKE2b(s ‖ keyᵢ)`. The highest score wins with probability proportional to the weight, and
    /// the logarithm is computed in integers (``RendezvousScore``) so every platform agrees.
    public func replicas(of shard: ShardID) -> [PublicKey] {
        var scored: [RendezvousScore] = []
        scored.reserveCapacity(nodes.count)
        for node in nodes where node.weight > 0 {
            scored.append(RendezvousScore(shard: shard, node: node))
        }
        scored.sort { $0.beats($1) }
        return scored.prefix(Int(replicationFactor)).map(\.key)
    }

    /// The replicas of the shard nearest to `vector`: where a record with this vector is written.
    public func replicas(for vector: [Float]) -> (shard: ShardID, replicas: [PublicKey])? {
        guard let shard = nearestShard(to: vector) else { return nil }
        return (shard, replicas(of: shard))
    }

    /// The shards `node` hosts, by id.
    public func shards(hostedBy node: PublicKey) -> [ShardID] {
        shards.map(\.id).filter { replicas(of: $0).contains(node) }
    }

    /// Every shard's replica list, computed once (placement is O(nodes log nodes) per shard).
    public func placement() -> [ShardID: [PublicKey]] {
        var result: [ShardID: [PublicKey]] = [:]
        for shard in shards { result[shard.id] = replicas(of: shard.id) }
        return result
    }
}

/// A node's weighted rendezvous score for one shard, compared exactly in integers.
struct RendezvousScore {
    let key: PublicKey
    let weight: UInt64
    /// `−log₂(u)` in Q32 fixed point, `u = (h + 1) / 2⁶⁴`; 0 only when h is the maximum.
    let negativeLog: UInt64

    init(shard: ShardID, node: MeshNodeInfo) {
        let hash = Hash256.of(parts: [
            Array("hmn/rendezvous/v1".utf8),
            [UInt8(shard >> 24 & 0xff), UInt8(shard >> 16 & 0xff), UInt8(shard >> 8 & 0xff), UInt8(shard & 0xff)],
            node.key.bytes,
        ])
        var h: UInt64 = 0
        for byte in hash.bytes.prefix(8) { h = h << 8 | UInt64(byte) }
        key = node.key
        weight = node.weight
        // log₂(h + 1) ∈ [0, 64]; for h = UInt64.max, h + 1 = 2⁶⁴ and −log₂(u) = 0.
        negativeLog = h == .max ? 0 : (64 << 32) - Self.log2Q32(h + 1)
    }

    /// `w_a / L_a > w_b / L_b` ⇔ `w_a × L_b > w_b × L_a` (L = 0 means an infinite score); ties by key.
    func beats(_ other: RendezvousScore) -> Bool {
        let left = UInt128(weight) * UInt128(other.negativeLog)
        let right = UInt128(other.weight) * UInt128(negativeLog)
        if left != right { return left > right }
        return key < other.key
    }

    /// `log₂(x)` in Q32 for x ≥ 1: integer part from the leading bit, 32 fraction bits by repeated
    /// squaring of the mantissa (exact, deterministic integer arithmetic).
    static func log2Q32(_ x: UInt64) -> UInt64 {
        precondition(x > 0)
        let integer = UInt64(63 - x.leadingZeroBitCount)
        // Mantissa in Q62: m = x / 2^integer ∈ [1, 2).
        // (Dropping x's lowest bit when x ≥ 2⁶³ changes the log by < 2⁻⁶², far below Q32.)
        var mantissa = integer <= 62 ? UInt128(x) << (62 - integer) : UInt128(x) >> (integer - 62)
        var fraction: UInt64 = 0
        for bit in stride(from: 31, through: 0, by: -1) {
            mantissa = (mantissa * mantissa) >> 62
            if mantissa >= (UInt128(2) << 62) {
                mantissa >>= 1
                fraction |= 1 << UInt64(bit)
            }
        }
        return integer << 32 | fraction
    }
}
