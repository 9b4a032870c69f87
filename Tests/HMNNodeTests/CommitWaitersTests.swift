import HMNPrimitives
import Testing

@testable import HMNLedger
@testable import HMNNode

/// The long-poll registry: every way a wait ends, and the race it exists to close.
@Suite("Commit waiters")
struct CommitWaitersTests {
    static let key = SigningKey.derived(from: "commit waiters")

    /// A committed-looking record of a transfer with `nonce` (only its id matters here).
    static func record(_ nonce: UInt64) -> TransactionRecord {
        let transaction = SignedTransaction.make(
            chainID: "waiters", key: key, nonce: nonce, body: .transfer(recipient: key.publicKey, amount: 1))
        return TransactionRecord(
            transaction: transaction, height: 1, blockID: .zero, result: TransactionResult(code: 0, log: ""),
            proof: MerkleProof(index: 0, leafCount: 1, path: []), transactionsRoot: .zero)
    }

    @Test("a commit between the check and the wait is not missed")
    func resolvedBeforeWaiting() async {
        let waiters = CommitWaiters()
        let record = Self.record(1)
        let token = waiters.register(record.transaction.id)!
        #expect(waiters.isWaiting(for: record.transaction.id))
        #expect(!waiters.isWaiting(for: Hash256.of([9])))
        waiters.resolve([record])
        let clock = ContinuousClock()
        let start = clock.now
        #expect(await waiters.wait(token, milliseconds: 10_000) == record)
        #expect(clock.now - start < .seconds(5))
        #expect(waiters.isEmpty)
    }

    @Test("a commit during the wait wakes every waiter on that transaction, and only them")
    func resolvedWhileWaiting() async {
        let waiters = CommitWaiters()
        let record = Self.record(2)
        let other = Self.record(3)
        let tokens = (0..<3).map { _ in waiters.register(record.transaction.id)! }
        let otherToken = waiters.register(other.transaction.id)!
        async let woken = withTaskGroup(of: TransactionRecord?.self) { group in
            for token in tokens { group.addTask { await waiters.wait(token, milliseconds: 20_000) } }
            return await group.reduce(into: [TransactionRecord?]()) { $0.append($1) }
        }
        async let otherResult = waiters.wait(otherToken, milliseconds: 400)
        try? await Task.sleep(for: .milliseconds(100))
        waiters.resolve([Self.record(9), record])
        #expect(await woken == [record, record, record])
        #expect(await otherResult == nil)
        #expect(waiters.isEmpty)
    }

    @Test("a wait with no commit ends with nil after its time; a cancelled slot frees its place")
    func timeoutAndCancel() async {
        let waiters = CommitWaiters()
        let record = Self.record(4)
        let token = waiters.register(record.transaction.id)!
        #expect(!waiters.isEmpty)
        let clock = ContinuousClock()
        let start = clock.now
        #expect(await waiters.wait(token, milliseconds: 200) == nil)
        #expect(clock.now - start >= .milliseconds(190))
        #expect(waiters.isEmpty)
        // A late commit finds nothing to wake.
        waiters.resolve([record])
        let cancelled = waiters.register(record.transaction.id)!
        waiters.cancel(cancelled)
        #expect(waiters.isEmpty)
        #expect(await waiters.wait(cancelled, milliseconds: 10_000) == nil)
    }

    @Test("at most `capacity` slots at once")
    func capacity() {
        let waiters = CommitWaiters()
        let tokens = (0..<CommitWaiters.capacity).map { index in
            waiters.register(Hash256.of(withUnsafeBytes(of: index) { Array($0) }))!
        }
        #expect(waiters.register(Hash256.of([5])) == nil)
        waiters.cancel(tokens[0])
        #expect(waiters.register(Hash256.of([5])) != nil)
    }
}
