import HMNPrimitives

/// What an engine knows about one peer: its round-trip time (for proximity) and its score.
public struct PeerState: Hashable, Sendable {
    public var rttMilliseconds: UInt32
    public internal(set) var score: Int = 0
    public internal(set) var isGraylisted = false

    public init(rttMilliseconds: UInt32) {
        self.rttMilliseconds = rttMilliseconds
    }
}

/// A record waiting to be sent to one peer, with its priority (SPEC §9: critical RΦV first, then
/// recency, then what the peer asked for).
struct OutboundRecord: Hashable, Sendable {
    var record: MemoryRecord
    var shard: ShardID
    var isRequest: Bool
    var kind: PushKind
    var bytes: Int

    var isCritical: Bool { record.proof?.isCritical ?? false }

    /// True when `self` must be sent before `other`.
    func precedes(_ other: OutboundRecord) -> Bool {
        if isCritical != other.isCritical { return isCritical }
        if record.updatedAtMilliseconds != other.record.updatedAtMilliseconds {
            return record.updatedAtMilliseconds > other.record.updatedAtMilliseconds
        }
        if isRequest != other.isRequest { return !isRequest }
        return record.id < other.record.id
    }
}

/// A record that must reach replicas added by a map change before this node may drop it.
struct PendingHandoff: Hashable, Sendable {
    var record: MemoryRecord
    var shard: ShardID
    var targets: Set<PublicKey>
    /// This node no longer hosts the record: drop it once every target acked.
    var dropWhenDone: Bool
    var ticksLeft: Int
}
