import Foundation
import HMNLedger
import HMNMesh
import HMNNode
import HMNPrimitives
import HMNTransport
import MetricsTestKit
import Testing

/// Four full nodes in one process over an in-memory network, each opened from its own home.
@Suite("FullNode, 4 validators in process", .serialized)
struct FullNodeNetworkTests {
    @Test("a transfer finalizes on all nodes with identical blocks; memory replicates; a restarted node catches up")
    func fourNodes() async throws {
        try await LocalTestnet.withTestnet { net in
            try await scenario(net)
        }
    }

    func scenario(_ net: LocalTestnet) async throws {
        try await net.waitForHeight(2)

        // A transfer submitted to node 0 is committed and visible on all four.
        let faucet = net.layout.faucetKey
        let recipient = SigningKey.derived(from: "recipient").publicKey
        let transfer = SignedTransaction.make(
            chainID: net.homes[0].genesis.chainID, key: faucet, nonce: 0,
            body: .transfer(recipient: recipient, amount: 12_345))
        let id = try await net.node(0).submitTransaction(transfer.canonicalBytes)
        #expect(id == transfer.id)
        // The same bytes again are refused by the mempool: a duplicate never applies twice.
        await #expect(throws: NodeError.self) { try await net.node(0).submitTransaction(transfer.canonicalBytes) }
        try await LocalTestnet.eventually("the transfer is committed on all nodes") {
            for node in net.running where try await node.transaction(id: id) == nil { return false }
            return true
        }
        var inclusion: Set<Hash256> = []
        for node in net.running {
            let record = try #require(try await node.transaction(id: id))
            #expect(record.isProofValid)
            #expect(try await node.account(recipient)?.balance == 12_345)
            let block = try #require(try await node.block(atHeight: record.height))
            inclusion.insert(block.id)
        }
        #expect(inclusion.count == 1, "every node holds the same block at the transfer's height")

        // Garbage bytes aimed at the wire protocol are rejected with a typed error, never a crash.
        #expect(throws: NodeMessageError.self) { try NodeMessage.decode([0xFF, 1, 2, 3]) }

        // A memory put on node 1 is searchable on every node.
        let author = net.homes[1].signingKey
        let vector: [Float] = [0.9, 0.1, 0.3, 0.7, 0.2, 0.5, 0.4, 0.8]
        let record = MemoryRecord(
            id: Hash256.of(Array("memory-1".utf8)), vector: vector, payload: Array("hello".utf8),
            author: author.publicKey, createdAtMilliseconds: WallClock.nowMilliseconds(),
            importance: FixedPoint(ratio: 1, 2)
        ).signed(chainID: net.homes[1].genesis.chainID, key: author)
        let put = try await net.node(1).putMemory(record)
        #expect(put.id == record.id && !put.proofSubmitted)
        try await LocalTestnet.eventually("the record is searchable on all nodes") {
            for node in net.running {
                let hits = try await node.searchMemory(MemorySearchQuery(vector: vector, k: 1)).hits
                if hits.first?.record.id != record.id { return false }
            }
            return true
        }
        // A vector of the wrong dimension is refused and nothing is stored.
        var wrong = record
        wrong.id = Hash256.of(Array("wrong".utf8))
        wrong.vector = [1, 2, 3]
        wrong = wrong.signed(chainID: net.homes[1].genesis.chainID, key: author)
        await #expect(throws: NodeError.self) { try await net.node(1).putMemory(wrong) }

        // A critical record: its proof is committed on Layer 1 by the node's own transaction.
        var critical = MemoryRecord(
            id: Hash256.of(Array("memory-critical".utf8)), vector: vector.reversed(), author: author.publicKey,
            createdAtMilliseconds: WallClock.nowMilliseconds(), importance: .one)
        critical.proof = MemoryProof(
            record: critical, rphv: FixedPoint(ratio: 95, 100), timestampMilliseconds: critical.createdAtMilliseconds,
            chainID: net.homes[1].genesis.chainID, key: author)
        critical = critical.signed(chainID: net.homes[1].genesis.chainID, key: author)
        let criticalPut = try await net.node(1).putMemory(critical)
        #expect(criticalPut.proofSubmitted)
        try await LocalTestnet.eventually("the memory proof is committed") {
            try await net.node(1).memoryProof(id: critical.id)?.committedHeight != nil
        }
        let proofStatus = try #require(try await net.node(1).memoryProof(id: critical.id))
        #expect(proofStatus.transactionID == criticalPut.proofTransactionID)

        // Node 3 stops; the other three keep finalizing (3 of 4 is a quorum).
        await net.stop(3)
        let heightAtStop = await net.height(0)
        try await LocalTestnet.eventually("three nodes keep finalizing") {
            await net.height(0) >= heightAtStop + 3
        }
        // Node 3 restarts from its home (ledger + WAL) and catches up through block sync.
        try net.start(3)
        let target = await net.height(0)
        try await LocalTestnet.eventually("the restarted node catches up") { await net.height(3) >= target }
        for height in UInt64(1)...target {
            let reference = try await net.node(0).block(atHeight: height)?.id
            #expect(reference != nil)
            #expect(try await net.node(3).block(atHeight: height)?.id == reference, "height \(height)")
        }
        // It also still serves what was committed before the stop.
        #expect(try await net.node(3).transaction(id: id) != nil)

        // Each node records when it committed a block through consensus; the blocks node 3 fetched
        // by block sync have no such record.
        let latest = await net.height(0)
        let timing = try #require(await net.node(0).commitTiming(height: latest))
        #expect(timing.finalityMilliseconds != nil)
        let earlier = try #require(await net.node(0).commitTiming(height: latest - 1))
        #expect(earlier.committedAtMilliseconds <= timing.committedAtMilliseconds)
        #expect(await net.node(3).commitTiming(height: heightAtStop + 2) == nil)

        // Status reports λ, Ĉ, validators with Ψ, and peers.
        let status = await net.node(0).status()
        #expect(status.validators.count == 4)
        #expect(status.peers.count == 3)
        #expect(status.lambda > .zero && status.coherence > .zero)

        // Node 0's metrics, under the names operators scrape.
        let metrics = net.metrics
        #expect(try metrics.expectGauge("hmn_height").lastValue ?? 0 >= 1)
        #expect((0.1...1.5).contains(try metrics.expectGauge("hmn_lambda").lastValue ?? 0))
        #expect(try metrics.expectGauge("hmn_coherence").lastValue ?? -1 >= 0)
        #expect(try metrics.expectGauge("hmn_peers").lastValue == 3)
        #expect(try metrics.expectGauge("hmn_memory_records").lastValue ?? 0 >= 2)
        #expect(try metrics.expectGauge("hmn_mempool_size").lastValue != nil)
        #expect(try metrics.expectGauge("hmn_round").lastValue != nil)
        #expect(try !metrics.expectTimer("hmn_commit_latency_seconds").values.isEmpty)
        #expect(try metrics.expectCounter("hmn_gossip_bytes_total", [("direction", "in")]).totalValue > 0)
        #expect(try metrics.expectCounter("hmn_gossip_bytes_total", [("direction", "out")]).totalValue > 0)
        // Node 0 got node 1's memory records through the mesh gossip and stored them.
        #expect(try metrics.expectCounter("hmn_memory_gossip_records_total", [("outcome", "integrated")]).totalValue >= 2)
        let psiKey = String(net.homes[1].signingKey.publicKey.hex.prefix(8))
        #expect(try metrics.expectGauge("hmn_psi", [("validator", psiKey)]).lastValue ?? -1 >= 0)

        // The mining agent minted node 0's T0 for the first closed epoch (heights 1…5).
        try await LocalTestnet.eventually("node 0 mints T0 for epoch 1") {
            try await net.node(0).account(net.homes[0].signingKey.publicKey)?.lastMintEpoch ?? 0 >= 1
        }

        // A peer sending garbage and oversize junk: dropped and counted, the node keeps finalizing.
        let attacker = try await net.network.join(SigningKey.derived(from: "attacker").publicKey)
        await net.network.connect(attacker.localKey, net.homes[0].signingKey.publicKey)
        try await attacker.send([0xFF, 0, 1, 2], to: net.homes[0].signingKey.publicKey)
        try await attacker.send([], to: net.homes[0].signingKey.publicKey)
        try await attacker.send([1, 0, 0, 0], to: net.homes[0].signingKey.publicKey)
        let before = await net.height(0)
        try await LocalTestnet.eventually("node 0 drops the junk and keeps going") {
            let height = await net.height(0)
            return net.node(0).droppedMessageCount >= 3 && height > before
        }
    }
}

@Suite("FullNode, loss and return of a quorum", .serialized)
struct FullNodeQuorumTests {
    @Test("with 2 of 4 stopped nothing is committed and nothing forks; restarted, progress resumes by itself")
    func quorumLostAndRegained() async throws {
        try await LocalTestnet.withTestnet { net in
            try await net.waitForHeight(2)
            await net.stop(2)
            await net.stop(3)
            // Without a quorum at most the height already precommitted can still complete.
            let atStop = max(await net.height(0), await net.height(1))
            try await Task.sleep(for: .milliseconds(1_500))
            let stalled = max(await net.height(0), await net.height(1))
            #expect(stalled <= atStop + 1)
            try await Task.sleep(for: .milliseconds(500))
            #expect(max(await net.height(0), await net.height(1)) <= atStop + 1)
            // Transaction gossip, observed while nothing can commit: submitted to node 0, it
            // reaches node 1's mempool.
            let transfer = SignedTransaction.make(
                chainID: net.homes[0].genesis.chainID, key: net.layout.faucetKey, nonce: 0,
                body: .transfer(recipient: SigningKey.derived(from: "stalled").publicKey, amount: 5))
            let id = try await net.node(0).submitTransaction(transfer.canonicalBytes)
            try await LocalTestnet.eventually("node 1's mempool holds the gossiped transaction") {
                await net.node(1).status().mempoolSize == 1
            }
            #expect(await net.node(0).status().mempoolSize == 1)
            try net.start(2)
            try net.start(3)
            try await LocalTestnet.eventually("progress resumes on all four", within: 180) {
                for index in 0..<4 where await net.height(index) < stalled + 2 { return false }
                return true
            }
            for height in UInt64(1)...(stalled + 1) {
                var ids: Set<Hash256> = []
                for index in 0..<4 {
                    ids.insert(try #require(try await net.node(index).block(atHeight: height)).id)
                }
                #expect(ids.count == 1, "one block at height \(height)")
            }
            try await LocalTestnet.eventually("the gossiped transaction commits") {
                try await net.node(3).transaction(id: id) != nil
            }
        }
    }
}

@Suite("FullNode, transactions pending when a peer connects", .serialized)
struct PendingTransactionGossipTests {
    @Test("a transaction submitted while a peer was cut off reaches it when the link returns")
    func pendingReachesReconnectedPeer() async throws {
        try await LocalTestnet.withTestnet { net in
            try await net.waitForHeight(2)
            // Without a quorum nothing commits, so the transaction stays pending on node 0.
            await net.stop(2)
            await net.stop(3)
            try await Task.sleep(for: .milliseconds(500))
            let key0 = net.homes[0].signingKey.publicKey
            let key1 = net.homes[1].signingKey.publicKey
            await net.network.disconnect(key0, key1)
            let transfer = SignedTransaction.make(
                chainID: net.homes[0].genesis.chainID, key: net.layout.faucetKey, nonce: 0,
                body: .transfer(recipient: SigningKey.derived(from: "late peer").publicKey, amount: 5))
            _ = try await net.node(0).submitTransaction(transfer.canonicalBytes)
            try await Task.sleep(for: .milliseconds(300))
            #expect(await net.node(0).status().mempoolSize == 1)
            // Gossiped once, on receipt, while node 1 was unreachable: it never heard of it.
            #expect(await net.node(1).status().mempoolSize == 0)
            await net.network.connect(key0, key1)
            try await LocalTestnet.eventually("node 1 gets the pending transaction when the link returns", within: 60) {
                await net.node(1).status().mempoolSize == 1
            }
        }
    }
}

@Suite("FullNode, transactions while catching up", .serialized)
struct CatchingUpTests {
    @Test("a node whose last commit came by block sync refuses transactions (unavailable) until it commits by consensus")
    func refusesWhileSyncing() async throws {
        try await LocalTestnet.withTestnet { net in
            try await net.waitForHeight(2)
            await net.stop(3)
            let target = await net.height(0) + 5
            try await LocalTestnet.eventually("the others move 5 heights on", within: 60) {
                await net.height(0) >= target
            }
            // Without nodes 1 and 2 nothing more commits: node 3 can only catch up by block sync.
            await net.stop(1)
            await net.stop(2)
            let halted = await net.height(0)
            try net.start(3)
            try await LocalTestnet.eventually("node 3 syncs to the halted tip", within: 60) {
                await net.height(3) == halted
            }
            let status = await net.node(3).status()
            #expect(status.syncing)
            let transfer = SignedTransaction.make(
                chainID: net.homes[0].genesis.chainID, key: net.layout.faucetKey, nonce: 0,
                body: .transfer(recipient: SigningKey.derived(from: "while syncing").publicKey, amount: 5))
            await #expect(
                performing: { _ = try await net.node(3).submitTransaction(transfer.canonicalBytes) },
                throws: { ($0 as? NodeError)?.code == .unavailable })
            #expect(await !net.node(0).status().syncing, "node 0 committed by consensus")

            // With the quorum back, node 3 commits by consensus and accepts again.
            try net.start(1)
            try net.start(2)
            try await LocalTestnet.eventually("node 3 commits a height by consensus", within: 60) {
                await !net.node(3).status().syncing
            }
            _ = try await net.node(3).submitTransaction(transfer.canonicalBytes)
        }
    }
}
