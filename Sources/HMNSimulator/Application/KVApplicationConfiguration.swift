import HMNPrimitives

/// Parameters of the test application's λ and emergency rules (SPEC §2–§6, simplified).
public struct KVApplicationConfiguration: Hashable, Sendable {
    public var chainID = "hmn-sim"
    public var baseEpochMilliseconds: UInt64 = 100
    public var minEpochMilliseconds: UInt64 = 20
    public var lambdaRange = FixedPoint(raw: 100_000)...FixedPoint(raw: 1_500_000)
    public var lambdaMaxStep = FixedPoint(raw: 250_000)
    /// Ψ smoothing α and Ĉ smoothing β.
    public var alpha = FixedPoint(raw: 100_000)
    public var beta = FixedPoint(raw: 300_000)
    public var emergencyThreshold = FixedPoint(raw: 700_000)
    public var psiLow = FixedPoint(raw: 300_000)
    public var psiHigh = FixedPoint(raw: 900_000)
    public var slashRate = FixedPoint(raw: 500_000)
    public var boostRate = FixedPoint(raw: 20_000)
    public var emergencyCooldownHeights: UInt64 = 5
    public var evidenceMaxAgeHeights: UInt64 = 100

    public init() {}

    /// `max(minEpoch, baseEpoch × λ)`.
    public func delayMilliseconds(lambda: FixedPoint) -> UInt64 {
        max(minEpochMilliseconds, lambda.scaling(baseEpochMilliseconds) ?? baseEpochMilliseconds)
    }
}
