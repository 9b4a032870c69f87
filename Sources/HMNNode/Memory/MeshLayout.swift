import HMNMesh
import HMNPrimitives

/// The chain-wide shape of the memory mesh (genesis `mesh`): the shards' centroids and how many
/// validators replicate each. With the validator set after the last committed block it determines
/// the ``ShardMap`` every node uses, so the map is consensus state without a message of its own:
/// two nodes at the same height hold the same map, and a node that replays or syncs the chain
/// derives it again.
///
/// Placement is the map's weighted rendezvous hashing (SPEC §9) with weight Ψ × capacity, where a
/// validator's capacity is its voting power and its Ψ is rounded up to a quarter
/// (``placementPsi(_:)``): Ψ moves a little every block, and moving records every block would cost
/// more than it tells. A validator whose Ψ fell to 0 hosts nothing; non-validators host nothing.
public struct MeshLayout: Hashable, Sendable {
    public var centroids: [[Float]]
    public var replicationFactor: Int

    /// Most shards a genesis may declare (the map's own bound).
    public static let maxShards = ShardMap.maxShards

    public init(centroids: [[Float]], replicationFactor: Int) {
        self.centroids = centroids
        self.replicationFactor = replicationFactor
    }

    /// `count` unit centroids drawn from a generator seeded by the chain id: the same on every node
    /// and platform (integer draws, one rounding each, then a correctly rounded square root). They
    /// split vector space into cells of equal expected size without any data; a genesis can list
    /// centroids trained on a sample instead (k-means), which routes real embeddings better.
    public static func seededCentroids(count: Int, dimension: Int, chainID: String) -> [[Float]] {
        let digest = Hash256.of(parts: [Array("hmn/mesh-centroids/v1".utf8), Array(chainID.utf8)]).bytes
        var seed: UInt64 = 0
        for byte in digest.prefix(8) { seed = seed << 8 | UInt64(byte) }
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in
            var vector = (0..<dimension).map { _ in
                Float(Int32(truncatingIfNeeded: generator.next() >> 32)) / 2_147_483_648
            }
            var norm: Float = 0
            for value in vector { norm += value * value }
            let length = norm.squareRoot()
            if length > 0 { vector = vector.map { $0 / length } }
            return vector
        }
    }

    /// Ψ as placement sees it: rounded up to a multiple of 0.25 (0 stays 0).
    public static func placementPsi(_ psi: FixedPoint) -> FixedPoint {
        guard psi.raw > 0 else { return .zero }
        let quarter = FixedPoint.scale / 4
        let quarters = min(4, (psi.raw + quarter - 1) / quarter)
        return FixedPoint(raw: quarters * quarter)
    }

    /// The map for `validators`: a fresh one (version 1) when `base` is nil, else `base` with the
    /// node changes applied (version + 1), or `base` itself when nothing changed.
    public func map(validators: [ValidatorStatus], dimension: Int, base: ShardMap?) throws(NodeError) -> ShardMap {
        let nodes = Dictionary(
            validators.map {
                (
                    $0.key,
                    MeshNodeInfo(
                        key: $0.key, psi: Self.placementPsi($0.psi), capacity: min($0.power, MeshNodeInfo.maxCapacity))
                )
            }, uniquingKeysWith: { first, _ in first })
        let current: ShardMap
        var changes: [ShardMapChange] = []
        if let base {
            current = base
        } else {
            guard replicationFactor > 0, replicationFactor <= Int(ShardMap.maxReplicationFactor) else {
                throw NodeError(.internalError, "mesh replication factor \(replicationFactor) is out of range")
            }
            current = ShardMap(dimension: dimension, replicationFactor: replicationFactor)
            changes.append(.setCentroids(centroids))
        }
        for node in current.nodes where nodes[node.key] == nil { changes.append(.removeNode(node.key)) }
        for (key, info) in nodes.sorted(by: { $0.key < $1.key }) where current.node(key) != info {
            changes.append(.upsertNode(info))
        }
        guard !changes.isEmpty else { return current }
        do {
            return try current.applying(ShardMapProposal(baseVersion: current.version, changes: changes))
        } catch {
            throw NodeError(.internalError, "building the memory shard map: \(error)")
        }
    }
}
