import HMNPrimitives

/// Every tunable of the Layer-2 math, validated once at construction (SPEC §2–§9).
///
/// Fractions are `FixedPoint` (parts per million), durations are milliseconds, amounts are base
/// units. The defaults are the SPEC's. A value that exists has passed ``validate()``: β and α in
/// (0, 1], `λmin ≤ initialλ ≤ λmax`, `ψlow < ψhigh`, compression below critical, and so on; a bad
/// field is a ``CoherenceError/Code/invalidParameter`` at construction, never a silent clamp.
///
/// All nodes of one chain must use the same parameters: they are chain configuration, encoded
/// canonically so a genesis file can commit to them.
public struct CoherenceParameters: Hashable, Sendable {
    // MARK: Smoothing (SPEC §3, §4)

    /// β, the weight of the newest instant coherence in Ĉ. Range (0, 1], default 0.3.
    public let beta: FixedPoint
    /// α, the weight of the newest contribution in Ψ. Range (0, 1], default 0.1.
    public let alpha: FixedPoint
    /// Ψ of a genesis validator. Range [0, 1], default 1.
    public let genesisPsi: FixedPoint
    /// Ψ of a validator that joins later. Range [0, 1], default 0.5.
    public let joinPsi: FixedPoint

    // MARK: λ (SPEC §5)

    /// Lowest λ (most turbulent). Range (0, λmax], default 0.1.
    public let lambdaMin: FixedPoint
    /// Highest λ (calmest). Default 1.5.
    public let lambdaMax: FixedPoint
    /// Largest change of λ from one block to the next. Range > 0, default 0.25.
    public let lambdaMaxStep: FixedPoint
    /// λ(0). Range [λmin, λmax], default 1.
    public let initialLambda: FixedPoint

    // MARK: Time (SPEC §2)

    /// Epoch delay at λ = 1, in milliseconds. Range > 0, default 1,000.
    public let baseEpochMilliseconds: UInt64
    /// Floor of the epoch delay, in milliseconds. Default 50.
    public let minEpochMilliseconds: UInt64
    /// Heights per mining epoch, M. Range ≥ 1, default 10.
    public let miningEpochHeights: UInt64

    // MARK: Emergency (SPEC §6)

    /// Ĉ below this makes the next height an emergency height. Range [0, 1], default 0.7.
    public let emergencyThreshold: FixedPoint
    /// Heights after an emergency height during which no new one starts. Default 5.
    public let emergencyCooldownHeights: UInt64
    /// ψlow: validators below it are slashed. Range (0, ψhigh), default 0.3.
    public let psiLow: FixedPoint
    /// ψhigh: validators above it are boosted (T4). Range (ψlow, 1), default 0.9.
    public let psiHigh: FixedPoint
    /// Share of stake slashed at Ψ = 0 (and for equivocation). Range [0, 1], default 0.1.
    public let slashRate: FixedPoint
    /// Share of stake boosted at Ψ = 1. Range [0, 1], default 0.05.
    public let boostRate: FixedPoint
    /// A validator whose stake falls below this leaves the set, in base units. Default 1.
    public let minStake: UInt64

    // MARK: Mint (SPEC §7)

    /// The most that is minted per mining epoch, T0 and T1 together, in base units. Default 10⁹.
    public let epochReward: UInt64
    /// Share of ``epochReward`` reserved for T1 memory-proof rewards. Range [0, 1], default 0.1.
    public let t1Share: FixedPoint
    /// T1 reward for one proof of RΦV = 1, in base units (scaled by RΦV). Default 10⁶.
    public let t1MaxRewardPerProof: UInt64

    // MARK: RΦV (SPEC §8)

    /// τ, the recency time constant of R, in milliseconds. Range > 0, default 86,400,000 (one day).
    public let recencyTauMilliseconds: UInt64
    /// Accesses at which use lifts R halfway from its decayed value to 1. Range ≥ 1, default 8.
    public let accessHalfCount: UInt64
    /// RΦV at or above this is critical (needs a memory proof). Range (compression, 1], default 0.8.
    public let criticalValue: FixedPoint
    /// RΦV below this is a compression candidate. Range [0, critical), default 0.2.
    public let compressionValue: FixedPoint

    // MARK: Mesh pacing and routing (SPEC §9)

    /// λ below this gossips at the high pace. Default 0.5.
    public let gossipHighBelow: FixedPoint
    /// λ below this (and ≥ ``gossipHighBelow``) gossips at the medium pace. Default 0.8.
    public let gossipMediumBelow: FixedPoint
    /// Gossip intervals of the three tiers, in milliseconds, non-decreasing. Defaults 10, 50, 250.
    public let gossipHighIntervalMilliseconds: UInt64
    public let gossipMediumIntervalMilliseconds: UInt64
    public let gossipLowIntervalMilliseconds: UInt64
    /// λ at or above this routes queries directly; below it fallback shards are allowed. Default 0.7.
    public let directRoutingFrom: FixedPoint

    /// Builds and validates a parameter set. Every argument defaults to the SPEC value.
    public init(
        beta: FixedPoint = FixedPoint(ratio: 3, 10),
        alpha: FixedPoint = FixedPoint(ratio: 1, 10),
        genesisPsi: FixedPoint = .one,
        joinPsi: FixedPoint = FixedPoint(ratio: 1, 2),
        lambdaMin: FixedPoint = FixedPoint(ratio: 1, 10),
        lambdaMax: FixedPoint = FixedPoint(ratio: 3, 2),
        lambdaMaxStep: FixedPoint = FixedPoint(ratio: 1, 4),
        initialLambda: FixedPoint = .one,
        baseEpochMilliseconds: UInt64 = 1_000,
        minEpochMilliseconds: UInt64 = 50,
        miningEpochHeights: UInt64 = 10,
        emergencyThreshold: FixedPoint = FixedPoint(ratio: 7, 10),
        emergencyCooldownHeights: UInt64 = 5,
        psiLow: FixedPoint = FixedPoint(ratio: 3, 10),
        psiHigh: FixedPoint = FixedPoint(ratio: 9, 10),
        slashRate: FixedPoint = FixedPoint(ratio: 1, 10),
        boostRate: FixedPoint = FixedPoint(ratio: 1, 20),
        minStake: UInt64 = 1,
        epochReward: UInt64 = 1_000_000_000,
        t1Share: FixedPoint = FixedPoint(ratio: 1, 10),
        t1MaxRewardPerProof: UInt64 = 1_000_000,
        recencyTauMilliseconds: UInt64 = 86_400_000,
        accessHalfCount: UInt64 = 8,
        criticalValue: FixedPoint = FixedPoint(ratio: 4, 5),
        compressionValue: FixedPoint = FixedPoint(ratio: 1, 5),
        gossipHighBelow: FixedPoint = FixedPoint(ratio: 1, 2),
        gossipMediumBelow: FixedPoint = FixedPoint(ratio: 4, 5),
        gossipHighIntervalMilliseconds: UInt64 = 10,
        gossipMediumIntervalMilliseconds: UInt64 = 50,
        gossipLowIntervalMilliseconds: UInt64 = 250,
        directRoutingFrom: FixedPoint = FixedPoint(ratio: 7, 10)
    ) throws(CoherenceError) {
        self.beta = beta
        self.alpha = alpha
        self.genesisPsi = genesisPsi
        self.joinPsi = joinPsi
        self.lambdaMin = lambdaMin
        self.lambdaMax = lambdaMax
        self.lambdaMaxStep = lambdaMaxStep
        self.initialLambda = initialLambda
        self.baseEpochMilliseconds = baseEpochMilliseconds
        self.minEpochMilliseconds = minEpochMilliseconds
        self.miningEpochHeights = miningEpochHeights
        self.emergencyThreshold = emergencyThreshold
        self.emergencyCooldownHeights = emergencyCooldownHeights
        self.psiLow = psiLow
        self.psiHigh = psiHigh
        self.slashRate = slashRate
        self.boostRate = boostRate
        self.minStake = minStake
        self.epochReward = epochReward
        self.t1Share = t1Share
        self.t1MaxRewardPerProof = t1MaxRewardPerProof
        self.recencyTauMilliseconds = recencyTauMilliseconds
        self.accessHalfCount = accessHalfCount
        self.criticalValue = criticalValue
        self.compressionValue = compressionValue
        self.gossipHighBelow = gossipHighBelow
        self.gossipMediumBelow = gossipMediumBelow
        self.gossipHighIntervalMilliseconds = gossipHighIntervalMilliseconds
        self.gossipMediumIntervalMilliseconds = gossipMediumIntervalMilliseconds
        self.gossipLowIntervalMilliseconds = gossipLowIntervalMilliseconds
        self.directRoutingFrom = directRoutingFrom
        try validate()
    }

    /// The SPEC defaults.
    public static let standard: CoherenceParameters = {
        // The defaults are valid by construction; a test pins this.
        try! CoherenceParameters()
    }()

    /// `[λmin, λmax]`.
    public var lambdaRange: ClosedRange<FixedPoint> { lambdaMin...lambdaMax }
}
