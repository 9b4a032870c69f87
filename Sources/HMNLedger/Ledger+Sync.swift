import Dispatch
import HMNPrimitives
import Synchronization

extension Ledger {
    /// Applies blocks that consensus already finalized (block sync, replay), in order, each with
    /// the certificate that finalized it. Returns how many were applied.
    ///
    /// Every block gets exactly the checks of ``execute(_:)`` and ``commit(_:certificate:)``; the
    /// only difference is scheduling: signatures do not depend on state, so the next block's
    /// signatures are verified on other cores while the current block's rules run and its SQLite
    /// transaction is written and fsynced. The first failure stops the sync with that block's
    /// error; everything before it stays committed.
    @discardableResult
    public func sync(_ blocks: [(bytes: [UInt8], certificate: CommitCertificate)]) throws(LedgerError) -> Int {
        guard !blocks.isEmpty else { return 0 }
        let maxBytes = Int(parameters.maxBlockBytes)
        let concurrency = verificationConcurrency
        var decoded = try Block.decode(blocks[0].bytes, maxBytes: maxBytes)
        var pending = PendingVerification(decoded.transactions, concurrency: concurrency, verifier: signatureVerifier)
        for index in blocks.indices {
            let failures = pending.wait()
            let current = decoded
            if index + 1 < blocks.count {
                decoded = try Block.decode(blocks[index + 1].bytes, maxBytes: maxBytes)
                pending = PendingVerification(
                    decoded.transactions, concurrency: concurrency, verifier: signatureVerifier)
            }
            let executed = try BlockExecutor.execute(
                current, bytes: blocks[index].bytes, base: base(evidence: current.evidence),
                signatureFailures: failures)
            try commit(executed, certificate: blocks[index].certificate)
        }
        return blocks.count
    }
}

/// A signature batch running on a global queue; ``wait()`` returns its failures.
private final class PendingVerification: Sendable {
    private let group = DispatchGroup()
    private let result = Mutex<[Int]>([])

    init(_ transactions: [SignedTransaction], concurrency: Int, verifier: SignatureVerifier) {
        DispatchQueue.global().async(group: group) { [self] in
            let failures = SignatureBatch.failures(in: transactions, concurrency: concurrency, verifier: verifier)
            result.withLock { $0 = failures }
        }
    }

    func wait() -> [Int] {
        group.wait()
        return result.withLock { $0 }
    }
}
