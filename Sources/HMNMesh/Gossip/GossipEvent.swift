import HMNPrimitives

/// What happens to a gossip engine: the shell (node or simulator) feeds these in.
public enum GossipEvent: Sendable {
    /// Starts the engine; it answers with its first ``GossipAction/schedule(afterMilliseconds:)``.
    case start
    /// The timer the engine last scheduled fired.
    case tick
    /// The local node wrote a record (a critical one is signed here, with the engine's key).
    case localWrite(MemoryRecord)
    case received(GossipMessage, from: PublicKey)
    /// Bytes from a peer that failed to decode (the shell decoded them); costs the peer score.
    case malformed(MeshError, from: PublicKey)
    case peerJoined(PublicKey, rttMilliseconds: UInt32)
    case peerLeft(PublicKey)
    /// A new shard map was finalized on Layer 1.
    case mapChanged(ShardMap)
    /// The chain's λ changed (SPEC §5): it sets the tick interval.
    case lambdaChanged(FixedPoint)
}

/// What a gossip engine asks its shell to do, in order.
public enum GossipAction: Hashable, Sendable {
    case send(to: PublicKey, GossipMessage)
    /// Deliver ``GossipEvent/tick`` after this long (replaces any earlier timer).
    case schedule(afterMilliseconds: UInt64)
    /// A record was accepted (new or newer); the shell persists and indexes it.
    case integrated(MemoryRecord, shard: ShardID)
    /// This node no longer hosts the record (after a completed handoff).
    case dropped(Hash256)
    /// A critical local write: commit its proof to Layer 1 through a ``MemoryProofSink``.
    case commitProof(MemoryProof)
    /// Data from a peer was rejected.
    case rejected(from: PublicKey, MeshError)
    /// A peer's score fell to the graylist threshold; its messages are ignored from now on.
    case graylisted(PublicKey)
}
