/// A PID controller that drives Ĉ toward a target by moving λ, with anti-windup.
///
/// Error `e = Ĉ − target` (one sample per height, so dt = 1):
/// `λ = baseline + kp·e + ki·I + kd·(e − e_prev)`, with `I` the running sum of `e`.
/// Ĉ above target (calm) raises λ; Ĉ below target lowers it, which shortens epochs and speeds
/// gossip so replicas resync and Ĉ recovers. Documented direction: steady high Ĉ → λ rises to
/// λmax; a drop → λ falls at once (proportional and derivative terms); recovery → λ climbs back.
///
/// Anti-windup: conditional integration (the integral does not grow while the output is saturated
/// in the direction the error pushes it) plus a hard clamp `|I| ≤ integralLimit`, so a long calm
/// spell at λmax does not delay the reaction to the next drop.
public struct PIDLambdaPolicy: LambdaPolicy, Hashable {
    /// The Ĉ the controller steers toward (default 0.95).
    public let target: Double
    /// kp (default 2): λ per unit of error.
    public let proportionalGain: Double
    /// ki (default 0.2): λ per unit of accumulated error.
    public let integralGain: Double
    /// kd (default 0.5): λ per unit of error change between heights.
    public let derivativeGain: Double
    /// λ when Ĉ sits on the target with no accumulated error.
    public let baseline: Double
    /// Hard bound on |I| (default 1).
    public let integralLimit: Double

    /// Accumulated error (the integral term's state).
    public private(set) var integral: Double = 0
    /// The previous error, for the derivative term; nil before the first proposal.
    public private(set) var previousError: Double?

    /// - Throws: ``CoherenceError/Code/invalidParameter`` for non-finite values, a target outside
    ///   [0, 1], negative gains, a non-positive baseline or a negative integral limit.
    public init(
        target: Double = 0.95, proportionalGain: Double = 2.0, integralGain: Double = 0.2,
        derivativeGain: Double = 0.5, baseline: Double = 1.0, integralLimit: Double = 1.0
    ) throws(CoherenceError) {
        let values = [target, proportionalGain, integralGain, derivativeGain, baseline, integralLimit]
        guard values.allSatisfy(\.isFinite) else {
            throw CoherenceError(.invalidParameter, "PID parameters must be finite, got \(values)")
        }
        guard (0...1).contains(target) else {
            throw CoherenceError(.invalidParameter, "PID target must be in [0, 1], got \(target)")
        }
        guard proportionalGain >= 0, integralGain >= 0, derivativeGain >= 0, integralLimit >= 0, baseline > 0 else {
            throw CoherenceError(.invalidParameter, "PID gains and integral limit must be ≥ 0 and baseline > 0")
        }
        self.target = target
        self.proportionalGain = proportionalGain
        self.integralGain = integralGain
        self.derivativeGain = derivativeGain
        self.baseline = baseline
        self.integralLimit = integralLimit
    }

    public var name: String { "pid" }

    public mutating func desiredLambda(_ observation: LambdaObservation) -> Double {
        let error = observation.latestCoherence - target
        let derivative = previousError.map { error - $0 } ?? 0
        previousError = error
        let tentative =
            baseline + proportionalGain * error + integralGain * (integral + error)
            + derivativeGain * derivative
        let saturatedHigh = tentative > observation.lambdaRange.upperBound && error > 0
        let saturatedLow = tentative < observation.lambdaRange.lowerBound && error < 0
        if !saturatedHigh && !saturatedLow {
            integral = min(max(integral + error, -integralLimit), integralLimit)
        }
        return baseline + proportionalGain * error + integralGain * integral + derivativeGain * derivative
    }
}
