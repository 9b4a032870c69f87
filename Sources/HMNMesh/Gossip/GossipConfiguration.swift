import HMNPrimitives

/// Parameters of the gossip engine. Defaults follow SPEC §9 (pace tiers 10 / 50 / 250 ms).
public struct GossipConfiguration: Hashable, Sendable {
    /// Chain id that memory proofs are signed for.
    public var chainID: String
    /// Tick interval when λ < 0.5 (turbulent: fast announcements and repair).
    public var highPaceMilliseconds: UInt64 = 10
    /// Tick interval when 0.5 ≤ λ < 0.8.
    public var mediumPaceMilliseconds: UInt64 = 50
    /// Tick interval when λ ≥ 0.8 (calm: rare gossip, low bandwidth).
    public var lowPaceMilliseconds: UInt64 = 250
    /// A reconciliation round starts every this many ticks.
    public var reconcileEveryTicks: Int = 4
    /// Eager-push fan-out: a new record goes at once to at most this many of its shard's replicas.
    public var meshDegree: Int = 6
    /// A reconciliation range with at most this many records on either side is sent as a list.
    public var leafThreshold: UInt32 = 4
    /// Queued records (IWANT answers, repair, handoffs) sent to one peer per tick, highest priority first.
    public var maxQueuedBytesPerPeerPerTick: Int = 256 << 10
    /// Records per push message.
    public var maxRecordsPerMessage: Int = 64
    /// Wire messages larger than this are rejected before decoding.
    public var maxMessageBytes: Int = 4 << 20
    /// An announced record that is missing is requested only this long after the IHAVE (at the next
    /// tick after that), giving the eager push time to arrive first (Plumtree's missing-message timer).
    public var iwantGraceMilliseconds: UInt64 = 30
    /// Announced-but-missing records tracked at once (a bound against IHAVE floods).
    public var maxOutstandingAnnouncements: Int = 65_536
    /// A handoff (a record moved by a map change, or written on a node that does not host its shard)
    /// is resent after this many ticks to each replica that has not acknowledged it; the sender
    /// keeps the record until all have, however long a partition lasts.
    public var handoffRetryTicks: Int = 4
    /// How long a shard this node newly hosts (since start or a map change) counts as not yet
    /// settled (``GossipEngine/isSettled(_:)``), unless a reconciliation shows it equal to a
    /// co-replica's sooner: its records may still be on their way here.
    public var settleMilliseconds: UInt64 = 60_000
    /// Records from peers must carry their author's signature (``MemoryRecord/signed(chainID:key:)``);
    /// one without, or a new version of a record under another author, is refused and scored.
    /// Turn off only where every peer is trusted (a closed simulation measuring something else).
    public var requiresAuthorSignatures = true
    /// RΦV at or above this is critical and must carry a memory proof (SPEC §8).
    public var criticalThreshold: FixedPoint = MemoryProof.criticalThreshold
    public var scoring = PeerScoring()
    /// A fault injected into this replica, for tests and drills only (``ReplicaFault``); nil on a
    /// healthy node.
    public var replicaFault: ReplicaFault?

    public init(chainID: String) {
        self.chainID = chainID
    }

    /// The tick interval for λ (SPEC §9 pace tiers).
    public func paceMilliseconds(lambda: FixedPoint) -> UInt64 {
        if lambda < FixedPoint(raw: 500_000) { return highPaceMilliseconds }
        if lambda < FixedPoint(raw: 800_000) { return mediumPaceMilliseconds }
        return lowPaceMilliseconds
    }
}

/// Peer scoring: invalid data costs score, useful data earns a little back, and a peer at or below
/// the graylist threshold is ignored (gossipsub v1.1's graylisting, simplified to one counter).
public struct PeerScoring: Hashable, Sendable {
    public var invalidProofPenalty: Int = 40
    public var wrongContentHashPenalty: Int = 40
    public var staleReplayPenalty: Int = 20
    public var malformedPenalty: Int = 20
    public var usefulRecordReward: Int = 1
    public var maxScore: Int = 100
    public var graylistThreshold: Int = -100

    public init() {}
}
