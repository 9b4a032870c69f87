import HMNPrimitives

/// `Double` views of one step, for plots, simulator reports and notebooks. Never feed these back
/// into consensus math: the chain's values are the fixed-point fields of ``CoherenceOutcome``.
public struct CoherenceAnalysis: Hashable, Sendable {
    public var height: UInt64
    /// λ(h).
    public var lambda: Double
    /// Ĉ(h).
    public var coherence: Double
    /// C(h), nil without a commit.
    public var instantCoherence: Double?
    /// Ψ by validator, in key order.
    public var psi: [(publicKey: PublicKey, value: Double)]
    public var nextBlockDelayMilliseconds: UInt64
    public var nextHeightIsEmergency: Bool

    public static func == (lhs: CoherenceAnalysis, rhs: CoherenceAnalysis) -> Bool {
        lhs.height == rhs.height && lhs.lambda == rhs.lambda && lhs.coherence == rhs.coherence
            && lhs.instantCoherence == rhs.instantCoherence
            && lhs.psi.map(\.publicKey) == rhs.psi.map(\.publicKey) && lhs.psi.map(\.value) == rhs.psi.map(\.value)
            && lhs.nextBlockDelayMilliseconds == rhs.nextBlockDelayMilliseconds
            && lhs.nextHeightIsEmergency == rhs.nextHeightIsEmergency
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(height)
        hasher.combine(lambda)
        hasher.combine(coherence)
    }
}

extension CoherenceOutcome {
    /// The step's numbers as `Double`s, for analysis only.
    public var analysis: CoherenceAnalysis {
        CoherenceAnalysis(
            height: height, lambda: lambda.doubleValue, coherence: coherence.doubleValue,
            instantCoherence: instantCoherence?.doubleValue,
            psi: scores.map { ($0.publicKey, $0.psi.doubleValue) },
            nextBlockDelayMilliseconds: nextBlockDelayMilliseconds, nextHeightIsEmergency: nextHeightIsEmergency)
    }
}
