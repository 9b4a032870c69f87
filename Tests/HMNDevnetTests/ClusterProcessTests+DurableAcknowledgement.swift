import Foundation
import HMNDevnet
import HMNLedger
import HMNNodeHTTP
import HMNPrimitives
import Testing

/// Durable acknowledgement on real processes: an extension of ``ClusterProcessTests`` so it runs
/// serialized with the other cluster tests (two clusters at once would starve each other).
extension ClusterProcessTests {
    @Test(
        "kill -9 right after 202: the acknowledged transfer is in the node's mempool journal and commits after restart")
    func acknowledgedTransferSurvivesKillNine() async throws {
        try await Self.withCluster(3) { cluster in
            try await cluster.waitForHeight(1, timeout: .seconds(60))
            // Node 0 alone: no peer can hear of the transfer, so only node 0's disk can keep it.
            await withTaskGroup(of: Void.self) { group in
                for index in 1..<4 { group.addTask { _ = await cluster.nodes[index].stop(grace: .seconds(10)) } }
            }
            let client = cluster.clients[0]
            let nonce = try await client.account(cluster.faucet.publicKey).nonce
            let recipient = SigningKey.derived(from: "durable-acknowledgement").publicKey
            let transfers = (0..<3).map { offset in
                SignedTransaction.make(
                    chainID: cluster.chainID, key: cluster.faucet, nonce: nonce + UInt64(offset),
                    body: .transfer(recipient: recipient, amount: 7))
            }
            // One single submission and a batch of two: both paths acknowledge only once durable.
            _ = try await client.submit(transfers[0])
            let batch = try await client.submitBatch(Array(transfers[1...]))
            #expect(batch.results.allSatisfy { $0.status == "pending" }, "\(batch.results)")
            cluster.nodes[0].send(SIGKILL)
            #expect(await cluster.nodes[0].waitForExit(timeout: .seconds(5)))

            try cluster.startAll()
            try await cluster.wait(for: "the acknowledged transfers to commit", timeout: .seconds(60)) {
                (try? await cluster.clients[1].account(recipient))?.balance == 21
            }
            // The restarted node (which alone held them) commits them too, in the same blocks.
            try await cluster.wait(for: "node 0 to commit the transfers", timeout: .seconds(30)) {
                for transfer in transfers where (try? await cluster.clients[0].transaction(id: transfer.id)) == nil {
                    return false
                }
                return true
            }
            for transfer in transfers {
                let reference = try await cluster.clients[1].transaction(id: transfer.id)
                let restarted = try await cluster.clients[0].transaction(id: transfer.id)
                #expect(reference.proofValid && reference.blockId == restarted.blockId)
            }
        }
    }
}
