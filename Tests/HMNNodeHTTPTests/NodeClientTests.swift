import HMNLedger
import HMNNodeHTTP
import HMNPrimitives
import Hummingbird
import Testing

@Suite("NodeClient against a live server")
struct NodeClientTests {
    @Test("status, a transaction round trip, memory, and typed errors over real HTTP")
    func roundTrip() async throws {
        let harness = try APIHarness()
        let transfer = Fixtures.transfer(amount: 12)
        try await harness.run(.live) { testClient in
            let port = try #require(testClient.port)
            let client = NodeClient(host: "127.0.0.1", port: port, timeoutSeconds: 5)

            let status = try await client.status()
            #expect(status.chainId == FakeNode.chainID)
            #expect(status.height == 0)
            #expect(try await client.health().status == "ok")

            let submitted = try await client.submit(transfer)
            #expect(submitted.id == transfer.id.hex)
            try await harness.node.commitBlock()
            let record = try await client.transaction(id: transfer.id)
            #expect(record.proofValid)
            #expect(record.transaction.amount == 12)
            #expect(try await client.block(height: 1).transactions.map(\.id) == [transfer.id.hex])
            let blockID = try Hash256(bytes: Hex.decode(record.blockId)!)
            #expect(try await client.block(id: blockID).height == 1)
            #expect(try await client.account(FakeNode.userKeys[1].publicKey).balance == 1_000_012)

            let put = try await client.putMemory(Fixtures.record(seed: 1, vector: [1, 0, 0, 0]))
            #expect(put.proofSubmitted == false)
            let hits = try await client.searchMemory(MemorySearchRequest(vector: [1, 0, 0, 0], k: 1))
            #expect(hits.hits.map(\.record.id) == [put.id])
            #expect(try await client.metrics().contains("hmn_http_requests_total"))

            // The server's error body arrives typed.
            let tampered = try Fixtures.tampered(Fixtures.transfer(nonce: 1))
            do throws(NodeClientError) {
                _ = try await client.submit(tampered)
                Issue.record("a tampered transaction was accepted")
            } catch {
                #expect(error.code == .server)
                #expect(error.status == 400)
                #expect(error.serverError?.code == "badSignature")
            }
            do throws(NodeClientError) {
                _ = try await client.transaction(id: Hash256.of([0]))
                Issue.record("an unknown transaction was found")
            } catch {
                #expect(error.status == 404)
                #expect(error.serverError?.code == "notFound")
            }
        }
    }

    @Test("waitForCommit polls until the transaction is committed, and gives up after its timeout")
    func waitForCommit() async throws {
        let harness = try APIHarness()
        let transfer = Fixtures.transfer(amount: 3)
        try await harness.run(.live) { testClient in
            let client = NodeClient(host: "127.0.0.1", port: try #require(testClient.port), timeoutSeconds: 5)
            _ = try await client.submit(transfer)
            let node = harness.node
            let committer = Task {
                try await Task.sleep(for: .milliseconds(300))
                try await node.commitBlock()
            }
            let record = try await client.waitForCommit(id: transfer.id, timeoutSeconds: 10, pollMilliseconds: 50)
            #expect(record.height == 1)
            try await committer.value

            let clock = ContinuousClock()
            let start = clock.now
            do throws(NodeClientError) {
                _ = try await client.waitForCommit(id: Hash256.of([1]), timeoutSeconds: 0.3, pollMilliseconds: 50)
                Issue.record("an unknown transaction was reported committed")
            } catch {
                #expect(error.status == 404)
            }
            #expect(clock.now - start < .seconds(5))
        }
    }

    @Test("a closed port is a transport error")
    func connectionRefused() async throws {
        let client = NodeClient(host: "127.0.0.1", port: 1, timeoutSeconds: 2)
        do throws(NodeClientError) {
            _ = try await client.status()
            Issue.record("status from a closed port")
        } catch {
            #expect(error.code == .transport)
        }
    }
}
