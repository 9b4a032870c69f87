import Foundation
import HMNLedger
import HMNMesh
import HMNPrimitives
import Testing

@testable import HMNNode

/// Full nodes in one process: their precommits carry the settled digests of their memory
/// replicas, which agree between honest nodes while records are being written and disagree for a
/// node whose replica is configured to go bad.
@Suite("Full node: shard digests in precommits", .serialized)
struct FullNodeShardDigestTests {
    static let settleMilliseconds: UInt64 = 300

    static var options: Testnet.Options {
        var options = LocalTestnet.fastOptions
        options.coherence.meshDigestSettleMilliseconds = settleMilliseconds
        // One shard on all four nodes, so every precommit carries the same shard's digest (the
        // sharded layout is covered by ShardedMemoryTests and the 7-validator process test).
        options.mesh = GenesisDocument.Mesh(shards: 1, replicationFactor: 4)
        return options
    }

    /// Writes `count` signed records, one every 50 ms, round-robin through nodes 0…2; returns the
    /// time of the last write.
    static func writeRecords(_ net: LocalTestnet, count: Int) async throws -> UInt64 {
        let author = SigningKey.derived(from: "digest-author")
        let chainID = net.homes[0].genesis.chainID
        var last: UInt64 = 0
        for index in 0..<count {
            last = WallClock.nowMilliseconds()
            let record = MemoryRecord(
                id: Hash256.of(Array("digest-\(index)".utf8)), vector: (0..<8).map { Float(($0 + index) % 5) + 0.5 },
                payload: Array("record \(index)".utf8), author: author.publicKey, createdAtMilliseconds: last,
                importance: FixedPoint(ratio: 1, 2)
            ).signed(chainID: chainID, key: author)
            _ = try await net.node(index % 3).putMemory(record)
            try await Task.sleep(for: .milliseconds(50))
        }
        return last
    }

    /// Waits until blocks are cut off after `time`, and returns node 0's blocks from the first whose
    /// last commit's digests cover everything written up to `time`.
    static func blocksCovering(_ time: UInt64, _ net: LocalTestnet, extra: UInt64 = 4) async throws -> [StoredBlock] {
        var first: UInt64?
        try await LocalTestnet.eventually("blocks whose digests cover the writes") {
            let height = await net.height(0)
            guard height > 2 else { return false }
            if first == nil {
                // The precommits carried by block h were cut off at time(h − 2) − settle.
                for h in 3...height {
                    guard let before = try await net.node(0).block(atHeight: h - 2) else { continue }
                    if before.block.header.timeMilliseconds >= time + settleMilliseconds {
                        first = h
                        break
                    }
                }
            }
            guard let first else { return false }
            return height >= first + extra
        }
        var blocks: [StoredBlock] = []
        for h in first!...(first! + extra) { blocks.append(try #require(try await net.node(0).block(atHeight: h))) }
        return blocks
    }

    /// The digest of an empty shard 0 for the precommits carried by `block`.
    static func emptyDigest(for block: StoredBlock, _ net: LocalTestnet) async throws -> Hash256 {
        let before = try #require(try await net.node(0).block(atHeight: block.height - 2))
        var empty = MeshRecordStore()
        return empty.settledDigest(
            of: 0, cutoffMilliseconds: before.block.header.timeMilliseconds - settleMilliseconds)
    }

    @Test("honest replicas: every precommit carries one digest, all equal, covering the records written")
    func honestAgree() async throws {
        try await LocalTestnet.withTestnet(options: Self.options) { net in
            try await net.waitForHeight(2)
            let last = try await Self.writeRecords(net, count: 12)
            for block in try await Self.blocksCovering(last, net) {
                let signatures = try #require(block.block.lastCommit).signatures
                let digests = signatures.map(\.voteExtension.shardDigests)
                #expect(digests.allSatisfy { $0.map(\.shard) == [0] }, "height \(block.height): \(digests)")
                #expect(Set(digests).count == 1, "honest replicas disagree at height \(block.height)")
                #expect(digests.first?.first?.digest != (try await Self.emptyDigest(for: block, net)))
            }
        }
    }

    @Test("a node configured with corruptReplicas reports another digest; its Ψ falls, Ĉ drops below 1")
    func corruptReplicaDisagrees() async throws {
        try await LocalTestnet.withTestnet(options: Self.options) { index, configuration in
            if index == 3 { configuration.faults = NodeFaults(memory: .corruptReplicas) }
        } _: { net in
            try await net.waitForHeight(2)
            let faulty = net.homes[3].signingKey.publicKey
            let last = try await Self.writeRecords(net, count: 6)
            let blocks = try await Self.blocksCovering(last, net)
            for block in blocks {
                let signatures = try #require(block.block.lastCommit).signatures
                let honest = Set(signatures.filter { $0.validator != faulty }.map(\.voteExtension.shardDigests))
                #expect(honest.count == 1, "honest replicas disagree at height \(block.height)")
                if let bad = signatures.first(where: { $0.validator == faulty }) {
                    #expect(!honest.contains(bad.voteExtension.shardDigests))
                }
            }
            #expect(
                blocks.contains { $0.block.lastCommit?.signatures.contains { $0.validator == faulty } == true },
                "the faulty node signed none of the commits examined")
            let final = try #require(blocks.last)
            #expect(final.block.header.coherence < .one)
            let validators = await net.node(0).status().validators
            let psi = try #require(validators.first { $0.key == faulty }?.psi)
            #expect(validators.filter { $0.key != faulty }.allSatisfy { $0.psi > psi })
        }
    }
}
