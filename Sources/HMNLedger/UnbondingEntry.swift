import HMNPrimitives

/// Stake on its way out: unbonded at `startHeight`, spendable from `releaseHeight`.
///
/// Why a delay: evidence of an offence can land up to `maxEvidenceAgeBlocks` after it. If unbonded
/// stake were spendable at once, a validator could equivocate and withdraw before the evidence is
/// committed. Until its release the entry carries no voting power but stays slashable for offences
/// committed before it started (Cosmos SDK's unbonding delegations work the same way).
public struct UnbondingEntry: Hashable, Sendable, CanonicalCodable {
    /// Base units leaving the stake.
    public var amount: UInt64
    /// Height of the block that carried the unbond transaction.
    public var startHeight: UInt64
    /// First height at which the amount is credited to the balance.
    public var releaseHeight: UInt64

    public init(amount: UInt64, startHeight: UInt64, releaseHeight: UInt64) {
        self.amount = amount
        self.startHeight = startHeight
        self.releaseHeight = releaseHeight
    }

    public init(from decoder: inout CanonicalDecoder) throws(CodecError) {
        let start = decoder.offset
        amount = try decoder.decode()
        startHeight = try decoder.decode()
        releaseHeight = try decoder.decode()
        guard amount > 0, releaseHeight > startHeight else {
            throw CodecError(.invalidValue, offset: start, "an unbonding entry needs an amount and a later release")
        }
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.encode(amount)
        encoder.encode(startHeight)
        encoder.encode(releaseHeight)
    }
}
