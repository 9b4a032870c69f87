import HMNPrimitives

/// A block: header plus body (transactions, the certificate that finalized the previous block,
/// equivocation evidence and the Layer-2 action list).
public struct Block: Hashable, Sendable, CanonicalCodable {
    /// Upper bounds checked when decoding (the byte limit is checked first).
    public static let maxTransactions = 200_000
    /// Upper bound on evidence items per block, checked when decoding.
    public static let maxEvidence = 1_000

    /// The header; its hash is the block id.
    public var header: BlockHeader
    /// Transactions in execution order; every one must apply.
    public var transactions: [SignedTransaction]
    /// The certificate that finalized block `height − 1` (nil at height 1).
    public var lastCommit: CommitCertificate?
    /// Equivocation evidence; each item slashes its validator once.
    public var evidence: [DuplicateVoteEvidence]
    /// Layer-2 actions: exactly the list the ``Layer2Engine`` requires at this height.
    public var actions: [Layer2Action]

    /// Assembles a block; the caller is responsible for the header roots (``Ledger`` builds
    /// valid blocks with `propose`).
    public init(
        header: BlockHeader, transactions: [SignedTransaction], lastCommit: CommitCertificate?,
        evidence: [DuplicateVoteEvidence], actions: [Layer2Action]
    ) {
        self.header = header
        self.transactions = transactions
        self.lastCommit = lastCommit
        self.evidence = evidence
        self.actions = actions
    }

    /// The block id: the hash of the canonical header.
    public var id: Hash256 { header.id }
    /// The block height.
    public var height: UInt64 { header.height }

    /// Leaf hashes of the transaction tree.
    public var transactionLeafHashes: [Hash256] { transactions.map { MerkleTree.leafHash($0.canonicalBytes) } }

    /// The RFC 6962 Merkle root over the transactions' canonical bytes.
    public static func transactionsRoot(_ transactions: [SignedTransaction]) -> Hash256 {
        MerkleTree.root(leafHashes: transactions.map { MerkleTree.leafHash($0.canonicalBytes) })
    }

    /// Hash of the last-commit certificate, or `Hash256.zero` when there is none.
    public static func lastCommitHash(_ commit: CommitCertificate?) -> Hash256 { commit?.canonicalHash ?? .zero }

    /// Hash of the canonical evidence list.
    public static func evidenceHash(_ evidence: [DuplicateVoteEvidence]) -> Hash256 {
        var encoder = CanonicalEncoder()
        encoder.encode(evidence)
        return Hash256.of(encoder.bytes)
    }

    /// Hash of the canonical Layer-2 action list.
    public static func actionsHash(_ actions: [Layer2Action]) -> Hash256 {
        var encoder = CanonicalEncoder()
        encoder.encode(actions)
        return Hash256.of(encoder.bytes)
    }

    /// Checks that every header root matches the body (not the state roots, which need execution).
    public func verifyBodyRoots() throws(LedgerError) {
        let root = Self.transactionsRoot(transactions)
        guard root == header.transactionsRoot else {
            throw LedgerError(
                .rootMismatch, "transactions root \(root.short) ≠ header \(header.transactionsRoot.short)")
        }
        guard Self.lastCommitHash(lastCommit) == header.lastCommitHash else {
            throw LedgerError(.rootMismatch, "last-commit hash does not match the header")
        }
        guard Self.evidenceHash(evidence) == header.evidenceHash else {
            throw LedgerError(.rootMismatch, "evidence hash does not match the header")
        }
        guard Self.actionsHash(actions) == header.actionsHash else {
            throw LedgerError(.rootMismatch, "Layer-2 actions hash does not match the header")
        }
    }

    /// Decodes a block, refusing more than `maxBytes` before decoding anything.
    public static func decode(_ bytes: [UInt8], maxBytes: Int) throws(LedgerError) -> Block {
        guard bytes.count <= maxBytes else {
            throw LedgerError(.oversize, "block of \(bytes.count) bytes exceeds the limit of \(maxBytes)")
        }
        do {
            return try Block(canonicalBytes: bytes)
        } catch {
            throw LedgerError.from(error, "block")
        }
    }

    public init(from decoder: inout CanonicalDecoder) throws(CodecError) {
        header = try decoder.decode()
        transactions = try decoder.decodeArray(maxCount: Self.maxTransactions)
        lastCommit = try decoder.decodeOptional()
        evidence = try decoder.decodeArray(maxCount: Self.maxEvidence)
        actions = try decoder.decodeArray(maxCount: Layer2Action.maxPerBlock)
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.encode(header)
        encoder.encode(transactions)
        encoder.encode(lastCommit)
        encoder.encode(evidence)
        encoder.encode(actions)
    }
}
