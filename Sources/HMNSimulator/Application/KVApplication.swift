import HMNCoherence
import HMNPrimitives

/// A small replicated key-value application that implements ``ConsensusApplication`` for real,
/// so the simulator exercises every path of the contract until HMNLedger and HMNCoherence are
/// plugged in through a ``SimulatedApplicationFactory``.
///
/// Blocks (``KVBlock``) carry `key=value` transactions, the last commit, equivocation evidence and
/// emergency actions. Each finalized block is turned into `BlockFacts` and run through the exact
/// Layer-2 transition `CoherenceState.applying` (HMNCoherence, SPEC §3–§6), whose state is part of
/// the app state: its λ sets the next block delay; Ĉ below the threshold makes the next height an
/// emergency height whose block must carry exactly the planned slashes and boosts; committed
/// evidence zeroes the offender's power (effective at h + 2). State is written to a
/// ``SimulatedDisk`` on `commit()`, so a restarted node resumes from it.
public final class KVApplication: ConsensusApplication {
    public let configuration: KVApplicationConfiguration
    public let disk: SimulatedDisk
    /// This node's key (for its own vote extensions), and whether it reports wrong shard digests.
    public let nodeKey: PublicKey?
    public let reportsFaultyShardDigests: Bool
    public private(set) var state: KVState {
        didSet { cachedAppHash = nil }
    }
    private var pending: (state: KVState, block: CommittedBlock, appHash: Hash256, bytes: [UInt8])?
    /// The canonical bytes of the state the last `apply` produced (set by `apply`).
    var appliedStateBytes: [UInt8] = []
    /// The hash of `state`, computed once per committed state (extendVote and info ask often).
    private var cachedAppHash: Hash256?
    /// Transactions waiting for a block (mempool).
    public private(set) var mempool: [String] = []

    public init(
        configuration: KVApplicationConfiguration, genesis: [ValidatorPower], disk: SimulatedDisk,
        nodeKey: PublicKey?, reportsFaultyShardDigests: Bool = false
    ) throws {
        self.configuration = configuration
        self.disk = disk
        self.nodeKey = nodeKey
        self.reportsFaultyShardDigests = reportsFaultyShardDigests
        if let bytes = disk.read("state") {
            state = try KVState(canonicalBytes: bytes)
        } else {
            state = try KVState(chainID: configuration.chainID, genesis: genesis, parameters: configuration.coherence)
        }
    }

    public var appHash: Hash256 {
        if let cachedAppHash { return cachedAppHash }
        let hash = state.canonicalHash
        cachedAppHash = hash
        return hash
    }

    public func info() throws -> ApplicationInfo {
        ApplicationInfo(
            chainID: state.chainID, lastHeight: state.height, lastBlockID: state.lastBlockID, appHash: appHash,
            validators: state.validators, nextValidators: state.nextValidators,
            nextBlockDelayMilliseconds: state.nextBlockDelayMilliseconds, nextHeightIsEmergency: state.nextIsEmergency)
    }

    public func checkTransaction(_ transaction: [UInt8]) -> TransactionCheck {
        guard transaction.count <= KVBlock.maxTransactionBytes,
            let text = String(validating: transaction, as: UTF8.self),
            KVBlock.parse(text) != nil
        else {
            return .rejected(code: "malformed", message: "transaction must be key=value")
        }
        return .accepted(id: Hash256.of(transaction))
    }

    /// Adds a transaction to the mempool if ``checkTransaction(_:)`` accepts it.
    @discardableResult
    public func submit(_ transaction: String) -> Bool {
        guard case .accepted = checkTransaction(Array(transaction.utf8)) else { return false }
        mempool.append(transaction)
        return true
    }

    public func prepareProposal(_ request: PrepareProposalRequest) throws -> ProposedBlock {
        let height = request.height
        var transactions = Array(mempool.prefix(KVBlock.maxTransactions - 1))
        transactions.append("k\(height % 8)=h\(height)r\(request.round)")
        var evidence: [DuplicateVoteEvidence] = []
        for candidate in request.evidence where evidence.count < KVBlock.maxEvidence {
            if (try? validateEvidence(candidate, blockHeight: height, alreadyIncluded: evidence)) != nil {
                evidence.append(candidate)
            }
        }
        let block = KVBlock(
            height: height, proposer: request.proposer, timeMilliseconds: request.timeMilliseconds,
            lastCommit: request.lastCommit, evidence: evidence,
            actions: state.nextIsEmergency ? state.requiredActions : [], transactions: transactions)
        return block.proposedBlock
    }

    public func processProposal(_ request: ProcessProposalRequest) -> ProposalVerdict {
        do {
            _ = try validate(request.block, height: request.height, proposer: request.proposer)
            return .accept
        } catch {
            return .reject(reason: error.message)
        }
    }

    public func extendVote(height: UInt64, round: UInt32, blockID: Hash256) -> VoteExtension {
        let proposal = lambdaProposal()
        let digest: Hash256
        if reportsFaultyShardDigests, let nodeKey {
            digest = Hash256.of(parts: [Array("faulty".utf8), nodeKey.bytes])
        } else {
            digest = Hash256.of(parts: [Array("shard-0".utf8), appHash.bytes])
        }
        return VoteExtension(lambdaProposal: proposal, shardDigests: [ShardDigest(shard: 0, digest: digest)])
    }

    public func verifyVoteExtension(_ voteExtension: VoteExtension, validator: PublicKey, height: UInt64) -> Bool {
        LambdaAggregation.isAcceptableProposal(voteExtension.lambdaProposal, parameters: configuration.coherence)
            && voteExtension.shardDigests.count <= 16 && voteExtension.isCanonical
    }

    public func finalizeBlock(_ request: FinalizeBlockRequest) throws -> FinalizeBlockResponse {
        let block = try validate(request.block, height: request.height, proposer: nil)
        var next = state
        let response = try apply(block, id: request.block.id, to: &next)
        pending = (
            next, CommittedBlock(height: request.height, block: request.block, commit: request.commit),
            response.appHash, appliedStateBytes
        )
        appliedStateBytes = []
        let committed = Set(block.transactions)
        mempool.removeAll { committed.contains($0) }
        return response
    }

    public func commit() throws {
        guard let pending else { throw KVApplicationError("commit without a finalized block") }
        state = pending.state
        cachedAppHash = pending.appHash
        disk.write("block/\(pending.block.height)", ConsensusMessageCoding.encode(pending.block))
        disk.write("state", pending.bytes)
        self.pending = nil
    }

    public func committedBlock(atHeight height: UInt64) throws -> CommittedBlock? {
        guard let bytes = disk.read("block/\(height)") else { return nil }
        return try ConsensusMessageCoding.decodeCommittedBlock(bytes)
    }
}

/// Why the test application rejected a block or failed.
public struct KVApplicationError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { "KVApplicationError: \(message)" }
}
