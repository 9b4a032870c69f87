import HMNMesh
import HMNPrimitives
import Synchronization
import Testing

@testable import HMNNode

/// Three ``MeshGossipReplicator``s over in-memory vector stores, wired by a ``GossipWire`` that
/// queues what each sends and delivers it when the test drains the wire: no clock, no task timing.
@Suite("MeshGossipReplicator")
struct MeshGossipReplicatorTests {
    static let chainID = "hmn-gossip-test"
    static let keys = (0..<3).map { SigningKey.derived(from: "gossip-node-\($0)") }
    static let author = SigningKey.derived(from: "gossip-author")

    static func store() throws -> VectorStore {
        try VectorStore(
            path: ":memory:", configuration: VectorStoreConfiguration(dimension: 4, durable: false, chainID: chainID),
            logger: LocalTestnet.quiet)
    }

    static func replicator(_ index: Int, store: VectorStore, time: ManualTime) throws -> MeshGossipReplicator {
        try MeshGossipReplicator(
            store: store, signingKey: keys[index], chainID: chainID, members: Set(keys.map(\.publicKey)),
            nowMilliseconds: { time.now }, logger: LocalTestnet.quiet)
    }

    static func record(_ label: String, payload: [UInt8] = [1], version: UInt64 = 1) -> MemoryRecord {
        let hash = Hash256.of(Array(label.utf8)).bytes
        return MemoryRecord(
            id: Hash256.of(Array(label.utf8)), vector: (0..<4).map { Float(hash[$0]) + 1 }, payload: payload,
            author: author.publicKey, version: version, createdAtMilliseconds: 1_000,
            importance: FixedPoint(ratio: 1, 2)
        ).signed(chainID: chainID, key: author)
    }

    /// Writes on node `index` as `MemoryMeshService.put` does: store, then replicate.
    static func write(_ record: MemoryRecord, on node: Node, wire: GossipWire) async throws {
        try node.store.upsert(record)
        await node.replicator.replicate(record, messenger: wire.messenger(from: node.key))
    }

    struct Node: Sendable {
        let key: PublicKey
        let store: VectorStore
        let replicator: MeshGossipReplicator
    }

    static func network() async throws -> ([Node], GossipWire) {
        let time = ManualTime()
        var nodes: [Node] = []
        for index in keys.indices {
            let store = try store()
            nodes.append(
                Node(key: keys[index].publicKey, store: store, replicator: try replicator(index, store: store, time: time)))
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

    /// Ticks every node `count` times, 250 ms apart (the calm pace), delivering everything after each round.
    static func tick(_ nodes: [Node], wire: GossipWire, times count: Int) async {
        for _ in 0..<count {
            wire.time.advance(by: 250)
            for node in nodes { await node.replicator.tick(messenger: wire.messenger(from: node.key)) }
            await wire.drain()
        }
    }

    @Test("a write reaches every replica by eager push; one that was cut off gets it by repair when it returns")
    func pushAndRepair() async throws {
        let (nodes, wire) = try await Self.network()
        let first = Self.record("first")
        try await Self.write(first, on: nodes[0], wire: wire)
        await wire.drain()
        for node in nodes { #expect(try node.store.writtenRecord(id: first.id) == first) }

        // Node 2 is cut off: it misses the next writes entirely.
        wire.cut(nodes[2].key)
        for node in nodes.prefix(2) { await node.replicator.peerDisconnected(nodes[2].key) }
        await nodes[2].replicator.peerDisconnected(nodes[0].key)
        await nodes[2].replicator.peerDisconnected(nodes[1].key)
        let missed = (0..<20).map { Self.record("missed-\($0)") }
        for (index, record) in missed.enumerated() {
            try await Self.write(record, on: nodes[index % 2], wire: wire)
        }
        await Self.tick(nodes, wire: wire, times: 8)
        #expect(nodes[1].store.count == 21)
        #expect(nodes[2].store.count == 1, "a cut-off node hears nothing")

        wire.restore(nodes[2].key)
        for node in nodes.prefix(2) {
            await node.replicator.peerConnected(nodes[2].key, messenger: wire.messenger(from: node.key))
            await nodes[2].replicator.peerConnected(node.key, messenger: wire.messenger(from: nodes[2].key))
        }
        await wire.drain()
        // Reconciliation runs every 4 ticks, with one co-replica at a time.
        await Self.tick(nodes, wire: wire, times: 16)
        for record in missed {
            #expect(try nodes[2].store.writtenRecord(id: record.id) == record, "repaired exactly as written")
        }
        #expect(nodes[2].replicator.counters.integrated == 21, "the first record by push, the other 20 by repair")
        let digests = nodes.map(\.replicator.shardDigests)
        #expect(digests[0] == digests[1] && digests[1] == digests[2], "all replicas hold the same set")
        #expect(wire.deliveredBytes > 0)
    }

    @Test("a restarted replicator seeds itself from the store and repairs only the difference")
    func restoreFromStore() async throws {
        let (nodes, wire) = try await Self.network()
        for index in 0..<30 { try await Self.write(Self.record("r-\(index)"), on: nodes[0], wire: wire) }
        await wire.drain()
        #expect(nodes.allSatisfy { $0.store.count == 30 })

        // Node 1 restarts over the same store (its engine state is gone) and connects again.
        let restarted = Node(
            key: nodes[1].key, store: nodes[1].store,
            replicator: try Self.replicator(1, store: nodes[1].store, time: wire.time))
        #expect(restarted.replicator.heldRecordCount == 30)
        #expect(restarted.replicator.shardDigests == nodes[0].replicator.shardDigests)
        let wire2 = GossipWire(nodes: [nodes[0], restarted, nodes[2]], time: wire.time)
        for other in [nodes[0], nodes[2]] {
            await restarted.replicator.peerConnected(other.key, messenger: wire2.messenger(from: restarted.key))
            await other.replicator.peerConnected(restarted.key, messenger: wire2.messenger(from: other.key))
        }
        await Self.tick([nodes[0], restarted, nodes[2]], wire: wire2, times: 8)
        #expect(restarted.replicator.counters.integrated == 0, "nothing to repair: nothing sent twice")
        #expect(wire2.deliveredRepairPushes == 0)
    }

    @Test("malformed gossip and invalid records cost the sender and store nothing")
    func badInput() async throws {
        let (nodes, wire) = try await Self.network()
        let messenger = wire.messenger(from: nodes[0].key)
        await nodes[0].replicator.receiveGossip([0xFF, 1, 2], from: nodes[1].key, messenger: messenger)
        #expect(nodes[0].replicator.counters.rejected == 1)

        var wrongDimension = Self.record("short")
        wrongDimension.vector = [1, 2]
        var critical = Self.record("critical")
        critical.importance = .one
        var forged = Self.record("forged")
        forged.proof = MemoryProof(
            record: Self.record("other"), rphv: .one, timestampMilliseconds: 1, chainID: Self.chainID, key: Self.author)
        // Each is signed by its author, so what is refused is the record itself.
        let signed = [wrongDimension, critical, forged].map { $0.signed(chainID: Self.chainID, key: Self.author) }
        for bad in signed {
            let bytes = GossipMessage.push(shard: 0, records: [bad], kind: .eager).canonicalBytes
            await nodes[0].replicator.receiveGossip(bytes, from: nodes[1].key, messenger: messenger)
        }
        #expect(nodes[0].replicator.counters.rejected == 4)
        #expect(nodes[0].store.count == 0)
        #expect(nodes[0].replicator.counters.integrated == 0)
    }

    @Test("two writes of one id and version with other content: every store ends with the same one")
    func conflictingWrites() async throws {
        let (nodes, wire) = try await Self.network()
        wire.cut(nodes[1].key)
        let a = Self.record("contested", payload: Array("from node 0".utf8))
        let b = Self.record("contested", payload: Array("from node 1".utf8))
        try await Self.write(a, on: nodes[0], wire: wire)
        try await Self.write(b, on: nodes[1], wire: wire)
        await wire.drain()
        wire.restore(nodes[1].key)
        await Self.tick(nodes, wire: wire, times: 16)
        let held = try nodes.map { try #require(try $0.store.writtenRecord(id: a.id)) }
        #expect(Set(held.map(\.contentHash)).count == 1, "the engine's tie-break decided, and the stores followed")
        #expect([a.contentHash, b.contentHash].contains(held[0].contentHash))
    }
}

/// Delivers `NodeMessage.meshGossip` between test replicators in FIFO order when drained; drops
/// whatever goes to or comes from a cut node.
final class GossipWire: Sendable {
    struct Envelope {
        let from: PublicKey
        let to: PublicKey
        let bytes: [UInt8]
    }

    let time: ManualTime
    private let nodes: [PublicKey: MeshGossipReplicatorTests.Node]
    private let queue = Mutex<[Envelope]>([])
    private let cutNodes = Mutex<Set<PublicKey>>([])
    private let stats = Mutex((bytes: 0, repairPushes: 0))

    init(nodes: [MeshGossipReplicatorTests.Node], time: ManualTime) {
        self.nodes = Dictionary(uniqueKeysWithValues: nodes.map { ($0.key, $0) })
        self.time = time
    }

    func cut(_ key: PublicKey) { cutNodes.withLock { _ = $0.insert(key) } }
    func restore(_ key: PublicKey) { cutNodes.withLock { _ = $0.remove(key) } }
    var deliveredBytes: Int { stats.withLock { $0.bytes } }
    /// Pushes that answer requests or repair (not the eager push of a new write).
    var deliveredRepairPushes: Int { stats.withLock { $0.repairPushes } }

    func messenger(from key: PublicKey) -> some PeerMessenger { Sender(wire: self, from: key) }

    func enqueue(_ message: NodeMessage, from: PublicKey, to: PublicKey) {
        guard case .meshGossip(let bytes) = message else { return }
        let cut = cutNodes.withLock { $0.contains(from) || $0.contains(to) }
        if !cut { queue.withLock { $0.append(Envelope(from: from, to: to, bytes: bytes)) } }
    }

    /// Delivers until nothing is in flight.
    func drain() async {
        while let next = queue.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) {
            guard let node = nodes[next.to] else { continue }
            stats.withLock {
                $0.bytes += next.bytes.count
                if case .push(_, _, let kind)? = try? GossipMessage(wireBytes: next.bytes, maxBytes: 1 << 22),
                    kind != .eager
                {
                    $0.repairPushes += 1
                }
            }
            await node.replicator.receiveGossip(next.bytes, from: next.from, messenger: messenger(from: next.to))
        }
    }

    struct Sender: PeerMessenger {
        let wire: GossipWire
        let from: PublicKey
        func broadcast(_ message: NodeMessage, excluding: PublicKey?) async {}
        func send(_ message: NodeMessage, to peer: PublicKey) async { wire.enqueue(message, from: from, to: peer) }
    }
}

/// Milliseconds that move only when a test says so.
final class ManualTime: Sendable {
    private let value = Mutex<UInt64>(1_000)
    var now: UInt64 { value.withLock { $0 } }
    func advance(by milliseconds: UInt64) { value.withLock { $0 += milliseconds } }
}
