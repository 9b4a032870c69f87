import HMNPrimitives
import Testing
@testable import HMNLedger

@Suite("Verify-once signature memo")
struct SignatureVerifierTests {
    @Test("a transaction admitted on two nodes is verified once per node through proposal, check and commit")
    func oncePerNode() throws {
        let nodes = try LedgerApplicationTests.TwoNodes()
        let transfers = (0..<4).map { nodes.chainA.transfer($0, $0 + 1, 100) }
        for transfer in transfers {
            // Gossip: both mempools admit every transfer.
            #expect(nodes.a.checkTransaction(transfer.canonicalBytes) == .accepted(id: transfer.id))
            #expect(nodes.b.checkTransaction(transfer.canonicalBytes) == .accepted(id: transfer.id))
        }
        #expect(nodes.chainA.ledger.signatureVerifier.verificationCount == 4)
        #expect(nodes.chainB.ledger.signatureVerifier.verificationCount == 4)
        let (first, _) = try nodes.height()
        #expect(first.transactionResults.count == 4)
        // `a` built the block and `b` checked it; neither verified a signature again.
        #expect(nodes.chainA.ledger.signatureVerifier.verificationCount == 4)
        #expect(nodes.chainB.ledger.signatureVerifier.verificationCount == 4)
    }

    @Test("a block with transactions a node never admitted is verified once, at the block")
    func unseenTransactions() throws {
        let nodes = try LedgerApplicationTests.TwoNodes()
        for user in 0..<3 {
            let transfer = nodes.chainA.transfer(user, user + 1, 100)
            #expect(nodes.a.checkTransaction(transfer.canonicalBytes) == .accepted(id: transfer.id))
        }
        try nodes.height()
        #expect(nodes.chainA.ledger.signatureVerifier.verificationCount == 3)
        #expect(nodes.chainB.ledger.signatureVerifier.verificationCount == 3)
    }

    @Test("a known id with another signature is verified afresh and refused")
    func forgedSignatureUnderKnownID() throws {
        let chain = try TestChain()
        let verifier = SignatureVerifier()
        let genuine = chain.transfer(0, 1, 100)
        try verifier.verify(genuine)
        var forged = genuine
        forged.signature = chain.transfer(0, 1, 101).signature
        #expect(forged.id == genuine.id)
        #expect(!verifier.isKnownValid(forged))
        #expect(throws: LedgerError.self) { try verifier.verify(forged) }
        #expect(SignatureBatch.failures(in: [genuine, forged], concurrency: 2, verifier: verifier) == [1])
        // Failures are never remembered: each attempt verifies (and fails) again.
        let before = verifier.verificationCount
        #expect(throws: LedgerError.self) { try verifier.verify(forged) }
        #expect(verifier.verificationCount == before + 1)
    }

    @Test("the memo keeps two generations and forgets older entries")
    func boundedGenerations() throws {
        let chain = try TestChain()
        let verifier = SignatureVerifier(capacity: 2)
        let transactions = (0..<5).map { chain.transfer(0, 1, UInt64(100 + $0)) }
        for transaction in transactions { try verifier.verify(transaction) }
        #expect(verifier.verificationCount == 5)
        // Generations after five inserts of capacity 2: previous {2, 3}, current {4}.
        #expect(transactions.map(verifier.isKnownValid) == [false, false, true, true, true])
        try verifier.verify(transactions[0])
        #expect(verifier.verificationCount == 6)
    }
}
