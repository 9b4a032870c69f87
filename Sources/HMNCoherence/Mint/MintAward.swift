import HMNPrimitives

/// Reward tiers (SPEC §7).
public enum RewardTier: UInt8, Hashable, Sendable, CanonicalCodable {
    /// Mining mint at the end of a mining epoch.
    case t0 = 0
    /// Memory-contribution reward for a committed proof of a critical record.
    case t1 = 1
    /// Emergency boost (carried as an ``EmergencyAction`` of kind `.boost`).
    case t4 = 4

    public init(from decoder: inout CanonicalDecoder) throws(CodecError) {
        let start = decoder.offset
        let tag = try decoder.decode(UInt8.self)
        guard let tier = RewardTier(rawValue: tag) else {
            throw CodecError(.unknownTag, offset: start, "unknown reward tier \(tag)")
        }
        self = tier
    }

    public func encode(to encoder: inout CanonicalEncoder) { encoder.encode(rawValue) }
}

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
