import HMNPrimitives

extension CoherenceParameters {
    /// A copy with some fields replaced, validated like the initialiser.
    ///
    /// It lives beside the initialiser because it must name every field: a field added to the
    /// parameters is added here in the same module, not in each caller that derives a variant.
    public func copy(
        baseEpochMilliseconds: UInt64? = nil, minEpochMilliseconds: UInt64? = nil, miningEpochHeights: UInt64? = nil,
        emergencyThreshold: FixedPoint? = nil, minStake: UInt64? = nil, epochReward: UInt64? = nil
    ) throws(CoherenceError) -> CoherenceParameters {
        try CoherenceParameters(
            beta: beta, alpha: alpha, genesisPsi: genesisPsi, joinPsi: joinPsi, lambdaMin: lambdaMin,
            lambdaMax: lambdaMax, lambdaMaxStep: lambdaMaxStep, initialLambda: initialLambda,
            baseEpochMilliseconds: baseEpochMilliseconds ?? self.baseEpochMilliseconds,
            minEpochMilliseconds: minEpochMilliseconds ?? self.minEpochMilliseconds,
            miningEpochHeights: miningEpochHeights ?? self.miningEpochHeights,
            emergencyThreshold: emergencyThreshold ?? self.emergencyThreshold,
            emergencyCooldownHeights: emergencyCooldownHeights,
            psiLow: psiLow, psiHigh: psiHigh, slashRate: slashRate, boostRate: boostRate,
            minStake: minStake ?? self.minStake, epochReward: epochReward ?? self.epochReward, t1Share: t1Share,
            t1MaxRewardPerProof: t1MaxRewardPerProof, recencyTauMilliseconds: recencyTauMilliseconds,
            accessHalfCount: accessHalfCount, criticalValue: criticalValue, compressionValue: compressionValue,
            gossipHighBelow: gossipHighBelow, gossipMediumBelow: gossipMediumBelow,
            gossipHighIntervalMilliseconds: gossipHighIntervalMilliseconds,
            gossipMediumIntervalMilliseconds: gossipMediumIntervalMilliseconds,
            gossipLowIntervalMilliseconds: gossipLowIntervalMilliseconds, directRoutingFrom: directRoutingFrom)
    }
}
