import HMNLedger
import HMNNode
import HMNPrimitives
import Testing

/// `FullNode.transaction(id:waitMilliseconds:)` on a running testnet: the long poll behind
/// `GET /v1/transactions/{id}?waitMilliseconds=…`.
@Suite("FullNode, waiting for a transaction's commit", .serialized)
struct TransactionCommitWaitTests {
    @Test("a long poll answers when the block commits, 404 after its time for an unknown id, refuses > 30 s")
    func longPoll() async throws {
        try await LocalTestnet.withTestnet { net in
            try await net.waitForHeight(1)
            let transfer = SignedTransaction.make(
                chainID: net.homes[0].genesis.chainID, key: net.layout.faucetKey, nonce: 0,
                body: .transfer(recipient: SigningKey.derived(from: "long poll").publicKey, amount: 5))
            // Asked on node 2 before the transaction exists anywhere; submitted on node 0 afterwards.
            async let waited = net.node(2).transaction(id: transfer.id, waitMilliseconds: 30_000)
            try await Task.sleep(for: .milliseconds(200))
            #expect(try await net.node(2).transaction(id: transfer.id) == nil)
            _ = try await net.node(0).submitTransaction(transfer.canonicalBytes)
            let record = try await waited
            #expect(record?.transaction.id == transfer.id)
            #expect(record.map { $0.height >= 1 } == true)
            // Already committed: answered at once, whatever the wait.
            #expect(try await net.node(1).transaction(id: transfer.id, waitMilliseconds: 30_000) != nil)

            let clock = ContinuousClock()
            let start = clock.now
            #expect(try await net.node(0).transaction(id: Hash256.of([7]), waitMilliseconds: 300) == nil)
            #expect(clock.now - start >= .milliseconds(290))
            await #expect(throws: NodeError.self) {
                try await net.node(0).transaction(id: transfer.id, waitMilliseconds: 30_001)
            }
        }
    }

    @Test("an opened node turns the signature memo on, and committing blocks answers repeats from it")
    func verificationCacheOn() async throws {
        try await LocalTestnet.withTestnet { net in
            #expect(VerificationCache.isEnabled)
            let before = VerificationCache.hits
            try await net.waitForHeight(3)
            // Each precommit is checked on receipt, then in the stored certificate and in the next
            // block's last commit: those repeats are memo hits.
            #expect(VerificationCache.hits > before)
        }
    }
}
