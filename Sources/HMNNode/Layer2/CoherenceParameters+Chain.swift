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
}
