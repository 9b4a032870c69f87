import HMNLedger
import HMNPrimitives

/// The application a ``FullNode`` runs: the consensus contract plus the read side the node's API
/// and services need. HMNLedger's ``LedgerApplication`` conforms; another chain application can
/// replace it without touching the node.
///
/// Like ``ConsensusApplication`` it is not `Sendable`: the ``ConsensusDriver`` owns it and calls it
/// from its actor only.
public protocol NodeApplication: ConsensusApplication {
    var chainID: String { get }
    /// Last committed height (0 before the first block) and its block id.
    var height: UInt64 { get }
    var lastBlockID: Hash256 { get }
    /// λ and Ĉ after the last committed block.
    var lambda: FixedPoint { get }
    var coherence: FixedPoint { get }
    var nextHeightIsEmergency: Bool { get }
    /// Validators of the next height with their power and Ψ.
    func validatorStatuses() throws -> [ValidatorStatus]
    var mempoolSize: Int { get }
    /// Canonical bytes of up to `limit` pending transactions, oldest first (sent to a newly
    /// connected peer, which may have missed their gossip).
    func pendingTransactionBytes(limit: Int) -> [[UInt8]]
    /// Pending transactions from `sender` (to pick the next nonce of the node's own transactions).
    func pendingCount(from sender: PublicKey) -> Int
    func account(_ key: PublicKey) -> Account?
    func storedBlock(atHeight height: UInt64) throws -> StoredBlock?
    func storedBlock(id: Hash256) throws -> StoredBlock?
    func transactionRecord(id: Hash256) throws -> TransactionRecord?
    /// Height of the block that committed the memory proof `proofID`, nil if not committed.
    func memoryProofHeight(proofID: Hash256) -> UInt64?
    /// Heights per mining epoch, and the T0 amount `account` may mint for `epoch` at `height`.
    var miningEpochLength: UInt64 { get }
    func mintT0Amount(for account: PublicKey, epoch: UInt64, atHeight height: UInt64) -> UInt64?
    /// The Layer-2 engine after the last committed block.
    var layer2: any Layer2Engine { get }
    /// Releases storage (the ledger's SQLite connection). The object is unusable afterwards.
    func close()
    /// Transactions whose signatures were actually verified since start (not answered from a
    /// memo); the node exports it as `hmn_signature_verifications_total`.
    var signatureVerificationCount: UInt64 { get }
    /// Whether the transaction is in the mempool (the ``MempoolJournal`` keeps exactly those).
    func isPending(_ id: Hash256) -> Bool
    /// Committed shard-map proposals in `heights`, in chain order (the memory mesh applies them).
    func shardMapProposals(in heights: ClosedRange<UInt64>) throws -> [CommittedShardMapProposal]
    /// Records of the transactions of the committed block at `height` that `wanted` selects, in
    /// block order (empty above the tip): the node answers the long polls waiting for them.
    func transactionRecords(atHeight height: UInt64, where wanted: (Hash256) -> Bool) throws -> [TransactionRecord]
    /// Decoding and signature checks that may run off the driver's actor, before
    /// ``checkTransaction(prepared:)``; nil: admission does everything in `checkTransaction(_:)`.
    var transactionPreparer: TransactionPreparer? { get }
    /// Admits a transaction that ``transactionPreparer`` decoded (its signatures are then normally
    /// in the verifier's memo already).
    func checkTransaction(prepared transaction: SignedTransaction) -> TransactionCheck
}

extension NodeApplication {
    /// Applications without a mempool of their own report nothing pending, so the node's journal
    /// holds an acknowledged transaction only until the next commit.
    public func isPending(_ id: Hash256) -> Bool { false }

    /// Applications without shard-map proposals keep the genesis layout.
    public func shardMapProposals(in heights: ClosedRange<UInt64>) throws -> [CommittedShardMapProposal] { [] }

    /// Applications that do not count verifications report none.
    public var signatureVerificationCount: UInt64 { 0 }

    /// Applications without a preparer admit everything on the driver's actor.
    public var transactionPreparer: TransactionPreparer? { nil }

    /// Admits the canonical bytes, as a submission.
    public func checkTransaction(prepared transaction: SignedTransaction) -> TransactionCheck {
        checkTransaction(transaction.canonicalBytes)
    }

    /// One ``transactionRecord(id:)`` per selected transaction of the stored block.
    public func transactionRecords(
        atHeight height: UInt64, where wanted: (Hash256) -> Bool
    ) throws -> [TransactionRecord] {
        try (storedBlock(atHeight: height)?.block.transactions.map(\.id) ?? []).filter(wanted).compactMap {
            try transactionRecord(id: $0)
        }
    }
}

extension LedgerApplication: NodeApplication {
    public var chainID: String { ledger.chainID }
    public var height: UInt64 { ledger.height }
    public var lastBlockID: Hash256 { ledger.height == 0 ? .zero : ledger.tip.blockID }
    public var lambda: FixedPoint { ledger.layer2.lambda }
    public var coherence: FixedPoint { ledger.layer2.coherence }
    public var nextHeightIsEmergency: Bool { ledger.layer2.nextHeightIsEmergency }
    public var layer2: any Layer2Engine { ledger.layer2 }

    public func validatorStatuses() throws -> [ValidatorStatus] {
        let coherence = ledger.layer2 as? CoherenceLayer2Engine
        return try ledger.validators(atHeight: ledger.height + 1).map { validator in
            ValidatorStatus(
                key: validator.publicKey, power: validator.power,
                psi: coherence?.psi(of: validator.publicKey) ?? .one)
        }
    }

    public var mempoolSize: Int { mempool.count }
    public func isPending(_ id: Hash256) -> Bool { mempool.contains(id) }

    public func pendingTransactionBytes(limit: Int) -> [[UInt8]] {
        mempool.transactions.prefix(max(0, limit)).map(\.canonicalBytes)
    }

    public func pendingCount(from sender: PublicKey) -> Int {
        mempool.transactions.reduce(0) { $0 + ($1.sender == sender ? 1 : 0) }
    }

    public func account(_ key: PublicKey) -> Account? { ledger.account(key) }
    public func storedBlock(atHeight height: UInt64) throws -> StoredBlock? { try ledger.block(atHeight: height) }
    public func storedBlock(id: Hash256) throws -> StoredBlock? { try ledger.block(withID: id) }
    public func transactionRecord(id: Hash256) throws -> TransactionRecord? { try ledger.transaction(withID: id) }

    public func transactionRecords(
        atHeight height: UInt64, where wanted: (Hash256) -> Bool
    ) throws -> [TransactionRecord] {
        // The commit hook asks about the block just committed, which is still in memory: when none
        // of its transactions is waited for (an empty block, another node's clients), say so without
        // reading and verifying it back from SQLite.
        if let last = lastCommittedBlock, last.header.height == height,
            !last.transactions.contains(where: { wanted($0.id) })
        {
            return []
        }
        return try ledger.transactionRecords(atHeight: height, where: wanted)
    }
    public func memoryProofHeight(proofID: Hash256) -> UInt64? { ledger.state.memoryProofs[proofID]?.height }
    public var miningEpochLength: UInt64 { ledger.parameters.miningEpochLength }

    public func mintT0Amount(for account: PublicKey, epoch: UInt64, atHeight height: UInt64) -> UInt64? {
        ledger.layer2.mintT0Amount(for: account, epoch: epoch, atHeight: height)
    }

    public func shardMapProposals(in heights: ClosedRange<UInt64>) throws -> [CommittedShardMapProposal] {
        guard let last = lastCommittedBlock, heights == last.header.height...last.header.height else {
            return try ledger.shardMapProposals(in: heights)
        }
        return last.transactions.enumerated().compactMap { position, transaction in
            guard case .shardMapProposal(let payload) = transaction.body else { return nil }
            return CommittedShardMapProposal(height: last.header.height, position: position, payload: payload)
        }
    }

    public func close() { ledger.close() }
    public var signatureVerificationCount: UInt64 { ledger.signatureVerifier.verificationCount }
}
