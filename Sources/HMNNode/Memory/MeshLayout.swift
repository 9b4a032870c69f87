import HMNLedger
import HMNMesh
import HMNPrimitives
import Logging

/// The chain-wide shape of the memory mesh (genesis `mesh`): the shards' centroids and how many
/// validators replicate each. With the validator set after the last committed block it determines
/// the ``ShardMap`` every node uses, so the map is consensus state without a message of its own:
/// two nodes at the same height hold the same map, and a node that replays or syncs the chain
/// derives it again.
///
/// Placement is the map's weighted rendezvous hashing (SPEC §9) with weight Ψ × capacity, where a
/// validator's capacity is its voting power and its Ψ is reduced to three levels
/// (``placementPsi(_:)``): Ψ moves a little every block, and moving records every block would cost
/// more than it tells. A validator whose Ψ fell to 0 hosts nothing; non-validators host nothing.
///
/// Shards split live (SPEC §9 dynamic sharding): a validator proposes a split with a Layer-1
/// `shard-map-proposal` transaction (``ShardSplitAgent``), and every node applies the committed
/// proposals in chain order (``applying(proposal:)``), so the layout after a block is a function of
/// the chain alone. The split shard keeps its id with a new centroid, the new half gets the next id.
public struct MeshLayout: Hashable, Sendable {
    /// The current centroids; index = shard id (ids are assigned in order and never reused).
    public private(set) var centroids: [[Float]]
    public var replicationFactor: Int
    /// The shards of the genesis layout (ids below it); later ids come from splits.
    public let genesisShardCount: Int
    /// The committed splits, in chain order.
    public private(set) var splits: [Split] = []

    /// Most shards a genesis may declare (the map's own bound).
    public static let maxShards = ShardMap.maxShards

    /// One committed split: `shard` took centroid `keep`, shard `newShard` was created at `split`.
    public struct Split: Hashable, Sendable {
        public var shard: ShardID
        public var keep: [Float]
        public var split: [Float]
        public var newShard: ShardID
    }

    public init(centroids: [[Float]], replicationFactor: Int) {
        self.centroids = centroids
        self.replicationFactor = replicationFactor
        self.genesisShardCount = centroids.count
    }

    /// The layout's version: the number of splits applied. A proposal names it as its
    /// `baseVersion`, so of two proposals computed on the same layout only the first committed applies.
    public var version: UInt64 { UInt64(splits.count) }

    /// The layout after a committed proposal (HMNMesh ``ShardMapProposal/transactionPayload`` bytes),
    /// or a typed error and no change. Only splits are accepted: placement follows the validator set
    /// and is never proposed. Every node applies the same bytes to the same layout with the same
    /// outcome, so a proposal that fails is skipped by all alike.
    public func applying(proposal payload: [UInt8]) throws(NodeError) -> MeshLayout {
        let proposal: ShardMapProposal
        do {
            proposal = try ShardMapProposal(transactionPayload: payload)
        } catch {
            throw NodeError(.rejected, "shard-map proposal: \(error.message)")
        }
        guard proposal.baseVersion == version else {
            throw NodeError(
                .rejected, "shard-map proposal built on layout version \(proposal.baseVersion), layout is at \(version)"
            )
        }
        guard !proposal.changes.isEmpty else { throw NodeError(.rejected, "shard-map proposal changes nothing") }
        var next = self
        let dimension = centroids.first?.count ?? 0
        for change in proposal.changes {
            guard case .splitShard(let shard, let keep, let split) = change else {
                throw NodeError(.rejected, "a shard-map proposal may only split shards")
            }
            guard Int(shard) < next.centroids.count else {
                throw NodeError(.rejected, "shard-map proposal splits shard \(shard), which does not exist")
            }
            guard next.centroids.count < Self.maxShards else {
                throw NodeError(.rejected, "the mesh already has \(Self.maxShards) shards")
            }
            for centroid in [keep, split] {
                guard centroid.count == dimension, centroid.allSatisfy(\.isFinite) else {
                    throw NodeError(.rejected, "a split centroid must have \(dimension) finite components")
                }
            }
            guard keep != split else { throw NodeError(.rejected, "a split needs two different centroids") }
            let newShard = ShardID(next.centroids.count)
            next.centroids[Int(shard)] = keep
            next.centroids.append(split)
            next.splits.append(Split(shard: shard, keep: keep, split: split, newShard: newShard))
        }
        return next
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

    /// Ψ as placement sees it: 1 from 0.5 up, 0.5 below, 0 at 0.
    ///
    /// Why so coarse: Ψ follows every commit (α = 0.1), and a validator whose precommit misses the
    /// last commit three times in a row under load (honest, merely slow) falls from 1 to 0.73.
    /// With quarters that moved shards, the moved records made digests disagree for a while, Ψ
    /// moved again, and placement went round in circles (measured: 48 map changes in 5 minutes on a
    /// loaded 5-process test). From 0.5 a validator must miss about seven commits in a row, or be
    /// scored down for its memory, before its shards move; a collapsed one (0) hosts nothing.
    public static func placementPsi(_ psi: FixedPoint) -> FixedPoint {
        guard psi.raw > 0 else { return .zero }
        return psi.raw >= FixedPoint.scale / 2 ? .one : FixedPoint(raw: FixedPoint.scale / 2)
    }

    /// The layout after `proposals` (committed, in chain order); each that does not apply is
    /// logged and left out, as every node leaves it out.
    public func applyingCommitted(_ proposals: [CommittedShardMapProposal], logger: Logger? = nil) -> MeshLayout {
        var layout = self
        for proposal in proposals {
            do {
                layout = try layout.applying(proposal: proposal.payload)
            } catch {
                logger?.warning(
                    "memory mesh: committed shard-map proposal skipped",
                    metadata: ["height": "\(proposal.height)", "error": "\(error.message)"])
            }
        }
        return layout
    }

    /// The map for `validators`: a fresh one (version 1) when `base` is nil, else `base` with the
    /// splits it lacks and the node changes applied (version + 1), or `base` itself when nothing
    /// changed.
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
            // Splits add one shard each, so the base's next id says how many it already has.
            let applied = max(0, Int(base.nextShardID) - genesisShardCount)
            for split in splits.dropFirst(applied) {
                changes.append(.splitShard(split.shard, keep: split.keep, split: split.split))
            }
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
