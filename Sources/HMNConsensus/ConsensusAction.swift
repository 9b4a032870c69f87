import HMNPrimitives

/// A height the engine finalized, with what the application answered.
public struct FinalizedHeight: Hashable, Sendable {
    public var height: UInt64
    public var block: ProposedBlock
    public var commit: CommitCertificate
    public var response: FinalizeBlockResponse
    /// True when the block came from block sync rather than from this node's own rounds.
    public var viaBlockSync: Bool
}

/// An output of the engine, to be executed by its shell in order.
///
/// Order matters: a ``persist(_:)`` of a signed vote precedes its ``broadcast(_:)``, and the shell
/// must make the record durable (fsync) before it sends anything that follows.
public enum ConsensusAction: Hashable, Sendable {
    /// Append to the write-ahead log and make it durable before executing the next action.
    case persist(WALRecord)
    /// Replace the write-ahead log by this checkpoint (a new height began; older records are dead).
    case checkpoint(HeightSnapshot)
    case broadcast(ConsensusMessage)
    case send(ConsensusMessage, to: PublicKey)
    case scheduleTimeout(ConsensusTimeout, afterMilliseconds: UInt64)
    /// The block was finalized and committed by the application.
    case finalized(FinalizedHeight)
    /// The application's verdict on a proposal (for tracing and the simulator's validity checker).
    case verdict(height: UInt64, round: UInt32, blockID: Hash256, accepted: Bool)
    /// Equivocation was detected; the evidence is pooled for the next proposals.
    case evidence(DuplicateVoteEvidence)
    /// The engine stopped: the application failed or returned an unusable result.
    case halted(ConsensusError)
}
