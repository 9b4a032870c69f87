import HMNLedger
import HMNNode
import HMNPrimitives
import MetricsTestKit
import Testing

/// The verify-once memo seen from outside: four nodes, one load of transfers, and each node's count
/// of signature verifications against the transactions it committed.
@Suite("FullNode, one signature verification per transaction per node", .serialized)
struct SignatureVerificationCountTests {
    @Test("each node verifies each committed transaction once; node 0 exports the counters")
    func oncePerNode() async throws {
        try await LocalTestnet.withTestnet { net in
            try await net.waitForHeight(1)
            let faucet = net.layout.faucetKey
            let chainID = net.homes[0].genesis.chainID
            let recipient = SigningKey.derived(from: "verify-once").publicKey
            let transfers = (0..<16).map { nonce in
                SignedTransaction.make(
                    chainID: chainID, key: faucet, nonce: UInt64(nonce),
                    body: .transfer(recipient: recipient, amount: 10))
            }
            // One entry node (a sender's nonces must arrive in order); the others admit by gossip.
            for transfer in transfers {
                _ = try await net.node(0).submitTransaction(transfer.canonicalBytes)
            }
            try await LocalTestnet.eventually("every transfer is committed on every node") {
                for node in net.running where try await node.transaction(id: transfers.last!.id) == nil {
                    return false
                }
                return true
            }
            for (index, node) in net.running.enumerated() {
                // One read on the driver's actor: count, committed transactions and mempool agree.
                let (verified, committed, pending) = try await node.driver.read { app in
                    var committed = 0
                    for height in stride(from: 1, through: app.height, by: 1) {
                        committed += try app.storedBlock(atHeight: height)?.block.transactions.count ?? 0
                    }
                    return (app.signatureVerificationCount, committed, app.mempoolSize)
                }
                #expect(committed >= transfers.count)
                // Before the memo each committed transaction was verified twice per node: at
                // admission and again in the proposal it built or checked.
                #expect(verified >= UInt64(transfers.count), "node \(index)")
                #expect(
                    verified <= UInt64(committed + pending),
                    "node \(index) verified \(verified) signatures for \(committed) committed, \(pending) pending")
            }
            // The node's commit loop records the counters after the commit the API already shows.
            try await LocalTestnet.eventually("node 0's counters cover the transfers") {
                let verified = try net.metrics.expectCounter("hmn_signature_verifications_total").totalValue
                let committed = try net.metrics.expectCounter("hmn_committed_transactions_total").totalValue
                return verified >= transfers.count && committed >= transfers.count
            }
        }
    }
}
