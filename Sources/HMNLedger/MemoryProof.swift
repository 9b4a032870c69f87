import HMNPrimitives

/// A committed memory proof as kept in the ledger state (part of the state root).
public struct MemoryProofEntry: Hashable, Sendable, CanonicalCodable {
    /// The proof's author (who may claim the T1 reward).
    public var author: PublicKey
    /// RΦV of the proof.
    public var rphv: FixedPoint
    /// Height of the block that committed the proof.
    public var height: UInt64
    /// Whether the author already minted its T1 reward.
    public var rewardClaimed: Bool

    /// Creates an entry.
    public init(author: PublicKey, rphv: FixedPoint, height: UInt64, rewardClaimed: Bool) {
        self.author = author
        self.rphv = rphv
        self.height = height
        self.rewardClaimed = rewardClaimed
    }

    public init(from decoder: inout CanonicalDecoder) throws(CodecError) {
        author = try decoder.decode()
        rphv = try decoder.decode()
        height = try decoder.decode()
        rewardClaimed = try decoder.decode()
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.encode(author)
        encoder.encode(rphv)
        encoder.encode(height)
        encoder.encode(rewardClaimed)
    }
}
