import HMNPrimitives

/// The committed position a new block builds on.
public struct ChainTip: Hashable, Sendable {
    /// 0 before the first block.
    public var height: UInt64
    /// Id of the last block; the genesis hash before the first block.
    public var blockID: Hash256
    /// Time of the last block; the genesis time before the first block.
    public var timeMilliseconds: UInt64
    /// State root after the last block (the app hash).
    public var appHash: Hash256

    /// Creates a tip.
    public init(height: UInt64, blockID: Hash256, timeMilliseconds: UInt64, appHash: Hash256) {
        self.height = height
        self.blockID = blockID
        self.timeMilliseconds = timeMilliseconds
        self.appHash = appHash
    }
}

/// A block that passed every rule against the current tip, with the state it leads to.
/// Nothing is stored until ``Ledger/commit(_:certificate:)``.
public struct ExecutedBlock: Sendable {
    /// The executed block.
    public let block: Block
    /// The block's canonical bytes (what is stored and gossiped).
    public let bytes: [UInt8]
    /// One result per transaction, in order.
    public let results: [TransactionResult]
    /// Voting-power changes this block causes; they take effect at `height + 2`.
    public let validatorUpdates: [ValidatorPower]
    /// The validator set effective at `height + 2`.
    public let validatorsAfterNext: [ValidatorPower]
    /// Minted (T0, T1, T4) and burned (slashes) by this block.
    public let supply: SupplyChange
    let state: LedgerState
    let engine: any Layer2Engine

    /// The block id.
    public var id: Hash256 { block.id }
    /// The block height.
    public var height: UInt64 { block.height }
    /// The state root after the block.
    public var appHash: Hash256 { block.header.stateRoot }
    /// λ-driven delay before the next height, and whether it is an emergency height.
    public var nextBlockDelayMilliseconds: UInt64 { engine.nextBlockDelayMilliseconds }
    public var nextHeightIsEmergency: Bool { engine.nextHeightIsEmergency }

    init(
        block: Block, bytes: [UInt8], results: [TransactionResult], validatorUpdates: [ValidatorPower],
        validatorsAfterNext: [ValidatorPower], supply: SupplyChange, state: LedgerState, engine: any Layer2Engine
    ) {
        self.block = block
        self.bytes = bytes
        self.results = results
        self.validatorUpdates = validatorUpdates
        self.validatorsAfterNext = validatorsAfterNext
        self.supply = supply
        self.state = state
        self.engine = engine
    }
}

/// A transaction a proposal left out, and why.
public struct RejectedTransaction: Sendable {
    /// The transaction left out.
    public var transaction: SignedTransaction
    /// The rule it broke.
    public var error: LedgerError
}
