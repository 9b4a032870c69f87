import Foundation
import HMNLedger
import HMNMesh
import HMNNode
import HMNPrimitives
import HMNTransport
import Testing

/// The same node over real TCP sessions (authenticated, encrypted) on loopback, ephemeral ports.
@Suite("FullNode, 4 validators over TCP loopback", .serialized)
struct FullNodeTCPTests {
    @Test("a transfer and a memory record reach all four nodes over NetworkTransport")
    func fourNodesOverTCP() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hmn-tcp-\(UUID().uuidString)")
            .path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let layout = try Testnet.initialize(
            validators: 4, directory: directory, basePort: 40_000, options: LocalTestnet.fastOptions)
        let homes = try layout.homes.map { try NodeHome.load($0) }
        var transports: [NetworkTransport] = []
        for home in homes {
            transports.append(try await FullNode.bindNetworkTransport(home: home, port: 0, logger: LocalTestnet.quiet))
        }
        var nodes: [FullNode] = []
        for (index, home) in homes.enumerated() {
            var options = FullNode.Options()
            options.dialPeers = transports.enumerated().filter { $0.offset != index }.map {
                PeerAddress(key: homes[$0.offset].signingKey.publicKey, host: "127.0.0.1", port: $0.element.localPort)
            }
            nodes.append(
                try FullNode.open(
                    home: home, transport: transports[index], options: options, logger: LocalTestnet.quiet))
        }
        let tasks = nodes.map { node in Task { try? await node.run() } }
        defer { for task in tasks { task.cancel() } }

        try await LocalTestnet.eventually("all four commit height 2 over TCP", within: 180) {
            for node in nodes where await node.status().height < 2 { return false }
            return true
        }
        let transfer = SignedTransaction.make(
            chainID: homes[0].genesis.chainID, key: layout.faucetKey, nonce: 0,
            body: .transfer(recipient: SigningKey.derived(from: "tcp-recipient").publicKey, amount: 77))
        let id = try await nodes[2].submitTransaction(transfer.canonicalBytes)
        try await LocalTestnet.eventually("the transfer is committed everywhere", within: 180) {
            for node in nodes where try await node.transaction(id: id) == nil { return false }
            return true
        }
        var blockIDs: Set<Hash256> = []
        for node in nodes {
            let height = try #require(try await node.transaction(id: id)).height
            blockIDs.insert(try #require(try await node.block(atHeight: height)).id)
        }
        #expect(blockIDs.count == 1)

        let vector: [Float] = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]
        let record = MemoryRecord(
            id: Hash256.of(Array("tcp-memory".utf8)), vector: vector, author: homes[3].signingKey.publicKey,
            createdAtMilliseconds: WallClock.nowMilliseconds()
        ).signed(chainID: homes[3].genesis.chainID, key: homes[3].signingKey)
        _ = try await nodes[3].putMemory(record)
        try await LocalTestnet.eventually("the record is searchable everywhere", within: 180) {
            for node in nodes
            where try await node.searchMemory(MemorySearchQuery(vector: vector, k: 1)).hits.first?.record.id
                != record.id
            {
                return false
            }
            return true
        }
        #expect(await nodes[0].status().peers.count == 3)
        // With every validator up, late precommits reach the next proposals: Ĉ climbs toward 1
        // (with only the first +2/3 signatures it would settle at 0.75).
        try await LocalTestnet.eventually("Ĉ climbs above 0.9", within: 180) {
            await nodes[0].status().coherence > FixedPoint(ratio: 9, 10)
        }
        for task in tasks { task.cancel() }
        for task in tasks { await task.value }
    }
}
