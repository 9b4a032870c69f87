import HMNMesh
import HMNNode
import HMNPrimitives
import Testing

/// Memory records written while a node was down reach it after it restarts, through the mesh
/// gossip's reconciliation (the default ``MeshGossipReplicator``); with a push-only replicator they
/// never would.
@Suite("FullNode, memory written while a node was down", .serialized)
struct MemoryRepairTests {
    @Test("records written while node 3 was stopped are on node 3, as written, soon after it restarts")
    func repairAfterRestart() async throws {
        try await LocalTestnet.withTestnet { net in
            try await net.waitForHeight(2)
            let chainID = net.homes[0].genesis.chainID
            let before = Self.record(0, author: net.homes[0].signingKey, chainID: chainID)
            _ = try await net.node(0).putMemory(before)
            try await LocalTestnet.eventually("the first record reaches node 3 by push", within: 60) {
                net.node(3).memory.store.record(id: before.id) != nil
            }
            await net.stop(3)
            let missed = (1...12).map { Self.record($0, author: net.homes[$0 % 3].signingKey, chainID: chainID) }
            for (index, record) in missed.enumerated() { _ = try await net.node(index % 3).putMemory(record) }
            try await LocalTestnet.eventually("the running nodes hold all 13", within: 60) {
                net.running.allSatisfy { $0.memory.store.count == 13 }
            }
            try net.start(3)
            #expect(net.node(3).memory.store.count == 1, "node 3 restarts with what it had")
            try await LocalTestnet.eventually("node 3 gets the 12 records it missed", within: 60) {
                net.node(3).memory.store.count == 13
            }
            for record in missed {
                #expect(try net.node(3).memory.store.writtenRecord(id: record.id) == record)
            }
            let hits = try await net.node(3).searchMemory(MemorySearchQuery(vector: missed[5].vector, k: 1)).hits
            #expect(hits.first?.record.id == missed[5].id)
        }
    }

    static func record(_ number: Int, author: SigningKey, chainID: String) -> MemoryRecord {
        let seed = Hash256.of(Array("repair-\(number)".utf8)).bytes
        return MemoryRecord(
            id: Hash256.of(Array("repair-\(number)".utf8)), vector: (0..<8).map { Float(seed[$0]) / 255 + 0.01 },
            payload: Array("record \(number)".utf8), author: author.publicKey,
            createdAtMilliseconds: WallClock.nowMilliseconds(), importance: FixedPoint(ratio: 1, 2)
        ).signed(chainID: chainID, key: author)
    }
}
