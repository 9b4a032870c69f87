import HMNLedger
import HMNNodeHTTP
import HMNPrimitives
import Hummingbird
import Testing

@Suite("Ledger routes: transactions, blocks, accounts, status")
struct LedgerRoutesTests {
    @Test("submit a transfer, commit it, read it back with a valid inclusion proof")
    func submitAndReadTransaction() async throws {
        let harness = try APIHarness()
        let transfer = Fixtures.transfer(amount: 40)
        let other = Fixtures.transfer(from: 2, to: 0, amount: 7)
        try await harness.run { client in
            let accepted = try await client.post("/v1/transactions", SubmitTransactionRequest(transfer))
            #expect(accepted.status == .accepted)
            let answer = try accepted.decode(SubmitTransactionResponse.self)
            #expect(answer.id == transfer.id.hex)
            #expect(answer.status == "pending")
            _ = try await client.post("/v1/transactions", SubmitTransactionRequest(other))

            // Not committed yet: 404 with a JSON body.
            let pending = try await client.get("/v1/transactions/\(transfer.id.hex)")
            #expect(pending.status == .notFound)
            #expect(try pending.errorDetail().code == "notFound")

            let blockID = try await harness.node.commitBlock()
            let found = try await client.get("/v1/transactions/\(transfer.id.hex)")
            #expect(found.status == .ok)
            let record = try found.decode(TransactionRecordJSON.self)
            #expect(record.transaction.type == "transfer")
            #expect(record.transaction.from == FakeNode.userKeys[0].publicKey.hex)
            #expect(record.transaction.to == FakeNode.userKeys[1].publicKey.hex)
            #expect(record.transaction.amount == 40)
            #expect(record.transaction.nonce == 0)
            #expect(record.transaction.tx == Hex.encode(transfer.canonicalBytes))
            #expect(record.height == 1)
            #expect(record.blockId == blockID.hex)
            #expect(record.result.code == 0)
            #expect(record.proofValid)
            #expect(record.proof.leafCount == 2)

            // The proof checks on the client side from the JSON alone.
            let proof = MerkleProof(
                index: record.proof.leafIndex, leafCount: record.proof.leafCount,
                path: try record.proof.siblings.map { try Hash256(bytes: Hex.decode($0)!) })
            let root = try Hash256(bytes: Hex.decode(record.proof.root)!)
            #expect(proof.verify(leaf: Hex.decode(record.transaction.tx)!, root: root))
            #expect(!proof.verify(leaf: other.canonicalBytes, root: root) || record.proof.leafIndex == 1)
        }
    }

    @Test("submit with waitMilliseconds: 200 with the committed record when a block lands in time")
    func submitAndWaitCommitted() async throws {
        let harness = try APIHarness()
        await harness.node.commitDuringWaits(true)
        let transfer = Fixtures.transfer(amount: 40)
        try await harness.run { client in
            let response = try await client.post(
                "/v1/transactions?waitMilliseconds=2000", SubmitTransactionRequest(transfer))
            #expect(response.status == .ok)
            let answer = try response.decode(SubmitTransactionResponse.self)
            #expect(answer.id == transfer.id.hex)
            #expect(answer.status == "committed")
            let record = try #require(answer.record)
            #expect(record.height == 1 && record.proofValid && record.result.code == 0)
            #expect(record.transaction.tx == Hex.encode(transfer.canonicalBytes))
            // The same record a separate long poll would have answered.
            let read = try await client.get("/v1/transactions/\(transfer.id.hex)")
            #expect(try read.decode(TransactionRecordJSON.self) == record)
        }
        #expect(await harness.node.waits == [2_000])
    }

    @Test("submit with waitMilliseconds: 202 pending when nothing commits in time; no wait without the parameter")
    func submitAndWaitPending() async throws {
        let harness = try APIHarness()
        let first = Fixtures.transfer(amount: 5)
        let second = Fixtures.transfer(amount: 6, nonce: 1)
        try await harness.run { client in
            let waited = try await client.post("/v1/transactions?waitMilliseconds=50", SubmitTransactionRequest(first))
            #expect(waited.status == .accepted)
            let answer = try waited.decode(SubmitTransactionResponse.self)
            #expect(answer.id == first.id.hex && answer.status == "pending" && answer.record == nil)
            #expect(!waited.text.contains("record"))
            let plain = try await client.post("/v1/transactions", SubmitTransactionRequest(second))
            #expect(plain.status == .accepted)
        }
        #expect(await harness.node.waits == [50])
        #expect(await harness.node.snapshot().mempool == [first.id, second.id])
    }

    @Test("a block by height and by id: same block, header, transactions and certificate")
    func blocks() async throws {
        let harness = try APIHarness()
        let transfer = Fixtures.transfer()
        _ = try await harness.node.submitTransaction(transfer.canonicalBytes)
        let blockID = try await harness.node.commitBlock()
        try await harness.node.commitBlock()
        try await harness.run { client in
            let byHeight = try await client.get("/v1/blocks/1")
            #expect(byHeight.status == .ok)
            let block = try byHeight.decode(BlockJSON.self)
            #expect(block.id == blockID.hex)
            #expect(block.height == 1)
            #expect(block.header.height == 1)
            #expect(block.transactions.map(\.id) == [transfer.id.hex])
            #expect(block.lastCommit == nil)
            #expect(block.certificate.blockId == blockID.hex)
            #expect(block.certificate.signatures.map(\.validator) == [FakeNode.validatorKey.publicKey.hex])
            #expect(block.header.lambda.ppm != nil && block.header.lambda.value != nil)
            #expect(block.sizeBytes > 0)
            #expect(block.localCommit?.committedAtMilliseconds == block.header.timeMilliseconds + 7)
            #expect(block.localCommit?.finalityMilliseconds == 7)

            let byID = try await client.get("/v1/blocks/by-id/\(blockID.hex)")
            #expect(try byID.decode(BlockJSON.self) == block)

            let second = try await client.get("/v1/blocks/2").decode(BlockJSON.self)
            #expect(second.lastCommit?.blockId == blockID.hex)
            #expect(second.header.previousHash == blockID.hex)
        }
    }

    @Test("an account reflects committed transfers")
    func account() async throws {
        let harness = try APIHarness()
        _ = try await harness.node.submitTransaction(Fixtures.transfer(amount: 1_000).canonicalBytes)
        try await harness.node.commitBlock()
        try await harness.run { client in
            let sender = try await client.get("/v1/accounts/\(FakeNode.userKeys[0].publicKey.hex)")
            #expect(sender.status == .ok)
            let account = try sender.decode(AccountJSON.self)
            #expect(account.key == FakeNode.userKeys[0].publicKey.hex)
            #expect(account.balance == 999_000)
            #expect(account.nonce == 1)
            // Upper-case hex is accepted; the answer is lower-case.
            let recipient = try await client.get("/v1/accounts/\(FakeNode.userKeys[1].publicKey.hex.uppercased())")
            #expect(try recipient.decode(AccountJSON.self).balance == 1_001_000)
            #expect(try recipient.decode(AccountJSON.self).key == FakeNode.userKeys[1].publicKey.hex)
        }
    }

    @Test("status and health")
    func statusAndHealth() async throws {
        let harness = try APIHarness()
        try await harness.node.commitBlock()
        try await harness.run { client in
            let response = try await client.get("/v1/status")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
            let status = try response.decode(StatusJSON.self)
            #expect(status.chainId == FakeNode.chainID)
            #expect(status.height == 1)
            #expect(status.coherence == FixedPointJSON(ppm: 950_000, value: 0.95))
            #expect(status.lambda.ppm == 1_000_000)
            #expect(status.validators.first?.key == FakeNode.validatorKey.publicKey.hex)
            #expect(status.validators.first?.psi.ppm == 900_000)
            #expect(status.peers == [FakeNode.userKeys[0].publicKey.hex])
            #expect(status.lastFinalityMilliseconds == 42)

            let health = try await client.get("/health")
            #expect(health.status == .ok)
            #expect(try health.decode(HealthJSON.self) == HealthJSON(status: "ok", height: 1))
        }
    }
}
