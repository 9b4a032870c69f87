import HMNPrimitives

/// A block: header plus body (transactions, the certificate that finalized the previous block,
/// equivocation evidence and the Layer-2 action list).
public struct Block: Hashable, Sendable, CanonicalCodable {
    /// Upper bounds checked when decoding (the byte limit is checked first).
    public static let maxTransactions = 200_000
    public static let maxEvidence = 1_000

    public var header: BlockHeader
    public var transactions: [SignedTransaction]
    public var lastCommit: CommitCertificate?
    public var evidence: [DuplicateVoteEvidence]
    public var actions: [Layer2Action]

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

    public var id: Hash256 { header.id }
    public var height: UInt64 { header.height }

    /// Leaf hashes of the transaction tree.
    public var transactionLeafHashes: [Hash256] { transactions.map { MerkleTree.leafHash($0.canonicalBytes) } }

    public static func transactionsRoot(_ transactions: [SignedTransaction]) -> Hash256 {
        MerkleTree.root(leafHashes: transactions.map { MerkleTree.leafHash($0.canonicalBytes) })
    }

    public static func lastCommitHash(_ commit: CommitCertificate?) -> Hash256 { commit?.canonicalHash ?? .zero }

    public static func evidenceHash(_ evidence: [DuplicateVoteEvidence]) -> Hash256 {
        var encoder = CanonicalEncoder()
        encoder.encode(evidence)
        return Hash256.of(encoder.bytes)
    }

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
