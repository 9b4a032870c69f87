/// The boundary through which a consensus engine drives a replicated application, in the spirit
/// of ABCI 2.0 (CheckTx, PrepareProposal, ProcessProposal, ExtendVote, FinalizeBlock, Commit).
///
/// The engine never looks inside a block: blocks are opaque bytes identified by the id the
/// application computes. HMNLedger implements this protocol; HMNConsensus drives it without
/// importing HMNLedger; HMNNode and the simulator wire the two together.
///
/// Calls are synchronous and made from one task at a time (the engine's shell serialises them),
/// so implementations need no locking of their own for these methods.
public protocol ConsensusApplication: AnyObject {
    /// What the application last committed, for the engine's start-up and crash recovery.
    func info() throws -> ApplicationInfo

    /// Mempool admission: can this transaction ever apply? Never changes committed state.
    func checkTransaction(_ transaction: [UInt8]) -> TransactionCheck

    /// Builds the block the local validator proposes at `request.height`.
    func prepareProposal(_ request: PrepareProposalRequest) throws -> ProposedBlock

    /// Validates a proposal from another validator. Must be deterministic: every honest node
    /// reaches the same verdict for the same bytes.
    func processProposal(_ request: ProcessProposalRequest) -> ProposalVerdict

    /// The Layer-2 data the local validator attaches to its precommit for `blockID`.
    func extendVote(height: UInt64, round: UInt32, blockID: Hash256) -> VoteExtension

    /// Checks another validator's vote extension (e.g. λ proposal within range).
    func verifyVoteExtension(_ voteExtension: VoteExtension, validator: PublicKey, height: UInt64) -> Bool

    /// Executes a decided block. Results must be deterministic; nothing is durable until ``commit()``.
    func finalizeBlock(_ request: FinalizeBlockRequest) throws -> FinalizeBlockResponse

    /// Makes the last finalized block durable (fsync) before the engine moves to the next height.
    func commit() throws

    /// A committed block and the certificate that finalized it, for block sync of peers.
    func committedBlock(atHeight height: UInt64) throws -> CommittedBlock?

    /// Whether the mempool holds a transaction a proposal could carry. Asked only by an engine
    /// configured to wait for transactions before a height starts (CometBFT's
    /// `create_empty_blocks = false`); the default, true, never makes it wait.
    func hasPendingTransactions() -> Bool
}

extension ConsensusApplication {
    public func hasPendingTransactions() -> Bool { true }
}

/// The application's committed position.
public struct ApplicationInfo: Hashable, Sendable {
    public var chainID: String
    /// 0 before the first block.
    public var lastHeight: UInt64
    public var lastBlockID: Hash256
    public var appHash: Hash256
    /// Validator set for `lastHeight + 1` and `lastHeight + 2` (updates take effect at h + 2).
    public var validators: [ValidatorPower]
    public var nextValidators: [ValidatorPower]
    /// Delay before height `lastHeight + 1` starts, and whether it is an emergency height.
    public var nextBlockDelayMilliseconds: UInt64
    public var nextHeightIsEmergency: Bool

    public init(
        chainID: String, lastHeight: UInt64, lastBlockID: Hash256, appHash: Hash256,
        validators: [ValidatorPower], nextValidators: [ValidatorPower],
        nextBlockDelayMilliseconds: UInt64, nextHeightIsEmergency: Bool
    ) {
        self.chainID = chainID
        self.lastHeight = lastHeight
        self.lastBlockID = lastBlockID
        self.appHash = appHash
        self.validators = validators
        self.nextValidators = nextValidators
        self.nextBlockDelayMilliseconds = nextBlockDelayMilliseconds
        self.nextHeightIsEmergency = nextHeightIsEmergency
    }
}

/// Result of mempool admission.
public enum TransactionCheck: Hashable, Sendable {
    case accepted(id: Hash256)
    /// `code` is a stable machine-readable reason; `message` names the problem for humans.
    case rejected(code: String, message: String)
}

public struct PrepareProposalRequest: Hashable, Sendable {
    public var height: UInt64
    public var round: UInt32
    /// Proposer's time for the block header, in milliseconds since the Unix epoch (virtual in simulation).
    public var timeMilliseconds: UInt64
    public var proposer: PublicKey
    /// Precommits that finalized `height - 1`; nil at height 1.
    public var lastCommit: CommitCertificate?
    /// Verified equivocation evidence not yet committed.
    public var evidence: [DuplicateVoteEvidence]
    public var maxBlockBytes: Int

    public init(
        height: UInt64, round: UInt32, timeMilliseconds: UInt64, proposer: PublicKey,
        lastCommit: CommitCertificate?, evidence: [DuplicateVoteEvidence], maxBlockBytes: Int
    ) {
        self.height = height
        self.round = round
        self.timeMilliseconds = timeMilliseconds
        self.proposer = proposer
        self.lastCommit = lastCommit
        self.evidence = evidence
        self.maxBlockBytes = maxBlockBytes
    }
}

/// A block as the engine sees it: bytes and the id votes refer to.
public struct ProposedBlock: Hashable, Sendable {
    public var id: Hash256
    public var bytes: [UInt8]

    public init(id: Hash256, bytes: [UInt8]) {
        self.id = id
        self.bytes = bytes
    }

    /// Hashes the id only (equal blocks have equal ids): the engine keys dictionaries by block, and
    /// the synthesized conformance fed every byte of the block to the hasher on each lookup.
    public func hash(into hasher: inout Hasher) { hasher.combine(id) }
}

public struct ProcessProposalRequest: Hashable, Sendable {
    public var height: UInt64
    public var round: UInt32
    public var proposer: PublicKey
    public var block: ProposedBlock

    public init(height: UInt64, round: UInt32, proposer: PublicKey, block: ProposedBlock) {
        self.height = height
        self.round = round
        self.proposer = proposer
        self.block = block
    }
}

public enum ProposalVerdict: Hashable, Sendable {
    case accept
    /// `reason` names the broken rule (logged and surfaced by the simulator's validity checker).
    case reject(reason: String)
}

public struct FinalizeBlockRequest: Hashable, Sendable {
    public var height: UInt64
    public var block: ProposedBlock
    /// The precommits that decided this block, stored with it for block sync.
    public var commit: CommitCertificate

    public init(height: UInt64, block: ProposedBlock, commit: CommitCertificate) {
        self.height = height
        self.block = block
        self.commit = commit
    }
}

/// Outcome of one transaction in a finalized block.
public struct TransactionResult: Hashable, Sendable, CanonicalCodable {
    /// 0 for success; otherwise a stable error code.
    public var code: UInt32
    public var log: String

    public init(code: UInt32, log: String) {
        self.code = code
        self.log = log
    }

    public init(from decoder: inout CanonicalDecoder) throws(CodecError) {
        code = try decoder.decode()
        log = try decoder.decode(String.self, maxLength: 4096)
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.encode(code)
        encoder.encode(log)
    }
}

public struct FinalizeBlockResponse: Hashable, Sendable {
    public var transactionResults: [TransactionResult]
    /// Changes to voting power decided by this block; they take effect at height + 2.
    public var validatorUpdates: [ValidatorPower]
    /// Hash of the application state after the block.
    public var appHash: Hash256
    /// How long after this commit the next height starts: `max(minEpoch, baseEpoch × λ)`, or 0
    /// for an emergency height (SPEC §2, §6).
    public var nextBlockDelayMilliseconds: UInt64
    /// True when Ĉ fell below the emergency threshold: the next height uses shortened timeouts.
    public var nextHeightIsEmergency: Bool

    public init(
        transactionResults: [TransactionResult], validatorUpdates: [ValidatorPower], appHash: Hash256,
        nextBlockDelayMilliseconds: UInt64, nextHeightIsEmergency: Bool
    ) {
        self.transactionResults = transactionResults
        self.validatorUpdates = validatorUpdates
        self.appHash = appHash
        self.nextBlockDelayMilliseconds = nextBlockDelayMilliseconds
        self.nextHeightIsEmergency = nextHeightIsEmergency
    }
}

/// A finalized block with its certificate.
public struct CommittedBlock: Hashable, Sendable {
    public var height: UInt64
    public var block: ProposedBlock
    public var commit: CommitCertificate

    public init(height: UInt64, block: ProposedBlock, commit: CommitCertificate) {
        self.height = height
        self.block = block
        self.commit = commit
    }
}
