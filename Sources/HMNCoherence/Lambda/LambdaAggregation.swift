import HMNPrimitives

/// How a block's λ is decided from the proposals its commit carries (SPEC §5).
///
/// Each validator proposes λ in its precommit's `VoteExtension`. The block's λ is the
/// **power-weighted (lower) median** of those proposals, then clamped to `[λmin, λmax]` and to
/// `±lambdaMaxStep` around the previous λ. The median is robust in the BFT sense: if the proposals
/// of power strictly above one half of the signing power all equal `v`, the median is `v` whatever
/// the rest propose, so a minority cannot drag λ outside the honest proposals' range.
public enum LambdaAggregation {
    /// The lower weighted median: the smallest proposal `v` such that the power of proposals
    /// `≤ v` is at least half of the total (`2 × below ≥ total`). Ties between equal values are
    /// irrelevant (equal values merge). Zero-power entries count for nothing. `nil` when the total
    /// power is 0 or overflows.
    public static func weightedMedian(_ proposals: [(lambda: FixedPoint, power: UInt64)]) -> FixedPoint? {
        var total: UInt64 = 0
        for entry in proposals {
            let (sum, overflow) = total.addingReportingOverflow(entry.power)
            if overflow { return nil }
            total = sum
        }
        guard total > 0 else { return nil }
        let sorted = proposals.filter { $0.power > 0 }.sorted { $0.lambda < $1.lambda }
        var below: UInt128 = 0
        for entry in sorted {
            below += UInt128(entry.power)
            if 2 * below >= UInt128(total) { return entry.lambda }
        }
        return sorted.last?.lambda
    }

    /// Clamps `median` to the range, then to `previous ± maxStep` (intersected with the range,
    /// so the result always satisfies both when `previous` is in range).
    public static func bounded(
        _ median: FixedPoint, previous: FixedPoint, parameters: CoherenceParameters
    ) -> FixedPoint {
        let inRange = median.clamped(to: parameters.lambdaRange)
        let low = max(parameters.lambdaMin, previous - parameters.lambdaMaxStep)
        let high = min(parameters.lambdaMax, previous + parameters.lambdaMaxStep)
        guard low <= high else { return previous.clamped(to: parameters.lambdaRange) }
        return inRange.clamped(to: low...high)
    }

    /// The block's λ: bounded weighted median of the proposals, or `previous` if there are none.
    public static func blockLambda(
        proposals: [(lambda: FixedPoint, power: UInt64)], previous: FixedPoint, parameters: CoherenceParameters
    ) -> FixedPoint {
        guard let median = weightedMedian(proposals) else { return previous }
        return bounded(median, previous: previous, parameters: parameters)
    }

    /// Whether a vote extension's λ proposal is acceptable (`verifyVoteExtension`): inside
    /// `[λmin, λmax]`. Honest policies clamp to the range (``LambdaPolicy/proposeLambda(_:)``), so a
    /// proposal outside it marks a faulty or foreign-configured validator.
    public static func isAcceptableProposal(_ lambda: FixedPoint, parameters: CoherenceParameters) -> Bool {
        parameters.lambdaRange.contains(lambda)
    }
}
