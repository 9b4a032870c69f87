import HMNPrimitives

/// The state of one account, identified by its Ed25519 public key.
///
/// `balance` is spendable, `stake` is bonded (voting power once it reaches `minStake`). Both are
/// base units; every change is checked arithmetic.
public struct Account: Hashable, Sendable, CanonicalCodable {
    /// Spendable base units.
    public var balance: UInt64
    /// Number of transactions this account has sent; the next one must carry exactly this nonce.
    public var nonce: UInt64
    /// Bonded base units; voting power once ≥ `minStake`.
    public var stake: UInt64
    /// Last mining epoch this account minted a T0 reward for (0 = never; epochs start at 1).
    public var lastMintEpoch: UInt64
    /// Highest height of a committed equivocation this account was slashed for (0 = never), so one
    /// offence is punished once.
    public var slashedThroughHeight: UInt64

    /// Creates an account; every field defaults to zero.
    public init(
        balance: UInt64 = 0, nonce: UInt64 = 0, stake: UInt64 = 0, lastMintEpoch: UInt64 = 0,
        slashedThroughHeight: UInt64 = 0
    ) {
        self.balance = balance
        self.nonce = nonce
        self.stake = stake
        self.lastMintEpoch = lastMintEpoch
        self.slashedThroughHeight = slashedThroughHeight
    }

    /// balance + stake, or nil if it overflows.
    public var holdings: UInt64? {
        let (sum, overflow) = balance.addingReportingOverflow(stake)
        return overflow ? nil : sum
    }

    public init(from decoder: inout CanonicalDecoder) throws(CodecError) {
        balance = try decoder.decode()
        nonce = try decoder.decode()
        stake = try decoder.decode()
        lastMintEpoch = try decoder.decode()
        slashedThroughHeight = try decoder.decode()
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.encode(balance)
        encoder.encode(nonce)
        encoder.encode(stake)
        encoder.encode(lastMintEpoch)
        encoder.encode(slashedThroughHeight)
    }
}
