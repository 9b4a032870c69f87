import HMNPrimitives

/// A strategy that turns a validator's local observations into a λ proposal (SPEC §5).
///
/// One job: ``desiredLambda(_:)``. Conform a small value type, keep any memory (a PID integral,
/// say) in its stored properties, and it plugs into the CAL engine and the simulator without a
/// change anywhere else; the chain only ever sees the fixed-point proposal. Policies may compute
/// in `Double` because they run locally: the consensus value is the power-weighted median of the
/// proposals, computed in fixed point (``LambdaAggregation``).
///
/// Direction convention: **high λ means calm** (long epochs, slow gossip), low λ means turbulent.
/// A policy should lower λ when coherence falls and raise it when coherence is good.
public protocol LambdaPolicy: Sendable {
    /// A short stable name for reports and plots, e.g. `"pid"`.
    var name: String { get }

    /// The λ this policy would like, before clamping. Any finite value; NaN or an infinity is a bug
    /// that ``proposeLambda(_:)`` reports as ``CoherenceError/Code/invalidPolicyOutput``.
    mutating func desiredLambda(_ observation: LambdaObservation) -> Double
}

extension LambdaPolicy {
    /// The proposal to put in this validator's vote extension: ``desiredLambda(_:)`` rounded to the
    /// nearest ppm and clamped to `[λmin, λmax]` (clamping to the range is part of the contract,
    /// since the chain would clamp anyway; a non-finite wish is an error, not a clamp).
    public mutating func proposeLambda(_ observation: LambdaObservation) throws(CoherenceError) -> FixedPoint {
        let wish = desiredLambda(observation)
        guard wish.isFinite else {
            throw CoherenceError(.invalidPolicyOutput, "policy \(name) returned \(wish)")
        }
        let clamped = min(max(wish, observation.lambdaRange.lowerBound), observation.lambdaRange.upperBound)
        guard let fixed = FixedPoint(exactly: clamped) else {
            throw CoherenceError(.invalidPolicyOutput, "policy \(name) returned \(wish), not representable")
        }
        return fixed
    }
}
