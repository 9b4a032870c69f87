import Foundation
import HMNLedger
import HMNPrimitives
import HMNTransport
import Testing

@testable import HMNNode

/// Gossiped transactions are decoded and verified off the consensus actor, then admitted in chunks.
@Suite("FullNode, gossiped transactions admitted in two halves")
struct GossipAdmissionTests {
    @Test("good transactions enter once verified; forged and garbage ones do not; gossip ignores the backlog")
    func mixedGossip() async throws {
        try await SubmissionBacklogTests.withNode(backlog: 1) { node, faucet, chainID in
            let transfers = (0..<3).map { nonce in
                SignedTransaction.make(
                    chainID: chainID, key: faucet, nonce: UInt64(nonce),
                    body: .transfer(recipient: SigningKey.derived(from: "gossip").publicKey, amount: 1))
            }
            var forged = SignedTransaction.make(
                chainID: chainID, key: SigningKey.derived(from: "gossip-forger"), nonce: 0,
                body: .transfer(recipient: faucet.publicKey, amount: 1))
            forged.signature = transfers[0].signature
            let list =
                [transfers[0].canonicalBytes, forged.canonicalBytes, [9, 9, 9]] + transfers[1...].map(\.canonicalBytes)
            let peer = SigningKey.derived(from: "gossip-peer").publicKey
            await node.handle(InboundMessage(peer: peer, bytes: NodeMessage.transactions(list).canonicalBytes))
            let (pending, verifications, ids) = try await node.driver.read { app in
                (app.mempoolSize, app.signatureVerificationCount, transfers.map { app.isPending($0.id) })
            }
            // Past the API's backlog of 1, yet all three good ones entered: a peer acknowledged them.
            #expect(pending == 3)
            #expect(ids == [true, true, true])
            // Three good signatures verified once each (off the actor; admission hit the memo); the
            // forged one off the actor and again by admission; the garbage never reached a verifier.
            #expect(verifications == 5)
            // The same message again is dropped as already seen: nothing is verified again.
            await node.handle(InboundMessage(peer: peer, bytes: NodeMessage.transactions(list).canonicalBytes))
            #expect(try await node.driver.read { $0.signatureVerificationCount } == 5)
        }
    }
}
