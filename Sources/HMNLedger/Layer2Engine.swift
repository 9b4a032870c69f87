import HMNPrimitives

/// The hook through which Layer 2 (coherence: Ĉ, λ, Ψ, emergency actions, rewards) steers the
/// Layer-1 ledger, without HMNLedger importing the coherence layer.
///
/// An engine is a deterministic value: the ledger copies it, advances the copy once per block
/// it executes, and keeps the copy only if the block commits. Implementations must therefore have
/// value semantics (a struct, or a class that copies on write) and must depend on nothing but the
/// facts handed to them. The ledger persists ``canonicalState`` with each block in the same SQLite
/// transaction, hashes it into the header's L2 root, and restores it on reopen through
/// ``restored(from:)``.
///
/// Reads describe the engine *before* the block being executed (after the previous block);
/// ``advance(_:)`` moves it past the block, after which ``lambda`` and ``coherence`` are the values
/// the block's header carries.
public protocol Layer2Engine: Sendable {
    /// Sets the state for a new chain.
    mutating func start(_ genesis: Layer2Genesis)

    /// Moves the state past one executed block.
    mutating func advance(_ facts: Layer2BlockFacts)

    /// The whole state in canonical bytes.
    var canonicalState: [UInt8] { get }

    /// An engine in the state `bytes` describe; throws when they are not a valid state.
    func restored(from bytes: [UInt8]) throws -> Self

    /// λ after the last advanced block (header field).
    var lambda: FixedPoint { get }

    /// Ĉ after the last advanced block (header field).
    var coherence: FixedPoint { get }

    /// The exact Layer-2 actions the block at `height` must carry (empty unless emergency).
    func requiredActions(atHeight height: UInt64) -> [Layer2Action]

    /// The one valid T0 amount `account` may mint for mining `epoch` in a block at `height`,
    /// or nil when it may not mint now (SPEC §7).
    func mintT0Amount(for account: PublicKey, epoch: UInt64, atHeight height: UInt64) -> UInt64?

    /// The T1 reward for a committed critical memory proof, or nil when it earns none.
    func memoryProofReward(author: PublicKey, rphv: FixedPoint) -> UInt64?

    /// Delay before the next height starts (SPEC §2), and whether it is an emergency height (SPEC §6).
    var nextBlockDelayMilliseconds: UInt64 { get }
    var nextHeightIsEmergency: Bool { get }

    /// The local validator's λ proposal for its precommit at `height`.
    func lambdaProposal(atHeight height: UInt64) -> FixedPoint

    /// Whether another validator's vote extension is acceptable (e.g. λ within range).
    func isAcceptable(_ voteExtension: VoteExtension, from validator: PublicKey, atHeight height: UInt64) -> Bool
}

/// What an engine learns at genesis.
public struct Layer2Genesis: Hashable, Sendable {
    public var chainID: String
    public var genesisTimeMilliseconds: UInt64
    /// Initial validator set (stake ≥ minStake), sorted by key.
    public var validators: [ValidatorPower]
    /// Every account with a non-zero stake, sorted by key.
    public var stakes: [ValidatorPower]
    public var miningEpochLength: UInt64
    public var epochReward: UInt64
    public var memoryProofReward: UInt64
    /// Stake that makes an account a validator (and a miner).
    public var minStake: UInt64

    public init(
        chainID: String, genesisTimeMilliseconds: UInt64, validators: [ValidatorPower],
        stakes: [ValidatorPower], miningEpochLength: UInt64, epochReward: UInt64,
        memoryProofReward: UInt64, minStake: UInt64
    ) {
        self.chainID = chainID
        self.genesisTimeMilliseconds = genesisTimeMilliseconds
        self.validators = validators
        self.stakes = stakes
        self.miningEpochLength = miningEpochLength
        self.epochReward = epochReward
        self.memoryProofReward = memoryProofReward
        self.minStake = minStake
    }
}

/// The deterministic facts of one finalized block that Layer 2 advances on (SPEC §1, §3).
public struct Layer2BlockFacts: Hashable, Sendable {
    public var height: UInt64
    public var timeMilliseconds: UInt64
    /// The validator set of this height (who could sign the next commit), sorted by key.
    public var validators: [ValidatorPower]
    /// The precommits for `height − 1` carried by the block (nil at height 1).
    public var lastCommit: CommitCertificate?
    /// The validator set that produced `lastCommit` (the set of `height − 1`).
    public var lastCommitValidators: [ValidatorPower]
    /// Validators proven to equivocate by evidence committed in this block, sorted, unique.
    public var equivocators: [PublicKey]
    /// Every account's non-zero stake after the block, sorted by key.
    public var stakes: [ValidatorPower]

    public init(
        height: UInt64, timeMilliseconds: UInt64, validators: [ValidatorPower],
        lastCommit: CommitCertificate?, lastCommitValidators: [ValidatorPower],
        equivocators: [PublicKey], stakes: [ValidatorPower]
    ) {
        self.height = height
        self.timeMilliseconds = timeMilliseconds
        self.validators = validators
        self.lastCommit = lastCommit
        self.lastCommitValidators = lastCommitValidators
        self.equivocators = equivocators
        self.stakes = stakes
    }
}
