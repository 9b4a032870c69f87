import HMNPrimitives

/// The state of one account, identified by its Ed25519 public key.
///
/// `balance` is spendable, `stake` is bonded (voting power once it reaches `minStake`), `unbonding`
/// is stake on its way back to the balance. All are base units; every change is checked arithmetic.
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
    /// Unbonded stake not yet released, oldest first (see ``UnbondingEntry``).
    public var unbonding: [UnbondingEntry]

    /// Upper bound on pending unbonding entries per account (an unbond beyond it is refused).
    public static let maxUnbondingEntries = 64

    /// Creates an account; every field defaults to zero.
    public init(
        balance: UInt64 = 0, nonce: UInt64 = 0, stake: UInt64 = 0, lastMintEpoch: UInt64 = 0,
        slashedThroughHeight: UInt64 = 0, unbonding: [UnbondingEntry] = []
    ) {
        self.balance = balance
        self.nonce = nonce
        self.stake = stake
        self.lastMintEpoch = lastMintEpoch
        self.slashedThroughHeight = slashedThroughHeight
        self.unbonding = unbonding
    }

    /// Stake still unbonding, summed.
    public var unbondingTotal: UInt128 { unbonding.reduce(UInt128(0)) { $0 + UInt128($1.amount) } }

    /// balance + stake + unbonding, or nil if it overflows.
    public var holdings: UInt64? {
        let total = UInt128(balance) + UInt128(stake) + unbondingTotal
        return total <= UInt128(UInt64.max) ? UInt64(total) : nil
    }

    public init(from decoder: inout CanonicalDecoder) throws(CodecError) {
        balance = try decoder.decode()
        nonce = try decoder.decode()
        stake = try decoder.decode()
        lastMintEpoch = try decoder.decode()
        slashedThroughHeight = try decoder.decode()
        // Absent when empty, so accounts that never unbonded keep the encoding (and the state
        // roots) they had before unbonding entries existed; present means at least one entry.
        unbonding = []
        if !decoder.isAtEnd {
            let start = decoder.offset
            unbonding = try decoder.decodeArray(maxCount: Self.maxUnbondingEntries)
            guard !unbonding.isEmpty else {
                throw CodecError(.invalidValue, offset: start, "an empty unbonding list is encoded by its absence")
            }
        }
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.encode(balance)
        encoder.encode(nonce)
        encoder.encode(stake)
        encoder.encode(lastMintEpoch)
        encoder.encode(slashedThroughHeight)
        if !unbonding.isEmpty { encoder.encode(unbonding) }
    }
}

extension Account {
    /// Removes up to `amount` for a slash: from the stake first, then from the unbonding entries
    /// that still counted as voting power at `offenceHeight` (newest first, since they left last).
    /// Returns what was taken.
    ///
    /// Stake changes reach the validator set two heights later, so an entry started at `s` was
    /// still power in the sets of heights up to `s + 1`; only entries with `s + 2 > offenceHeight`
    /// backed the offence. Pass 0 to make every entry slashable.
    mutating func takeSlash(_ amount: UInt64, offenceHeight: UInt64) -> UInt64 {
        let fromStake = min(amount, stake)
        stake -= fromStake
        var remaining = amount - fromStake
        for index in unbonding.indices.reversed()
        where remaining > 0 && unbonding[index].startHeight + 2 > offenceHeight {
            let part = min(remaining, unbonding[index].amount)
            unbonding[index].amount -= part
            remaining -= part
        }
        unbonding.removeAll { $0.amount == 0 }
        return amount - remaining
    }
}
