import HMNConsensus
import HMNPrimitives

/// A minimal application for engine unit tests: blocks are text, ids are BLAKE2b of the bytes,
/// and blocks starting with "bad" are invalid.
final class MockApplication: ConsensusApplication {
    let chainID: String
    var validators: [ValidatorPower]
    var nextValidators: [ValidatorPower]
    var height: UInt64 = 0
    var lastBlockID = Hash256.zero
    var delayMilliseconds: UInt64 = 0
    var updatesAtHeight: [UInt64: [ValidatorPower]] = [:]
    var emergencyAfterHeight: Set<UInt64> = []
    /// What ``hasPendingTransactions()`` answers.
    var pendingTransactions = true
    var prepared: [PrepareProposalRequest] = []
    var processed: [ProcessProposalRequest] = []
    var finalized: [FinalizeBlockRequest] = []
    var blocks: [UInt64: CommittedBlock] = [:]
    private var pending: FinalizeBlockRequest?

    init(chainID: String = "test-chain", validators: [ValidatorPower]) {
        self.chainID = chainID
        self.validators = validators
        self.nextValidators = validators
    }

    static func block(_ text: String) -> ProposedBlock {
        let bytes = Array(text.utf8)
        return ProposedBlock(id: Hash256.of(bytes), bytes: bytes)
    }

    func info() throws -> ApplicationInfo {
        ApplicationInfo(
            chainID: chainID, lastHeight: height, lastBlockID: lastBlockID, appHash: Hash256.of([UInt8(height % 256)]),
            validators: validators, nextValidators: nextValidators, nextBlockDelayMilliseconds: 0,
            nextHeightIsEmergency: false)
    }

    func checkTransaction(_ transaction: [UInt8]) -> TransactionCheck { .accepted(id: Hash256.of(transaction)) }

    func prepareProposal(_ request: PrepareProposalRequest) throws -> ProposedBlock {
        prepared.append(request)
        return Self.block("block-\(request.height)-\(request.round)")
    }

    func processProposal(_ request: ProcessProposalRequest) -> ProposalVerdict {
        processed.append(request)
        let block = request.block
        guard Hash256.of(block.bytes) == block.id, !block.bytes.starts(with: Array("bad".utf8)) else {
            return .reject(reason: "invalid")
        }
        return .accept
    }

    func extendVote(height: UInt64, round: UInt32, blockID: Hash256) -> VoteExtension {
        VoteExtension(lambdaProposal: .one)
    }

    func verifyVoteExtension(_ voteExtension: VoteExtension, validator: PublicKey, height: UInt64) -> Bool {
        voteExtension.lambdaProposal <= FixedPoint(integer: 2)
    }

    func finalizeBlock(_ request: FinalizeBlockRequest) throws -> FinalizeBlockResponse {
        finalized.append(request)
        pending = request
        let updates = updatesAtHeight[request.height] ?? []
        return FinalizeBlockResponse(
            transactionResults: [], validatorUpdates: updates, appHash: Hash256.of(request.block.bytes),
            nextBlockDelayMilliseconds: delayMilliseconds,
            nextHeightIsEmergency: emergencyAfterHeight.contains(request.height))
    }

    func commit() throws {
        guard let pending else { return }
        height = pending.height
        lastBlockID = pending.block.id
        blocks[pending.height] = CommittedBlock(height: pending.height, block: pending.block, commit: pending.commit)
        self.pending = nil
    }

    func committedBlock(atHeight height: UInt64) throws -> CommittedBlock? { blocks[height] }

    func hasPendingTransactions() -> Bool { pendingTransactions }
}
