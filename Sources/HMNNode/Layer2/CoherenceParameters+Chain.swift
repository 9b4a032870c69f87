import HMNCoherence
import HMNLedger
import HMNPrimitives

extension CoherenceParameters {
    /// `self` with the values the ledger's genesis fixes for the whole chain (mining epoch length,
    /// epoch reward, minimum stake), so Layer 1 and Layer 2 cannot disagree about them.
    public func aligned(miningEpochLength: UInt64, epochReward: UInt64, minStake: UInt64) throws(CoherenceError)
        -> CoherenceParameters
    {
        try copy(miningEpochHeights: miningEpochLength, minStake: minStake, epochReward: epochReward)
    }

    /// `self` aligned with a ledger genesis (see ``aligned(miningEpochLength:epochReward:minStake:)``).
    public func aligned(with genesis: Genesis) throws(CoherenceError) -> CoherenceParameters {
        try aligned(
            miningEpochLength: genesis.parameters.miningEpochLength, epochReward: genesis.parameters.epochReward,
            minStake: genesis.parameters.minStake)
    }

    /// A copy with some fields replaced (CoherenceParameters has only `let`s and a validating init).
    public func copy(
        baseEpochMilliseconds: UInt64? = nil, minEpochMilliseconds: UInt64? = nil, miningEpochHeights: UInt64? = nil,
        minStake: UInt64? = nil, epochReward: UInt64? = nil
    ) throws(CoherenceError) -> CoherenceParameters {
        try CoherenceParameters(
            beta: beta, alpha: alpha, genesisPsi: genesisPsi, joinPsi: joinPsi, lambdaMin: lambdaMin,
            lambdaMax: lambdaMax, lambdaMaxStep: lambdaMaxStep, initialLambda: initialLambda,
            baseEpochMilliseconds: baseEpochMilliseconds ?? self.baseEpochMilliseconds,
            minEpochMilliseconds: minEpochMilliseconds ?? self.minEpochMilliseconds,
            miningEpochHeights: miningEpochHeights ?? self.miningEpochHeights,
            emergencyThreshold: emergencyThreshold, emergencyCooldownHeights: emergencyCooldownHeights,
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
