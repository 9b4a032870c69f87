import HMNPrimitives
import Testing
@testable import HMNLedger

@Suite("TransactionPreparer: decoding and verification off the admitting thread")
struct TransactionPreparerTests {
    @Test("a prepared transaction is verified once: admission finds it in the memo")
    func verifiedOnce() throws {
        let nodes = try LedgerApplicationTests.TwoNodes()
        let preparer = try #require(nodes.a.transactionPreparer)
        let transfers = (0..<3).map { nodes.chainA.transfer($0, $0 + 1, 100) }
        for transfer in transfers {
            let prepared = try preparer.prepare(transfer.canonicalBytes)
            #expect(prepared.id == transfer.id)
            #expect(nodes.a.checkTransaction(prepared: prepared) == .accepted(id: transfer.id))
        }
        #expect(nodes.chainA.ledger.signatureVerifier.verificationCount == 3)
        // Admitting the same bytes again is a duplicate, as for a submission.
        let again = try preparer.prepare(transfers[0].canonicalBytes)
        guard case .rejected(let code, _) = nodes.a.checkTransaction(prepared: again) else {
            Issue.record("a duplicate was admitted")
            return
        }
        #expect(code == LedgerError.Code.duplicateTransaction.rawValue)
        #expect(nodes.chainA.ledger.signatureVerifier.verificationCount == 3)
    }

    @Test("a bad signature is not remembered: admission refuses it as it refuses a submission")
    func badSignature() throws {
        let nodes = try LedgerApplicationTests.TwoNodes()
        let preparer = try #require(nodes.a.transactionPreparer)
        var forged = nodes.chainA.transfer(0, 1, 100)
        forged.signature = nodes.chainA.transfer(0, 1, 101).signature
        let prepared = try preparer.prepare(forged.canonicalBytes)
        #expect(!preparer.verifier.isKnownValid(prepared))
        let viaPreparer = nodes.a.checkTransaction(prepared: prepared)
        let viaBytes = nodes.b.checkTransaction(forged.canonicalBytes)
        #expect(viaPreparer == viaBytes)
        guard case .rejected(let code, _) = viaPreparer else {
            Issue.record("a forged signature was admitted")
            return
        }
        #expect(code == LedgerError.Code.badSignature.rawValue)
        #expect(nodes.a.mempool.count == 0)
    }

    @Test("garbage and oversize bytes are refused by the preparer with the ledger's codes")
    func malformed() throws {
        let nodes = try LedgerApplicationTests.TwoNodes()
        let preparer = try #require(nodes.a.transactionPreparer)
        #expect(throws: LedgerError.self) { try preparer.prepare([1, 2, 3]) }
        let oversize = [UInt8](repeating: 0, count: preparer.maxTransactionBytes + 1)
        #expect(throws: LedgerError.self) { try preparer.prepare(oversize) }
        #expect(preparer.verifier.verificationCount == 0)
    }
}
