import HMNPrimitives

/// The stateless half of admitting a transaction: decoding it and verifying its signatures, work a
/// node can do on any thread, in parallel with consensus, before the stateful half (nonce, balance,
/// the mempool) runs where the ledger lives.
///
/// Verification goes through the ledger's ``SignatureVerifier``, so the admission that follows finds
/// the signature in the memo and does not verify it again; a signature that fails is not
/// remembered, and admission reports it (with the error it would have given, in its own order of
/// checks: a transaction for another chain still answers `wrongChain`).
public struct TransactionPreparer: Sendable {
    public let verifier: SignatureVerifier
    public let maxTransactionBytes: Int

    public init(verifier: SignatureVerifier, maxTransactionBytes: Int) {
        self.verifier = verifier
        self.maxTransactionBytes = maxTransactionBytes
    }

    /// Decodes `bytes` and checks their signatures ahead of admission.
    public func prepare(_ bytes: [UInt8]) throws(LedgerError) -> SignedTransaction {
        let transaction = try SignedTransaction.decode(bytes, maxBytes: maxTransactionBytes)
        try? verifier.verify(transaction)
        return transaction
    }
}
