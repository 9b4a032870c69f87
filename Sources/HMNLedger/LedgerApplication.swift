import HMNPrimitives
import Logging

/// The ledger as a ``ConsensusApplication``: what a consensus engine (HMNConsensus, or the demo)
/// drives, in the spirit of ABCI 2.0.
///
/// - `checkTransaction` admits into the ``Mempool``;
/// - `prepareProposal` builds a block from the mempool with the last commit, evidence and the
///   Layer-2 actions the height requires, within the byte limit;
/// - `processProposal` runs every rule of the block, including its roots, and caches the result
///   so `finalizeBlock` on the same block does not execute it twice;
/// - `finalizeBlock` executes (or reuses) the decided block and returns results, validator updates
///   and the app hash; nothing is durable until `commit`, which writes the block in one SQLite
///   transaction and updates the mempool.
///
/// Not `Sendable`, like ``Ledger``: the engine's shell calls it from one task at a time.
public final class LedgerApplication: ConsensusApplication {
    /// The ledger the application drives.
    public let ledger: Ledger
    public private(set) var mempool: Mempool
    private let logger: Logger
    /// The last block executed by prepare/process, reused by finalize.
    private var executed: ExecutedBlock?
    /// The block finalized and waiting for `commit()`.
    private var finalized: (block: ExecutedBlock, certificate: CommitCertificate)?
    /// Most transactions this node puts in a proposal (a proposer's policy, not a validity rule).
    ///
    /// Every validator must check and execute a proposal within the round's timeouts; under a
    /// backlog of tens of thousands of transactions an unbounded proposal (up to the byte limit,
    /// ≈ 20,000 transfers) took longer than the propose timeout on a loaded 2-core machine, the
    /// round failed, the backlog grew, and throughput collapsed. Under the standard profile a
    /// height also waits the epoch delay (≈ 1.2 s) after the last commit, so the block size caps a
    /// saturated chain at about size ÷ (delay + round): 4,096 held it near 2,500 tx/s on that
    /// machine, 8,192 reached 3,100–3,500 tx/s with rounds of 0.6–1 s (PERFORMANCE.md).
    public var maxProposalTransactions = LedgerApplication.defaultMaxProposalTransactions
    /// The default of ``maxProposalTransactions``.
    public static let defaultMaxProposalTransactions = 8_192
    /// The replica whose settled shard digests this node's precommits carry (SPEC §3); nil reports
    /// none, and Ĉ then sees only whether this validator signed.
    public var shardDigestSource: ShardDigestSource?
    /// The block committed last, kept for the node's commit path (its transaction ids and
    /// shard-map proposals), so that path does not read it back from SQLite.
    public private(set) var lastCommittedBlock: Block?

    /// Wraps a ledger, with an empty mempool of the chain's capacity.
    public init(ledger: Ledger, logger: Logger) {
        self.ledger = ledger
        self.mempool = Mempool(capacity: Int(ledger.parameters.mempoolCapacity))
        self.logger = logger
    }

    public func info() throws -> ApplicationInfo {
        let height = ledger.height
        return ApplicationInfo(
            chainID: ledger.chainID, lastHeight: height, lastBlockID: height == 0 ? .zero : ledger.tip.blockID,
            appHash: ledger.tip.appHash, validators: try ledger.validators(atHeight: height + 1),
            nextValidators: try ledger.validators(atHeight: height + 2),
            nextBlockDelayMilliseconds: ledger.layer2.nextBlockDelayMilliseconds,
            nextHeightIsEmergency: ledger.layer2.nextHeightIsEmergency)
    }

    public func checkTransaction(_ transaction: [UInt8]) -> TransactionCheck {
        do {
            return .accepted(id: try mempool.add(transaction, ledger: ledger))
        } catch {
            return .rejected(code: error.code.rawValue, message: error.message)
        }
    }

    /// Decodes and verifies through this ledger's memo, on any thread, ahead of
    /// ``checkTransaction(prepared:)``.
    public var transactionPreparer: TransactionPreparer? {
        TransactionPreparer(
            verifier: ledger.signatureVerifier, maxTransactionBytes: Int(ledger.parameters.maxTransactionBytes))
    }

    /// Admits a transaction decoded (and normally verified) by a ``TransactionPreparer`` off the
    /// consensus thread: the same checks as ``checkTransaction(_:)``, without decoding again.
    public func checkTransaction(prepared transaction: SignedTransaction) -> TransactionCheck {
        do {
            try mempool.add(transaction, ledger: ledger)
            return .accepted(id: transaction.id)
        } catch {
            return .rejected(code: error.code.rawValue, message: error.message)
        }
    }

    public func prepareProposal(_ request: PrepareProposalRequest) throws -> ProposedBlock {
        guard request.height == ledger.height + 1 else {
            throw LedgerError(.wrongHeight, "asked to propose height \(request.height) at tip \(ledger.height)")
        }
        let (block, rejected) = try ledger.propose(
            timeMilliseconds: max(request.timeMilliseconds, earliestTime), proposer: request.proposer,
            candidates: Array(mempool.transactions.prefix(maxProposalTransactions)), lastCommit: request.lastCommit,
            evidence: request.evidence,
            maxBytes: request.maxBlockBytes)
        if !rejected.isEmpty {
            logger.debug("proposal left out transactions", metadata: ["count": "\(rejected.count)"])
            mempool.remove(rejected.map { $0.transaction.id })
        }
        executed = block
        return ProposedBlock(id: block.id, bytes: block.bytes)
    }

    /// Block time must move forward; a proposer whose clock lags uses the earliest valid time.
    private var earliestTime: UInt64 {
        ledger.height == 0 ? ledger.tip.timeMilliseconds : ledger.tip.timeMilliseconds + 1
    }

    public func processProposal(_ request: ProcessProposalRequest) -> ProposalVerdict {
        do {
            // Executing checks everything, including that the header's proposer is a validator of this
            // height. It need not be `request.proposer`: Tendermint re-proposes a valid block built in an
            // earlier round (POL), and block sync checks a block certified in any round, so the builder
            // named in the header can differ from the round's proposer (as in CometBFT's
            // `validateBlock`). That the proposal comes from the round's proposer is the consensus
            // engine's check, on its signature. Requiring equality here made a node that missed the
            // building round reject the block forever (found by the fault campaign, seed 5).
            _ = try executedBlock(request.block, height: request.height)
            return .accept
        } catch {
            return .reject(reason: error.description)
        }
    }

    public func extendVote(height: UInt64, round: UInt32, blockID: Hash256) -> VoteExtension {
        VoteExtension(
            lambdaProposal: ledger.layer2.lambdaProposal(atHeight: height),
            shardDigests: shardDigests(forHeight: height))
    }

    /// The settled digests for a precommit at `height`: cut off at the tip's time minus the settle
    /// window, so every validator uses the same cutoff. None at height 1 (no block, so no shared
    /// time), and none rather than a vote others would refuse when the source breaks its contract.
    private func shardDigests(forHeight height: UInt64) -> [ShardDigest] {
        guard let source = shardDigestSource, height > 1, height == ledger.height + 1 else { return [] }
        let cutoff = ShardDigestSource.cutoffMilliseconds(
            tipTimeMilliseconds: ledger.tip.timeMilliseconds, settleMilliseconds: source.settleMilliseconds)
        let digests = source.digests(cutoff)
        guard digests.count <= VoteExtension.maxShardDigests,
            zip(digests, digests.dropFirst()).allSatisfy({ $0.shard < $1.shard })
        else {
            logger.error(
                "shard digests unsorted, repeated or too many; voting without them",
                metadata: ["height": "\(height)", "digests": "\(digests.count)"])
            return []
        }
        return digests
    }

    public func verifyVoteExtension(_ voteExtension: VoteExtension, validator: PublicKey, height: UInt64) -> Bool {
        ledger.layer2.isAcceptable(voteExtension, from: validator, atHeight: height)
    }

    public func finalizeBlock(_ request: FinalizeBlockRequest) throws -> FinalizeBlockResponse {
        let block = try executedBlock(request.block, height: request.height)
        finalized = (block, request.commit)
        return FinalizeBlockResponse(
            transactionResults: block.results, validatorUpdates: block.validatorUpdates, appHash: block.appHash,
            nextBlockDelayMilliseconds: block.nextBlockDelayMilliseconds,
            nextHeightIsEmergency: block.nextHeightIsEmergency)
    }

    public func commit() throws {
        guard let (block, certificate) = finalized else {
            throw LedgerError(.invalidState, "commit without a finalized block")
        }
        try ledger.commit(block, certificate: certificate)
        lastCommittedBlock = block.block
        finalized = nil
        executed = nil
        mempool.update(after: ledger, changedAccounts: block.state.changedAccounts)
    }

    /// Anything in the mempool counts: admission keeps only transactions that apply in order.
    public func hasPendingTransactions() -> Bool { mempool.count > 0 }

    public func committedBlock(atHeight height: UInt64) throws -> CommittedBlock? {
        guard let stored = try ledger.block(atHeight: height) else { return nil }
        return CommittedBlock(
            height: height, block: ProposedBlock(id: stored.id, bytes: stored.bytes),
            commit: stored.certificate)
    }

    /// Executes a proposed block, or reuses the identical block executed last.
    private func executedBlock(_ proposed: ProposedBlock, height: UInt64) throws(LedgerError) -> ExecutedBlock {
        guard height == ledger.height + 1 else {
            throw LedgerError(.wrongHeight, "block for height \(height) at tip \(ledger.height)")
        }
        if let executed, executed.id == proposed.id, executed.bytes == proposed.bytes,
            executed.block.header.previousHash == ledger.tip.blockID
        {
            return executed
        }
        let block = try ledger.execute(blockBytes: proposed.bytes)
        guard block.id == proposed.id else {
            throw LedgerError(.rootMismatch, "block id \(block.id.short) ≠ announced \(proposed.id.short)")
        }
        executed = block
        return block
    }
}
