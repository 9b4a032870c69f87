import HMNPrimitives

/// A committed block as read back from storage, verified.
public struct StoredBlock: Hashable, Sendable {
    /// The decoded, verified block.
    public var block: Block
    /// Its canonical bytes as stored.
    public var bytes: [UInt8]
    /// The precommits that finalized the block.
    public var certificate: CommitCertificate

    /// The block id.
    public var id: Hash256 { block.id }
    /// The block height.
    public var height: UInt64 { block.height }
}

/// A committed transaction with what is needed to check it without the ledger.
public struct TransactionRecord: Hashable, Sendable {
    /// The transaction as committed.
    public var transaction: SignedTransaction
    /// Height of the block that committed it.
    public var height: UInt64
    /// Id of that block.
    public var blockID: Hash256
    /// Its execution result.
    public var result: TransactionResult
    /// Inclusion proof of the transaction's canonical bytes in `transactionsRoot`.
    public var proof: MerkleProof
    /// The block header's transactions root the proof leads to.
    public var transactionsRoot: Hash256

    /// Checks the inclusion proof: a pure function of this record.
    public var isProofValid: Bool { proof.verify(leaf: transaction.canonicalBytes, root: transactionsRoot) }
}

extension Ledger {
    /// The committed block at `height`, verified against its stored hashes; nil above the tip.
    public func block(atHeight height: UInt64) throws(LedgerError) -> StoredBlock? {
        guard
            let (block, bytes, certificate) = try store.block(atHeight: height, maxBytes: Int(parameters.maxBlockBytes))
        else { return nil }
        return StoredBlock(block: block, bytes: bytes, certificate: certificate)
    }

    /// The committed block with id `id`, verified; nil if unknown.
    public func block(withID id: Hash256) throws(LedgerError) -> StoredBlock? {
        guard let height = try store.height(ofBlock: id) else { return nil }
        return try block(atHeight: height)
    }

    /// Committed blocks in `heights` (clamped to the chain), in order, each verified.
    public func blocks(in heights: ClosedRange<UInt64>) throws(LedgerError) -> [StoredBlock] {
        guard tip.height >= 1 else { return [] }
        let low = max(1, heights.lowerBound)
        let high = min(tip.height, heights.upperBound)
        guard low <= high else { return [] }
        var blocks: [StoredBlock] = []
        for height in low...high {
            guard let stored = try block(atHeight: height) else {
                throw LedgerError(.corrupt, "block \(height) is missing below the tip \(tip.height)")
            }
            blocks.append(stored)
        }
        return blocks
    }

    /// A committed transaction with its result and inclusion proof; nil if unknown.
    public func transaction(withID id: Hash256) throws(LedgerError) -> TransactionRecord? {
        guard let (height, position, resultBytes) = try store.transactionLocation(id) else { return nil }
        guard let stored = try block(atHeight: height) else {
            throw LedgerError(.corrupt, "transaction \(id.short) points at a missing block")
        }
        return try Self.record(
            id: id, position: position, resultBytes: resultBytes, in: stored,
            leafHashes: stored.block.transactionLeafHashes)
    }

    /// The records of the transactions of the block at `height` that `wanted` selects, in block
    /// order (empty above the tip). The block is read, verified and hashed into leaves once, however
    /// many are selected: the node answers every long poll a block resolves with one call, where
    /// one ``transaction(withID:)`` per waiter re-read the block each time.
    public func transactionRecords(
        atHeight height: UInt64, where wanted: (Hash256) -> Bool
    ) throws(LedgerError) -> [TransactionRecord] {
        guard height >= 1, height <= tip.height else { return [] }
        guard let stored = try block(atHeight: height) else {
            throw LedgerError(.corrupt, "block \(height) is missing below the tip \(tip.height)")
        }
        let selected = stored.block.transactions.map(\.id).filter(wanted)
        guard !selected.isEmpty else { return [] }
        let leafHashes = stored.block.transactionLeafHashes
        var records: [TransactionRecord] = []
        for id in selected {
            guard let (at, position, resultBytes) = try store.transactionLocation(id), at == height else {
                throw LedgerError(.corrupt, "transaction \(id.short) of block \(height) has no index row there")
            }
            records.append(
                try Self.record(
                    id: id, position: position, resultBytes: resultBytes, in: stored, leafHashes: leafHashes))
        }
        return records
    }

    private static func record(
        id: Hash256, position: Int, resultBytes: [UInt8], in stored: StoredBlock, leafHashes: [Hash256]
    ) throws(LedgerError) -> TransactionRecord {
        guard position < stored.block.transactions.count else {
            throw LedgerError(.corrupt, "transaction \(id.short) points at a missing position")
        }
        let transaction = stored.block.transactions[position]
        guard transaction.id == id else {
            throw LedgerError(.corrupt, "transaction index row of \(id.short) points at another transaction")
        }
        let result: TransactionResult
        do {
            result = try TransactionResult(canonicalBytes: resultBytes)
        } catch {
            throw LedgerError(.corrupt, "result of transaction \(id.short) does not decode")
        }
        return TransactionRecord(
            transaction: transaction, height: stored.block.header.height, blockID: stored.id, result: result,
            proof: MerkleTree.proof(index: position, leafHashes: leafHashes),
            transactionsRoot: stored.block.header.transactionsRoot)
    }

    /// Walks the stored chain from `startHeight` (default: the whole chain) to the tip: every
    /// block's hashes and body roots, parent links, times, commit certificates (signatures against
    /// the stored validator sets, unless `verifyingSignatures` is false) and transaction index, and
    /// the current state against the last header. Returns the number of blocks checked.
    @discardableResult
    public func verifyChain(
        from startHeight: UInt64 = 1, verifyingSignatures: Bool = true
    ) throws(LedgerError) -> UInt64 {
        let first = max(1, startHeight)
        var previousID = genesis.hash
        var previousTime = genesis.genesisTimeMilliseconds
        if first > 1, first <= tip.height {
            guard let parent = try block(atHeight: first - 1) else {
                throw LedgerError(.corrupt, "block \(first - 1) is missing below the tip \(tip.height)")
            }
            previousID = parent.id
            previousTime = parent.block.header.timeMilliseconds
        }
        var checked: UInt64 = 0
        var indexedTransactions = 0
        var proposals: [CommittedShardMapProposal] = []
        for height in stride(from: first, through: tip.height, by: 1) {
            guard let stored = try block(atHeight: height) else {
                throw LedgerError(.corrupt, "block \(height) is missing below the tip \(tip.height)")
            }
            let header = stored.block.header
            guard header.previousHash == previousID else {
                throw LedgerError(.corrupt, "block \(height) does not link to block \(height - 1)")
            }
            guard height == 1 ? header.timeMilliseconds >= previousTime : header.timeMilliseconds > previousTime else {
                throw LedgerError(.corrupt, "block \(height) time goes backwards")
            }
            if verifyingSignatures {
                do {
                    try stored.certificate.verify(chainID: chainID, validators: try validators(atHeight: height))
                } catch let error as CommitVerificationError {
                    throw LedgerError(.corrupt, "certificate of block \(height): \(error.message)")
                } catch {
                    throw LedgerError.wrap(error)
                }
            }
            // The blocks' id index (the only secondary index) must lead back to this row: a damaged
            // entry would make the block unfindable by id. `quick_check` does not compare indexes
            // with their tables; this point lookup per block does, for the one that matters.
            guard try store.height(ofBlock: stored.id) == height else {
                throw LedgerError(.corrupt, "the block id index does not lead to block \(height)")
            }
            try verifyTransactionIndex(of: stored.block)
            indexedTransactions += stored.block.transactions.count
            for (position, transaction) in stored.block.transactions.enumerated() {
                if case .shardMapProposal(let payload) = transaction.body {
                    proposals.append(CommittedShardMapProposal(height: height, position: position, payload: payload))
                }
            }
            previousID = stored.id
            previousTime = header.timeMilliseconds
            checked += 1
        }
        // Every block's transactions have their rows (checked per block); no row belongs to none.
        // One count over the index, not one per block: the index has no height column index.
        guard try store.transactionCount(fromHeight: first) == indexedTransactions else {
            throw LedgerError(.corrupt, "the transaction index holds rows that belong to no block from height \(first)")
        }
        // A node rebuilds its shard map from these rows: each must be its block's, none missing.
        guard try store.shardMapProposals(in: first...max(first, tip.height)) == proposals else {
            throw LedgerError(.corrupt, "the shard-map proposal rows do not match the blocks from height \(first)")
        }
        guard tip.height == 0 || first > tip.height || previousID == tip.blockID, state.stateRoot == tip.appHash else {
            throw LedgerError(.corrupt, "state does not match the last committed header")
        }
        return checked
    }

    /// Committed shard-map proposals in `heights`, in chain order (block, then position), each
    /// checked against its row checksum. A node folds them over its genesis shard layout.
    public func shardMapProposals(in heights: ClosedRange<UInt64>) throws(LedgerError) -> [CommittedShardMapProposal] {
        try store.shardMapProposals(in: heights)
    }

    /// The Merkle proof of an account in the current accounts root.
    public func accountProof(_ key: PublicKey) -> (account: Account, proof: MerkleProof)? {
        guard let account = state.account(key), let proof = state.accountProof(key) else { return nil }
        return (account, proof)
    }
}
