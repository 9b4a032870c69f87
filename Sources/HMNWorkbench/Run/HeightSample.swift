import HMNPrimitives

/// What one committed height looked like, observed when the first honest node finalized it.
public struct HeightSample: Hashable, Sendable {
    public var height: UInt64
    /// Virtual time of the first honest finalization.
    public var timeMilliseconds: UInt64
    /// λ and Ĉ after the block (HMNCoherence's transition, from the committed state).
    public var lambda: FixedPoint
    public var coherence: FixedPoint
    /// The chain-decided wait before the next height (`nextBlockDelayMilliseconds`).
    public var epochDelayMilliseconds: UInt64
    /// Round in which the height was decided (0 = first round).
    public var rounds: UInt32
    /// From the finalizing node's round 0 to finalization; nil if it got the block by block sync.
    public var finalityLatencyMilliseconds: UInt64?
    /// Bytes handed to the network since the previous committed height.
    public var gossipBytes: Int
    /// This height was an emergency height (its block carried the planned actions).
    public var emergency: Bool
    /// Emergency slashes plus evidence slashes in the block; emergency boosts in the block.
    public var slashes: Int
    public var boosts: Int
    /// Transactions in the block.
    public var transactions: Int

    public init(
        height: UInt64, timeMilliseconds: UInt64, lambda: FixedPoint, coherence: FixedPoint,
        epochDelayMilliseconds: UInt64, rounds: UInt32, finalityLatencyMilliseconds: UInt64?, gossipBytes: Int,
        emergency: Bool, slashes: Int, boosts: Int, transactions: Int
    ) {
        self.height = height
        self.timeMilliseconds = timeMilliseconds
        self.lambda = lambda
        self.coherence = coherence
        self.epochDelayMilliseconds = epochDelayMilliseconds
        self.rounds = rounds
        self.finalityLatencyMilliseconds = finalityLatencyMilliseconds
        self.gossipBytes = gossipBytes
        self.emergency = emergency
        self.slashes = slashes
        self.boosts = boosts
        self.transactions = transactions
    }
}
