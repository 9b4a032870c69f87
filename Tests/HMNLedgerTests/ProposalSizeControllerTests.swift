import HMNPrimitives
import Synchronization
import Testing

@testable import HMNLedger

/// The proposal limit follows height times: halves on a slow height, grows by a quarter on a fast
/// one that the limit bounded, and stays within its bounds.
@Suite("Proposal size controller")
struct ProposalSizeControllerTests {
    @Test("slow heights halve the limit down to the minimum; fast full ones grow it back to the maximum")
    func aimd() {
        var controller = ProposalSizeController(maximum: 4_096, minimum: 256, targetMilliseconds: 300)
        #expect(controller.limit == 4_096)
        var changed = controller.observe(milliseconds: 450, transactions: 4_096)
        #expect(changed)
        #expect(controller.limit == 2_048)
        for _ in 0..<10 { controller.observe(milliseconds: 900, transactions: 10) }
        #expect(controller.limit == 256)
        // At the target or between half and the target: hold.
        changed = controller.observe(milliseconds: 300, transactions: 256)
        #expect(!changed)
        changed = controller.observe(milliseconds: 200, transactions: 256)
        #expect(!changed)
        // Fast, but the block was smaller than the limit (no backlog): hold.
        changed = controller.observe(milliseconds: 20, transactions: 100)
        #expect(!changed)
        changed = controller.observe(milliseconds: 20, transactions: 256)
        #expect(changed)
        #expect(controller.limit == 320)
        for _ in 0..<40 { controller.observe(milliseconds: 20, transactions: controller.limit) }
        #expect(controller.limit == 4_096)
    }

    @Test("a node's proposals follow its height times: a slow commit shrinks the next proposal")
    func applicationFollowsHeightTimes() throws {
        let chain = try TestChain(users: 40)
        let application = LedgerApplication(ledger: chain.ledger, logger: TestChain.quiet)
        let now = Mutex<UInt64>(0)
        application.adaptProposalSize(
            ProposalSizeController(maximum: 32, minimum: 4, targetMilliseconds: 100),
            nowMilliseconds: { now.withLock { $0 } })
        for user in 0..<40 {
            let transfer = chain.transfer(user, (user + 1) % 40, 1)
            guard case .accepted = application.checkTransaction(transfer.canonicalBytes) else {
                Issue.record("transfer \(user) refused")
                return
            }
        }
        /// One height: propose at `now`, commit `milliseconds` later; returns the block's size.
        func height(taking milliseconds: UInt64) throws -> Int {
            let height = try application.info().lastHeight + 1
            let proposal = try application.prepareProposal(
                PrepareProposalRequest(
                    height: height, round: 0, timeMilliseconds: chain.genesis.genesisTimeMilliseconds + height * 1_000,
                    proposer: chain.proposer, lastCommit: chain.lastCertificate, evidence: [], maxBlockBytes: 1 << 20))
            let commit = chain.signer.certificate(
                chainID: TestChain.chainID, height: height, blockID: proposal.id,
                validators: try application.info().validators,
                voteExtension: application.extendVote(height: height, round: 0, blockID: proposal.id))
            let response = try application.finalizeBlock(
                FinalizeBlockRequest(height: height, block: proposal, commit: commit))
            now.withLock { $0 += milliseconds }
            try application.commit()
            chain.lastCertificate = commit
            return response.transactionResults.count
        }
        #expect(try height(taking: 250) == 32, "the first proposal holds the maximum")
        #expect(application.proposalLimit == 16)
        #expect(try height(taking: 10) == 8, "16 − the 8 left after the first block: all of them")
        #expect(application.proposalLimit == 16, "a block smaller than the limit does not grow it")
    }
}
