import HMNPrimitives

/// A snapshot of a node for `GET /v1/status`, `hmn status` and the devnet status line.
public struct NodeStatus: Hashable, Sendable {
    public var chainID: String
    /// This node's validator (and transport) key.
    public var nodeKey: PublicKey
    /// Height of the last committed block (0 before the first).
    public var height: UInt64
    /// Id of the last committed block (zero hash before the first).
    public var lastBlockID: Hash256
    /// The consensus round currently being run for `height + 1`.
    public var round: UInt32
    /// λ(t) and Ĉ(t) after the last committed block.
    public var lambda: FixedPoint
    public var coherence: FixedPoint
    /// Whether the next height is an emergency height (Ĉ < threshold, SPEC §6).
    public var nextHeightIsEmergency: Bool
    /// Finality latency of the last committed block as seen by this node (proposal start to
    /// commit), in milliseconds; nil before the first.
    public var lastFinalityMilliseconds: UInt64?
    public var validators: [ValidatorStatus]
    /// Keys of the peers the transport has a live session with.
    public var peers: [PublicKey]
    public var mempoolSize: Int
    public var memoryRecords: Int
    /// True while this node is catching up: its last commit came by block sync and it has not
    /// committed a height through consensus since. It refuses transactions meanwhile (its state is
    /// not current), answering ``NodeError/Code/unavailable``.
    public var syncing: Bool

    public init(
        chainID: String, nodeKey: PublicKey, height: UInt64, lastBlockID: Hash256, round: UInt32,
        lambda: FixedPoint, coherence: FixedPoint, nextHeightIsEmergency: Bool,
        lastFinalityMilliseconds: UInt64?, validators: [ValidatorStatus], peers: [PublicKey],
        mempoolSize: Int, memoryRecords: Int, syncing: Bool = false
    ) {
        self.chainID = chainID
        self.nodeKey = nodeKey
        self.height = height
        self.lastBlockID = lastBlockID
        self.round = round
        self.lambda = lambda
        self.coherence = coherence
        self.nextHeightIsEmergency = nextHeightIsEmergency
        self.lastFinalityMilliseconds = lastFinalityMilliseconds
        self.validators = validators
        self.peers = peers
        self.mempoolSize = mempoolSize
        self.memoryRecords = memoryRecords
        self.syncing = syncing
    }
}

/// One validator as seen by the status endpoint.
public struct ValidatorStatus: Hashable, Sendable {
    public var key: PublicKey
    /// Voting power (bonded stake).
    public var power: UInt64
    /// Ψ, the validator's coherence score (SPEC §4).
    public var psi: FixedPoint

    public init(key: PublicKey, power: UInt64, psi: FixedPoint) {
        self.key = key
        self.power = power
        self.psi = psi
    }
}
