import Foundation
import HMNDevnet
import HMNLedger
import HMNNode
import HMNNodeHTTP
import HMNPrimitives
import Testing

extension ClusterProcessTests {
    @Test("a validator that equivocated and then unbonded everything is still slashed, from its unbonding stake")
    func equivocateThenUnbond() async throws {
        try await Self.withCluster(3) { cluster in
            try await cluster.waitForHeight(2, timeout: .seconds(60))
            let key = try NodeKeyFile.read(
                (cluster.nodes[3].home as NSString).appendingPathComponent(cluster.configurations[3].nodeKeyFile))
            let client = cluster.clients[0]
            let before = try await client.account(key.publicKey)
            #expect(before.stake > 0)

            // The offence: two prevotes at one height and round for different blocks, signed with
            // node 3's validator key (what a byzantine node 3 would send; any observer can prove it).
            let offence = try #require(await cluster.statuses()[0]?.height)
            let votes = [Hash256.of([1]), Hash256.of([2])].map {
                Vote.signed(
                    chainID: cluster.chainID, height: offence, round: 0, type: .prevote, blockID: $0,
                    voteExtension: nil, key: key)
            }
            let evidence = DuplicateVoteEvidence(votes[0], votes[1])

            // Before the evidence lands, the validator unbonds its whole stake.
            let unbond = SignedTransaction.make(
                chainID: cluster.chainID, key: key, nonce: before.nonce, body: .unbond(amount: before.stake))
            _ = try await client.submit(unbond)
            try await cluster.wait(for: "the unbond to commit", timeout: .seconds(30)) {
                (try? await client.account(key.publicKey))?.stake == 0
            }
            let unbonding = try await client.account(key.publicKey)
            #expect(unbonding.unbonding?.map(\.amount) == [before.stake])
            #expect(unbonding.balance == before.balance, "unbonded stake reached the balance at once")

            // Evidence over HTTP to every node: whichever proposes next carries it.
            for node in cluster.clients {
                let answer = try await node.submitEvidence(evidence)
                #expect(answer.height == offence && answer.validator == key.publicKey.hex)
            }
            try await cluster.wait(for: "the evidence to commit", timeout: .seconds(30)) {
                (try? await client.account(key.publicKey))?.slashedThroughHeight == offence
            }
            // 5 % of the power at the offence, burned from the unbonding entry; same on every node.
            let slashed = before.stake - before.stake / 20
            for node in cluster.clients {
                try await cluster.wait(for: "the slash on every node", timeout: .seconds(15)) {
                    (try? await node.account(key.publicKey))?.unbonding?.map(\.amount) == [slashed]
                }
            }
            // Bad evidence is refused with a typed error and pools nothing: a vote paired with itself
            // (not a conflict) and a real conflict signed for another chain.
            let otherChain = [Hash256.of([1]), Hash256.of([2])].map {
                Vote.signed(
                    chainID: "another-chain", height: offence, round: 0, type: .prevote, blockID: $0,
                    voteExtension: nil, key: key)
            }
            for (bad, code) in [
                (DuplicateVoteEvidence(votes[0], votes[0]), "malformed"),
                (DuplicateVoteEvidence(otherChain[0], otherChain[1]), "badSignature"),
            ] {
                do {
                    _ = try await client.submitEvidence(bad)
                    Issue.record("bad evidence was taken (\(code))")
                } catch let error as NodeClientError {
                    #expect(error.status == 400 && error.serverError?.code == code, "\(error)")
                }
            }
        }
    }
}
