import HMNPrimitives
import Testing
@testable import HMNLedger

@Suite("The ledger as a ConsensusApplication")
struct LedgerApplicationTests {
    /// Two nodes from one genesis: `a` proposes, both validate, finalize and commit.
    final class TwoNodes {
        let chainA: TestChain
        let chainB: TestChain
        let a: LedgerApplication
        let b: LedgerApplication
        var lastCommit: CommitCertificate?

        init() throws {
            chainA = try TestChain()
            chainB = try TestChain()
            a = LedgerApplication(ledger: chainA.ledger, logger: TestChain.quiet)
            b = LedgerApplication(ledger: chainB.ledger, logger: TestChain.quiet)
        }

        @discardableResult
        func height(evidence: [DuplicateVoteEvidence] = []) throws -> (FinalizeBlockResponse, FinalizeBlockResponse) {
            let height = try a.info().lastHeight + 1
            let proposer = chainA.proposer
            let proposal = try a.prepareProposal(
                PrepareProposalRequest(
                    height: height, round: 0, timeMilliseconds: chainA.genesis.genesisTimeMilliseconds + height * 1_000,
                    proposer: proposer, lastCommit: lastCommit, evidence: evidence, maxBlockBytes: 1 << 20))
            let request = ProcessProposalRequest(height: height, round: 0, proposer: proposer, block: proposal)
            #expect(a.processProposal(request) == .accept)
            #expect(b.processProposal(request) == .accept)
            let extensionA = a.extendVote(height: height, round: 0, blockID: proposal.id)
            #expect(b.verifyVoteExtension(extensionA, validator: proposer, height: height))
            let commit = chainA.signer.certificate(
                chainID: TestChain.chainID, height: height, blockID: proposal.id,
                validators: try a.info().validators, voteExtension: extensionA)
            let finalize = FinalizeBlockRequest(height: height, block: proposal, commit: commit)
            let responseA = try a.finalizeBlock(finalize)
            let responseB = try b.finalizeBlock(finalize)
            try a.commit()
            try b.commit()
            lastCommit = commit
            return (responseA, responseB)
        }
    }

    @Test("two nodes agree block by block; the mempool drains; block sync replays the chain")
    func twoNodes() throws {
        let nodes = try TwoNodes()
        for user in 0..<4 {
            let transfer = nodes.chainA.transfer(user, user + 1, 100)
            guard case .accepted(let id) = nodes.a.checkTransaction(transfer.canonicalBytes) else {
                Issue.record("transfer rejected")
                return
            }
            #expect(id == transfer.id)
        }
        guard case .rejected(let code, _) = nodes.a.checkTransaction([0, 1]) else {
            Issue.record("garbage accepted")
            return
        }
        #expect(code == "malformed")
        let (first, mirror) = try nodes.height()
        #expect(first.transactionResults.count == 4)
        #expect(first.appHash == mirror.appHash)
        #expect(first.nextBlockDelayMilliseconds == 1_000 && !first.nextHeightIsEmergency)
        #expect(nodes.a.mempool.count == 0)
        for _ in 0..<3 { try nodes.height() }
        let info = try nodes.a.info()
        #expect(info.lastHeight == 4)
        #expect(try nodes.b.info().appHash == info.appHash)

        // A third node syncs from committed blocks.
        let fresh = try TestChain()
        for height in 1...info.lastHeight {
            let committed = try #require(try nodes.a.committedBlock(atHeight: height))
            let executed = try fresh.ledger.execute(blockBytes: committed.block.bytes)
            try fresh.ledger.commit(executed, certificate: committed.commit)
        }
        #expect(fresh.ledger.tip.appHash == info.appHash)
        #expect(try nodes.a.committedBlock(atHeight: 9) == nil)
    }

    @Test("processProposal rejects tampered bytes and a wrong height, and accepts a re-proposed block")
    func rejections() throws {
        let nodes = try TwoNodes()
        try nodes.height()
        let proposal = try nodes.a.prepareProposal(
            PrepareProposalRequest(
                height: 2, round: 0, timeMilliseconds: nodes.chainA.genesis.genesisTimeMilliseconds + 5_000,
                proposer: nodes.chainA.proposer, lastCommit: nodes.lastCommit, evidence: [], maxBlockBytes: 1 << 20))
        var tampered = proposal
        tampered.bytes[tampered.bytes.count / 2] ^= 1
        guard
            case .reject = nodes.b.processProposal(
                ProcessProposalRequest(
                    height: 2, round: 0, proposer: nodes.chainA.proposer, block: tampered))
        else {
            Issue.record("tampered proposal accepted")
            return
        }
        // A later round's proposer re-proposing the valid block built in round 0 (Tendermint's POL
        // re-proposal; block sync sees the same): the header names the builder, not the round's
        // proposer. A node that missed round 0 used to reject it forever (fault campaign, seed 5).
        let reproposal = ProcessProposalRequest(
            height: 2, round: 1, proposer: nodes.chainA.validatorKeys[1].publicKey,
            block: proposal)
        #expect(nodes.b.processProposal(reproposal) == .accept)
        #expect(
            nodes.b.processProposal(
                ProcessProposalRequest(
                    height: 3, round: 0, proposer: nodes.chainA.proposer,
                    block: proposal)) != .accept)
        #expect(
            nodes.b.processProposal(
                ProcessProposalRequest(
                    height: 2, round: 0, proposer: nodes.chainA.proposer,
                    block: proposal)) == .accept)
        #expect(
            !nodes.b.verifyVoteExtension(
                VoteExtension(lambdaProposal: FixedPoint(integer: 5)),
                validator: nodes.chainA.proposer, height: 2))
        #expect(throws: LedgerError.self) { try nodes.b.commit() }
    }

    @Test("bonding to minStake adds a validator at h + 2; evidence slashes once")
    func validatorsAndEvidence() throws {
        let nodes = try TwoNodes()
        let user = nodes.chainA.userKeys[0]
        let bond = SignedTransaction.make(chainID: TestChain.chainID, key: user, nonce: 0, body: .bond(amount: 5_000))
        #expect(nodes.a.checkTransaction(bond.canonicalBytes) == .accepted(id: bond.id))
        let (response, _) = try nodes.height()
        #expect(response.validatorUpdates == [ValidatorPower(publicKey: user.publicKey, power: 5_000)])
        let info = try nodes.a.info()
        #expect(!info.validators.contains { $0.publicKey == user.publicKey })
        #expect(info.nextValidators.contains { $0.publicKey == user.publicKey })
        try nodes.height()
        #expect(try nodes.a.info().validators.contains { $0.publicKey == user.publicKey })

        // Validator 3 double-signed at height 1.
        let offender = nodes.chainA.validatorKeys[3]
        let votes = [Hash256.of([1]), Hash256.of([2])].map {
            Vote.signed(
                chainID: TestChain.chainID, height: 1, round: 0, type: .prevote, blockID: $0,
                voteExtension: nil, key: offender)
        }
        let evidence = DuplicateVoteEvidence(votes[0], votes[1])
        let stakeBefore = nodes.chainA.ledger.account(offender.publicKey)!.stake
        try nodes.height(evidence: [evidence])
        let slashed = stakeBefore - stakeBefore / 20
        #expect(nodes.chainA.ledger.account(offender.publicKey)?.stake == slashed)
        #expect(nodes.chainB.ledger.account(offender.publicKey)?.stake == slashed)
        // The same offence is not punished twice: the proposer leaves it out.
        try nodes.height(evidence: [evidence])
        #expect(nodes.chainA.ledger.account(offender.publicKey)?.stake == slashed)
        #expect(try nodes.a.committedBlock(atHeight: 4)?.block.bytes.count ?? 0 > 0)
        #expect(try nodes.chainA.ledger.block(atHeight: 4)?.block.evidence.isEmpty == true)
    }

    @Test("a memory proof commits once; its author claims the T1 reward once")
    func memoryProofReward() throws {
        let nodes = try TwoNodes()
        let author = nodes.chainA.userKeys[1]
        let submitter = nodes.chainA.userKeys[0]
        let proof = MemoryProof.signed(
            chainID: TestChain.chainID, recordID: Hash256.of([42]), contentHash: Hash256.of([43]),
            timestampMilliseconds: 1_700_000_000_500, rphv: FixedPoint(raw: 900_000), key: author)
        let submit = SignedTransaction.make(
            chainID: TestChain.chainID, key: submitter, nonce: 0, body: .memoryProof(proof))
        #expect(nodes.a.checkTransaction(submit.canonicalBytes) == .accepted(id: submit.id))
        let again = SignedTransaction.make(
            chainID: TestChain.chainID, key: submitter, nonce: 1, body: .memoryProof(proof))
        _ = nodes.a.checkTransaction(again.canonicalBytes)
        try nodes.height()
        #expect(nodes.chainA.ledger.state.memoryProofs[proof.proofID]?.author == author.publicKey)
        #expect(nodes.chainA.ledger.account(submitter.publicKey)?.nonce == 1)  // the duplicate was left out

        let claim = SignedTransaction.make(
            chainID: TestChain.chainID, key: author, nonce: 0,
            body: .mintT1(proofID: proof.proofID, amount: 1_000))
        let thief = SignedTransaction.make(
            chainID: TestChain.chainID, key: submitter, nonce: 1,
            body: .mintT1(proofID: proof.proofID, amount: 1_000))
        #expect(nodes.a.checkTransaction(claim.canonicalBytes) == .accepted(id: claim.id))
        guard case .rejected(let code, _) = nodes.a.checkTransaction(thief.canonicalBytes) else {
            Issue.record("a non-author claimed the reward")
            return
        }
        #expect(code == "invalidMint")
        let (response, _) = try nodes.height()
        #expect(response.transactionResults.count == 1)
        #expect(nodes.chainA.ledger.account(author.publicKey)?.balance == 1_000_000 + 1_000)
        let twice = SignedTransaction.make(
            chainID: TestChain.chainID, key: author, nonce: 1,
            body: .mintT1(proofID: proof.proofID, amount: 1_000))
        #expect(nodes.a.checkTransaction(twice.canonicalBytes) != .accepted(id: twice.id))
    }
}
