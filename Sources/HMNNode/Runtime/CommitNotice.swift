import HMNLedger
import HMNPrimitives

/// What a ``ConsensusDriver`` reports after each committed block, for the node's services
/// (mining agent, metrics, logs) — values only, so any task may hold it.
public struct CommitNotice: Hashable, Sendable {
    public var height: UInt64
    public var blockID: Hash256
    /// The round that decided the block.
    public var round: UInt32
    /// True when the block came from block sync rather than this node's own rounds.
    public var viaBlockSync: Bool
    public var transactionCount: Int
    /// λ, Ĉ and the emergency flag after the block.
    public var lambda: FixedPoint
    public var coherence: FixedPoint
    public var nextHeightIsEmergency: Bool
    /// From round 0 of the height starting on this node to the commit; nil when not observed.
    public var finalityMilliseconds: UInt64?
    public var mempoolSize: Int
    public var validators: [ValidatorStatus]
    /// Transactions whose signatures the application verified since the node started (memo
    /// misses; see ``NodeApplication/signatureVerificationCount``).
    public var signatureVerifications: UInt64 = 0
    /// The block's shard-map proposals (they split memory shards), in block order.
    public var shardMapProposals: [CommittedShardMapProposal] = []
}

/// A message the driver wants sent (consensus bytes already wrapped in a ``NodeMessage``).
public enum OutboundMessage: Hashable, Sendable {
    case broadcast([UInt8])
    case send([UInt8], to: PublicKey)
}
