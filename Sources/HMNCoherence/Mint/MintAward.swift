import HMNPrimitives

/// An amount a recipient may mint (T0) or is paid (T1), recomputable from the chain by anyone.
public struct MintAward: Hashable, Sendable, CanonicalCodable {
    public var recipient: PublicKey
    public var tier: RewardTier
    /// The mining epoch the award belongs to (`(height − 1) / M`, so heights 1…M are epoch 0).
    public var epoch: UInt64
    /// In base units.
    public var amount: UInt64

    public init(recipient: PublicKey, tier: RewardTier, epoch: UInt64, amount: UInt64) {
        self.recipient = recipient
        self.tier = tier
        self.epoch = epoch
        self.amount = amount
    }

    public init(from decoder: inout CanonicalDecoder) throws(CodecError) {
        recipient = try decoder.decode()
        tier = try decoder.decode()
        epoch = try decoder.decode()
        amount = try decoder.decode()
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.encode(recipient)
        encoder.encode(tier)
        encoder.encode(epoch)
        encoder.encode(amount)
    }
}
