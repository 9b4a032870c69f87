import HMNLedger
import HMNNode
import HMNPrimitives

/// `GET /v1/blocks/{height}` and `GET /v1/blocks/by-id/{hash}`: a committed block, decoded.
public struct BlockJSON: Codable, Hashable, Sendable {
    public var id: String
    public var height: UInt64
    public var header: BlockHeaderJSON
    public var transactions: [TransactionJSON]
    /// Layer-2 actions of the block (emergency slashes and boosts).
    public var actions: [Layer2ActionJSON]
    /// Number of equivocation evidence items.
    public var evidenceCount: Int
    /// The certificate for block `height − 1` carried in this block (absent at height 1).
    public var lastCommit: CommitCertificateJSON?
    /// The precommits that finalized this block.
    public var certificate: CommitCertificateJSON
    /// Size of the canonical block bytes.
    public var sizeBytes: Int
    /// When the answering node committed this block (its own clock; absent for blocks it synced or
    /// committed before its last restart). Not part of the block.
    public var localCommit: CommitTimingJSON?

    public init(_ stored: StoredBlock, localCommit: CommitTiming? = nil) {
        let block = stored.block
        id = stored.id.hex
        height = stored.height
        header = BlockHeaderJSON(block.header)
        transactions = block.transactions.map(TransactionJSON.init)
        actions = block.actions.map(Layer2ActionJSON.init)
        evidenceCount = block.evidence.count
        lastCommit = block.lastCommit.map(CommitCertificateJSON.init)
        certificate = CommitCertificateJSON(stored.certificate)
        sizeBytes = stored.bytes.count
        self.localCommit = localCommit.map(CommitTimingJSON.init)
    }
}

/// ``CommitTiming`` as JSON.
public struct CommitTimingJSON: Codable, Hashable, Sendable {
    /// Milliseconds since the Unix epoch.
    public var committedAtMilliseconds: UInt64
    /// Round 0 start to commit (excludes the epoch delay).
    public var finalityMilliseconds: UInt64?
    public var round: UInt32

    public init(_ timing: CommitTiming) {
        committedAtMilliseconds = timing.committedAtMilliseconds
        finalityMilliseconds = timing.finalityMilliseconds
        round = timing.round
    }
}

/// A block header; roots and hashes as lowercase hex.
public struct BlockHeaderJSON: Codable, Hashable, Sendable {
    public var height: UInt64
    public var previousHash: String
    /// Proposer time, milliseconds since the Unix epoch.
    public var timeMilliseconds: UInt64
    public var transactionsRoot: String
    public var stateRoot: String
    public var layer2Root: String
    public var proposer: String
    /// λ after the block.
    public var lambda: FixedPointJSON
    /// Ĉ after the block.
    public var coherence: FixedPointJSON
    public var lastCommitHash: String
    public var evidenceHash: String
    public var actionsHash: String

    public init(_ header: BlockHeader) {
        height = header.height
        previousHash = header.previousHash.hex
        timeMilliseconds = header.timeMilliseconds
        transactionsRoot = header.transactionsRoot.hex
        stateRoot = header.stateRoot.hex
        layer2Root = header.layer2Root.hex
        proposer = header.proposer.hex
        lambda = FixedPointJSON(header.lambda)
        coherence = FixedPointJSON(header.coherence)
        lastCommitHash = header.lastCommitHash.hex
        evidenceHash = header.evidenceHash.hex
        actionsHash = header.actionsHash.hex
    }
}

/// A Layer-2 action: `slash` or `boost` of a validator by an amount.
public struct Layer2ActionJSON: Codable, Hashable, Sendable {
    public var type: String
    public var validator: String
    public var amount: UInt64

    public init(_ action: Layer2Action) {
        switch action {
        case .slash(let validator, let amount):
            type = "slash"
            self.validator = validator.hex
            self.amount = amount
        case .boost(let validator, let amount):
            type = "boost"
            self.validator = validator.hex
            self.amount = amount
        }
    }
}

/// A commit certificate: precommits from more than 2/3 of the voting power.
public struct CommitCertificateJSON: Codable, Hashable, Sendable {
    public var height: UInt64
    public var round: UInt32
    public var blockId: String
    public var signatures: [CommitSignatureJSON]

    public init(_ certificate: CommitCertificate) {
        height = certificate.height
        round = certificate.round
        blockId = certificate.blockID.hex
        signatures = certificate.signatures.map(CommitSignatureJSON.init)
    }
}

/// One validator's precommit in a certificate, with its vote extension: λ proposal and shard digests.
public struct CommitSignatureJSON: Codable, Hashable, Sendable {
    public var validator: String
    public var lambdaProposal: FixedPointJSON
    /// How many shard digests the precommit carries.
    public var shardDigests: Int
    /// The digests themselves, sorted by shard: what Layer 2 compares with each shard's majority
    /// digest to score the validator (SPEC §3).
    public var digests: [ShardDigestJSON]
    public var signature: String

    public init(_ signature: CommitSignature) {
        validator = signature.validator.hex
        lambdaProposal = FixedPointJSON(signature.voteExtension.lambdaProposal)
        shardDigests = signature.voteExtension.shardDigests.count
        digests = signature.voteExtension.shardDigests.map(ShardDigestJSON.init)
        self.signature = signature.signature.hex
    }
}

/// A memory-mesh shard digest a validator reported in its precommit.
public struct ShardDigestJSON: Codable, Hashable, Sendable {
    public var shard: UInt32
    /// BLAKE2b-256 of the shard's settled records, lowercase hex.
    public var digest: String

    public init(_ digest: ShardDigest) {
        shard = digest.shard
        self.digest = digest.digest.hex
    }
}
