import Dispatch
import HMNPrimitives

/// Verifies the signatures of many transactions, on several cores when allowed.
///
/// Signature checks are independent and dominate block execution (≈13k Ed25519 verifications per
/// second per core), so a block's transactions are split into contiguous chunks verified in
/// parallel with `DispatchQueue.concurrentPerform`; the rules themselves then run sequentially.
/// Signatures the node's ``SignatureVerifier`` already verified (at admission) are not verified
/// again and take no worker.
public enum SignatureBatch {
    /// Indices of transactions whose signatures fail, ascending (empty when all verify).
    ///
    /// - Parameter verifier: remembers verified signatures (a fresh one verifies everything).
    public static func failures(
        in transactions: [SignedTransaction], concurrency: Int, verifier: SignatureVerifier = SignatureVerifier()
    ) -> [Int] {
        let unknown = transactions.indices.filter { !verifier.isKnownValid(transactions[$0]) }
        let failing = failures(in: unknown.map { transactions[$0] }, concurrency: concurrency, verifier)
        return failing.map { unknown[$0] }
    }

    private static func failures(
        in transactions: [SignedTransaction], concurrency: Int, _ verifier: SignatureVerifier
    ) -> [Int] {
        let count = transactions.count
        guard count > 0 else { return [] }
        let workers = max(1, min(concurrency, count / 32 + 1))
        if workers == 1 {
            return transactions.indices.filter { !verifier.isValid(transactions[$0]) }
        }
        var flags = [Bool](repeating: true, count: count)
        flags.withUnsafeMutableBufferPointer { buffer in
            let output = UncheckedBuffer(buffer: buffer)
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                let start = count * worker / workers
                let end = count * (worker + 1) / workers
                for index in start..<end { output.buffer[index] = verifier.isValid(transactions[index]) }
            }
        }
        return flags.indices.filter { !flags[$0] }
    }

    /// Each worker writes a disjoint range of the buffer, so sharing it is safe.
    private struct UncheckedBuffer: @unchecked Sendable {
        let buffer: UnsafeMutableBufferPointer<Bool>
    }
}
