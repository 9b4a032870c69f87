import HMNPrimitives

/// The chain-decided wait before the next height (SPEC §2), CometBFT's `next_block_delay`.
public enum EpochDelay {
    /// `max(minEpoch, floor(baseEpoch × λ))` in milliseconds; 0 before an emergency height, which
    /// starts at once.
    public static func milliseconds(
        lambda: FixedPoint, emergency: Bool = false, parameters: CoherenceParameters
    ) -> UInt64 {
        if emergency { return 0 }
        let scaled = max(lambda, .zero).scaling(parameters.baseEpochMilliseconds) ?? UInt64.max
        return max(parameters.minEpochMilliseconds, scaled)
    }
}
