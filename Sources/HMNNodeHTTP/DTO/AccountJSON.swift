import HMNLedger
import HMNPrimitives

/// `GET /v1/accounts/{key}`: an account after the last committed block.
public struct AccountJSON: Codable, Hashable, Sendable {
    public var key: String
    /// Spendable base units.
    public var balance: UInt64
    /// The nonce the account's next transaction must carry.
    public var nonce: UInt64
    /// Bonded base units.
    public var stake: UInt64
    public var lastMintEpoch: UInt64
    public var slashedThroughHeight: UInt64
    /// Stake on its way back to the balance, oldest first (absent in answers of older nodes).
    public var unbonding: [UnbondingJSON]?

    /// One unbonding entry: `amount` reaches the balance at `releaseHeight`.
    public struct UnbondingJSON: Codable, Hashable, Sendable {
        public var amount: UInt64
        public var startHeight: UInt64
        public var releaseHeight: UInt64
    }

    public init(key: PublicKey, account: Account) {
        self.key = key.hex
        balance = account.balance
        nonce = account.nonce
        stake = account.stake
        lastMintEpoch = account.lastMintEpoch
        slashedThroughHeight = account.slashedThroughHeight
        unbonding = account.unbonding.map {
            UnbondingJSON(amount: $0.amount, startHeight: $0.startHeight, releaseHeight: $0.releaseHeight)
        }
    }
}
