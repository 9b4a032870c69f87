import HMNLedger
import HMNNode
import HMNNodeHTTP
import HMNPrimitives
import Hummingbird
import Testing

@Suite("POST /v1/transactions/batch")
struct TransactionBatchTests {
    @Test("each item gets its own result, in order; bad items never sink the good ones")
    func mixedBatch() async throws {
        let harness = try APIHarness()
        let first = Fixtures.transfer(amount: 5, nonce: 0)
        let second = Fixtures.transfer(amount: 6, nonce: 1)  // the same sender's next nonce, same batch
        let tampered = try Fixtures.tampered(Fixtures.transfer(from: 2, to: 0, amount: 1))
        let otherChain = Fixtures.transfer(from: 1, to: 0, amount: 1, chainID: "another-chain")
        let txs = [
            Hex.encode(first.canonicalBytes), "zz", Hex.encode(tampered.canonicalBytes),
            Hex.encode(second.canonicalBytes), Hex.encode(otherChain.canonicalBytes), "00",
            Hex.encode(first.canonicalBytes),
        ]
        try await harness.run { client in
            let answer = try await client.post("/v1/transactions/batch", SubmitTransactionBatchRequest(txs: txs))
            #expect(answer.status == .ok)
            let batch = try answer.decode(SubmitTransactionBatchResponse.self)
            #expect(batch.results.map(\.index) == Array(0..<txs.count))
            #expect(
                batch.results.map(\.status) == [
                    "pending", "rejected", "rejected", "pending", "rejected", "rejected", "rejected",
                ])
            #expect(
                batch.results.map { $0.error?.code } == [
                    nil, "invalidValue", "badSignature", nil, "wrongChain", "malformed", "rejected",
                ])
            #expect(batch.results[1].error?.field == "txs[1]")
            #expect(batch.results[0].id == first.id.hex && batch.results[3].id == second.id.hex)
            #expect(batch.results[2].id == tampered.id.hex)  // decodable items name their id
            #expect(batch.results[5].id == nil)
            #expect((batch.accepted, batch.rejected) == (2, 5))

            // The two good ones commit; nothing of the refused ones does.
            try await harness.node.commitBlock()
            for transaction in [first, second] {
                #expect(try await client.get("/v1/transactions/\(transaction.id.hex)").status == .ok)
            }
            for transaction in [tampered, otherChain] {
                #expect(try await client.get("/v1/transactions/\(transaction.id.hex)").status == .notFound)
            }
        }
    }

    @Test("a body that is not a batch, an empty batch and an oversize batch are refused whole")
    func refusedWhole() async throws {
        let harness = try APIHarness()
        try await harness.run { client in
            let cases: [(String, String)] = [
                (#"{"txs": []}"#, "invalidValue"),
                (#"{"tx": "00"}"#, "missingField"),
                (#"{"txs": "00"}"#, "wrongType"),
                (#"{"txs": [\#(Array(repeating: "\"00\"", count: 257).joined(separator: ","))]}"#, "invalidValue"),
            ]
            for (body, code) in cases {
                let answer = try await client.post("/v1/transactions/batch", json: body)
                #expect(answer.status == .badRequest, "\(body.prefix(40))")
                #expect(try answer.errorDetail().code == code, "\(body.prefix(40))")
            }
            // Nothing reached the mempool.
            #expect(await harness.node.status().mempoolSize == 0)
        }
    }

    @Test(
        "a node refusing every submission (backlog full) refuses the request whole: 429, Retry-After, nothing admitted")
    func refusedForBackPressure() async throws {
        let harness = try APIHarness()
        let transactions = (0..<3).map { Fixtures.transfer(amount: 1, nonce: UInt64($0)) }
        let body = SubmitTransactionBatchRequest(txs: transactions.map { Hex.encode($0.canonicalBytes) })
        try await harness.run { client in
            harness.node.refuseSubmissions(with: NodeError(.overloaded, "backlog full"))
            let refused = try await client.post("/v1/transactions/batch", body)
            #expect(refused.status == .tooManyRequests)
            #expect(refused.headers[.retryAfter] == "1")
            #expect(try refused.errorDetail().code == "overloaded")
            let single = try await client.post(
                "/v1/transactions", SubmitTransactionRequest(tx: Hex.encode(transactions[0].canonicalBytes)))
            #expect(single.status == .tooManyRequests)
            #expect(await harness.node.status().mempoolSize == 0)

            harness.node.refuseSubmissions(with: nil)
            let answer = try await client.post("/v1/transactions/batch", body)
            #expect(answer.status == .ok)
            #expect(try answer.decode(SubmitTransactionBatchResponse.self).accepted == 3)
        }
    }

    @Test("NodeClient.submitBatch over real HTTP")
    func client() async throws {
        let harness = try APIHarness()
        let transactions = (0..<3).map { Fixtures.transfer(amount: 1, nonce: UInt64($0)) }
        try await harness.run(.live) { testClient in
            let port = try #require(testClient.port)
            let client = NodeClient(host: "127.0.0.1", port: port, timeoutSeconds: 5)
            let batch = try await client.submitBatch(transactions)
            #expect(batch.accepted == 3)
            #expect(batch.results.compactMap(\.id) == transactions.map(\.id.hex))
        }
    }
}
