import HMNPrimitives

/// The step a timeout belongs to. `newHeight` ends the epoch delay after a commit; `gossip`
/// re-sends the node's own messages; `emptyBlock` ends the wait for a transaction
/// (``ConsensusConfiguration/emptyBlockWaitMilliseconds``).
public enum TimeoutStep: UInt8, Hashable, Sendable, CanonicalCodable {
    case newHeight = 0
    case propose = 1
    case prevote = 2
    case precommit = 3
    case gossip = 4
    case emptyBlock = 5

    public init(from decoder: inout CanonicalDecoder) throws(CodecError) {
        let start = decoder.offset
        guard let step = TimeoutStep(rawValue: try decoder.decode(UInt8.self)) else {
            throw CodecError(.unknownTag, offset: start, "unknown timeout step")
        }
        self = step
    }

    public func encode(to encoder: inout CanonicalEncoder) { encoder.encode(rawValue) }
}

/// A timer the engine asked for; the shell hands it back when it fires.
public struct ConsensusTimeout: Hashable, Sendable {
    public var height: UInt64
    public var round: UInt32
    public var step: TimeoutStep

    public init(height: UInt64, round: UInt32, step: TimeoutStep) {
        self.height = height
        self.round = round
        self.step = step
    }
}

/// An input to ``ConsensusEngine/handle(_:now:application:)``.
public enum ConsensusEvent: Hashable, Sendable {
    /// Begin (or resume after ``ConsensusEngine/init(configuration:signingKey:application:walRecords:logger:)``
    /// replayed a WAL). Send exactly once.
    case start
    /// A decoded message from a peer (peers are identified by their node key).
    case message(ConsensusMessage, from: PublicKey)
    /// A timer scheduled by ``ConsensusAction/scheduleTimeout(_:afterMilliseconds:)`` fired.
    case timeout(ConsensusTimeout)
    /// Equivocation evidence from outside the vote flow: an operator or a monitoring client saw two
    /// conflicting votes (CometBFT's `broadcast_evidence`). Verified like evidence the engine finds
    /// itself, then pooled for this node's next proposal; invalid evidence is ignored.
    case evidence(DuplicateVoteEvidence)
    /// The mempool went from empty to holding a transaction: a height waiting for one starts
    /// (``ConsensusConfiguration/emptyBlockWaitMilliseconds``). Harmless at any other time.
    case transactionsAvailable
}
