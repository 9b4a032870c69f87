import HMNMesh
import HMNPrimitives
import Testing

@testable import HMNNode

/// The replicator under an injected replica fault (``ReplicaFault``), over the same wire as
/// ``MeshGossipReplicatorTests``: node 2 is the faulty one.
@Suite("MeshGossipReplicator with a replica fault")
struct MeshGossipReplicatorFaultTests {
    typealias Base = MeshGossipReplicatorTests

    static func network(faulty fault: ReplicaFault) async throws -> ([Base.Node], GossipWire) {
        let time = ManualTime()
        var nodes: [Base.Node] = []
        for index in Base.keys.indices {
            let store = try Base.store()
            var configuration = GossipConfiguration(chainID: Base.chainID)
            if index == 2 { configuration.replicaFault = fault }
            let replicator = try MeshGossipReplicator(
                store: store, signingKey: Base.keys[index], chainID: Base.chainID,
                members: Set(Base.keys.map(\.publicKey)), configuration: configuration,
                nowMilliseconds: { time.now }, logger: LocalTestnet.quiet)
            nodes.append(Base.Node(key: Base.keys[index].publicKey, store: store, replicator: replicator))
        }
        let wire = GossipWire(nodes: nodes, time: time)
        for a in nodes {
            for b in nodes where a.key != b.key {
                await a.replicator.peerConnected(b.key, messenger: wire.messenger(from: a.key))
            }
        }
        await wire.drain()
        return (nodes, wire)
    }

    @Test(
        "corruptReplicas: honest replicas agree, the faulty one disagrees once records settle; peers refuse its copies and score it"
    )
    func corruptReplicas() async throws {
        let (nodes, wire) = try await Self.network(faulty: .corruptReplicas)
        // Records are updated at 1,000 ms; a few written on each node (the faulty one too).
        let written = (0..<12).map { Base.record("c-\($0)") }
        for (index, record) in written.enumerated() {
            try await Base.write(record, on: nodes[index % 3], wire: wire)
        }
        await wire.drain()
        await Base.tick(nodes, wire: wire, times: 16)

        let settled = nodes.map { $0.replicator.settledShardDigests(cutoffMilliseconds: 5_000) }
        #expect(settled.allSatisfy { $0.map(\.shard) == [0] })
        #expect(settled[0] == settled[1], "honest replicas agree")
        #expect(settled[2] != settled[0], "the faulty replica's digest follows what it holds")
        // Before anything settles every replica reports the empty set's digest, the faulty one too.
        let early = nodes.map { $0.replicator.settledShardDigests(cutoffMilliseconds: 999) }
        #expect(early[0] == early[1] && early[1] == early[2])

        // No corrupt copy reached an honest store; the faulty node's store keeps what it validated.
        for node in nodes {
            for record in written { #expect(try node.store.writtenRecord(id: record.id) == record) }
        }
        // Repair offered the faulty node's copies: whatever an honest node fetched, it refused.
        let refused = nodes[0].replicator.counters.rejected + nodes[1].replicator.counters.rejected
        #expect(refused > 0)
        #expect(nodes[2].replicator.counters.rejected == 0)
    }

    @Test("dropWrites: the faulty replica holds nothing and reports the empty digest; its local writes still spread")
    func dropWrites() async throws {
        let (nodes, wire) = try await Self.network(faulty: .dropWrites)
        let written = (0..<6).map { Base.record("d-\($0)") }
        for (index, record) in written.enumerated() {
            try await Base.write(record, on: nodes[index % 3], wire: wire)
        }
        await wire.drain()
        await Base.tick(nodes, wire: wire, times: 8)
        #expect(nodes[2].replicator.heldRecordCount == 0)
        for node in nodes.prefix(2) { #expect(node.store.count == 6) }
        let settled = nodes.map { $0.replicator.settledShardDigests(cutoffMilliseconds: 5_000) }
        #expect(settled[0] == settled[1])
        var empty = MeshRecordStore()
        #expect(settled[2] == [ShardDigest(shard: 0, digest: empty.settledDigest(of: 0, cutoffMilliseconds: 5_000))])
        #expect(settled[2] != settled[0])
    }
}
