/// Reward tiers (SPEC §7), shared by the ledger (which mints) and HMNCoherence (which computes amounts).
public enum RewardTier: UInt8, Hashable, Sendable, CanonicalCodable {
    /// Coherence mining reward (Mint T0), once per validator per mining epoch.
    case t0 = 0
    /// Memory-contribution reward for a committed proof of a critical record.
    case t1 = 1
    /// Emergency boost; minted only by a block's Layer-2 action list, never by a user transaction.
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
