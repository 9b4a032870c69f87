import HMNPrimitives

/// Collects precommits for the last committed block that arrive after the decision, and hands the
/// fuller certificate to the next proposal as its last commit.
///
/// Why: the engine decides as soon as +2/3 of the power has precommitted, so its certificate holds
/// only the first +2/3 — in a 4-validator network usually exactly 3 signatures, whatever the fourth
/// did. Layer 2 scores participation from the last commit a block carries (SPEC §3: `signed_i`), so
/// without this a validator that is merely last would look absent on every block and Ĉ would settle
/// at 0.75. CometBFT solves the same problem by waiting `timeout_commit` and proposing with every
/// precommit it has; here the epoch delay plays that role. Every added precommit is verified
/// (signature, validator of that height, vote extension), and peers verify the whole certificate
/// again when they process the proposal, so this changes what is measured, never what is valid.
final class LateCommitCollector {
    private(set) var certificate: CommitCertificate?
    private var validators: [PublicKey: UInt64] = [:]

    /// A new block was committed with `certificate`, signed from the set `validators`.
    func committed(_ certificate: CommitCertificate, validators: [ValidatorPower]) {
        self.certificate = certificate
        self.validators = Dictionary(validators.map { ($0.publicKey, $0.power) }, uniquingKeysWith: { $1 })
    }

    /// Offers a precommit; returns true when it was added.
    @discardableResult
    func offer(_ vote: Vote, chainID: String, application: any ConsensusApplication) -> Bool {
        guard let current = certificate, vote.type == .precommit, vote.height == current.height,
            vote.round == current.round, vote.blockID == current.blockID, validators[vote.validator] != nil,
            let voteExtension = vote.voteExtension, voteExtension.isCanonical,
            !current.signatures.contains(where: { $0.validator == vote.validator }),
            (try? vote.verify(chainID: chainID)) != nil,
            application.verifyVoteExtension(voteExtension, validator: vote.validator, height: vote.height)
        else { return false }
        certificate = CommitCertificate(
            height: current.height, round: current.round, blockID: current.blockID,
            signatures: current.signatures
                + [CommitSignature(validator: vote.validator, voteExtension: voteExtension, signature: vote.signature)])
        return true
    }

    /// The certificate to propose with instead of `engineCommit`: the collected one when it is for
    /// the same block, otherwise the engine's.
    func lastCommit(replacing engineCommit: CommitCertificate?) -> CommitCertificate? {
        guard let engineCommit, let certificate, certificate.height == engineCommit.height,
            certificate.round == engineCommit.round, certificate.blockID == engineCommit.blockID,
            certificate.signatures.count > engineCommit.signatures.count
        else { return engineCommit }
        return certificate
    }
}

/// The application as the engine sees it: every call goes to the node's application, except that
/// a proposal is built with the fuller last commit from the ``LateCommitCollector``.
final class ProposingApplication: ConsensusApplication {
    let inner: any NodeApplication
    let collector: LateCommitCollector

    init(inner: any NodeApplication, collector: LateCommitCollector) {
        self.inner = inner
        self.collector = collector
    }

    func info() throws -> ApplicationInfo { try inner.info() }
    func checkTransaction(_ transaction: [UInt8]) -> TransactionCheck { inner.checkTransaction(transaction) }

    func prepareProposal(_ request: PrepareProposalRequest) throws -> ProposedBlock {
        var request = request
        request.lastCommit = collector.lastCommit(replacing: request.lastCommit)
        return try inner.prepareProposal(request)
    }

    func processProposal(_ request: ProcessProposalRequest) -> ProposalVerdict { inner.processProposal(request) }

    func extendVote(height: UInt64, round: UInt32, blockID: Hash256) -> VoteExtension {
        inner.extendVote(height: height, round: round, blockID: blockID)
    }

    func verifyVoteExtension(_ voteExtension: VoteExtension, validator: PublicKey, height: UInt64) -> Bool {
        inner.verifyVoteExtension(voteExtension, validator: validator, height: height)
    }

    func finalizeBlock(_ request: FinalizeBlockRequest) throws -> FinalizeBlockResponse {
        try inner.finalizeBlock(request)
    }

    func commit() throws { try inner.commit() }

    func committedBlock(atHeight height: UInt64) throws -> CommittedBlock? {
        try inner.committedBlock(atHeight: height)
    }
}
