import HMNMesh
import HMNPrimitives
import Testing

@Suite("Gossip messages")
struct GossipMessageTests {
    static let author = MeshTestSupport.key(1)
    static let record = MemoryRecord(
        id: Hash256.of([1]), vector: [1, 2, 3, 4], payload: [9, 9], author: author.publicKey, version: 3)
    static let version = RecordVersion(record)

    static let messages: [GossipMessage] = [
        .push(shard: 4, records: [record], kind: .eager),
        .push(shard: 4, records: [record, record], kind: .handoff),
        .push(shard: 4, records: [record], kind: .response),
        .ihave(shard: 2, entries: [version]),
        .iwant(ids: [record.id, Hash256.of([2])]),
        .reconcile(
            shard: 1, ranges: [RangeFingerprint(prefix: .root, count: 7, fingerprint: 99)], complete: [.root]),
        .items(shard: 1, prefix: .root, entries: [RecordSummary(version)], reply: true),
        .ack(entries: [version]),
    ]

    @Test("Every message round-trips through its wire bytes", arguments: messages)
    func roundTrip(message: GossipMessage) throws {
        let bytes = message.canonicalBytes
        #expect(try GossipMessage(wireBytes: bytes, maxBytes: 1 << 20) == message)
    }

    @Test("Oversize, truncated, trailing and unknown-tag input are typed errors", arguments: messages)
    func badInput(message: GossipMessage) {
        let bytes = message.canonicalBytes
        #expect(throws: MeshError.self) { try GossipMessage(wireBytes: bytes, maxBytes: bytes.count - 1) }
        #expect(throws: MeshError.self) { try GossipMessage(wireBytes: Array(bytes.dropLast()), maxBytes: 1 << 20) }
        #expect(throws: MeshError.self) { try GossipMessage(wireBytes: bytes + [0], maxBytes: 1 << 20) }
        #expect(throws: MeshError.self) { try GossipMessage(wireBytes: [200] + bytes.dropFirst(), maxBytes: 1 << 20) }
    }

    @Test("A hostile array length is rejected before allocation")
    func hostileLength() {
        // iwant with a claimed count of 2^31 ids and no bytes behind it.
        let bytes: [UInt8] = [2, 0x80, 0, 0, 0]
        #expect(throws: MeshError.self) { try GossipMessage(wireBytes: bytes, maxBytes: 1 << 20) }
    }

    @Test("Range prefixes nest 16 ways and reject bits beyond their depth")
    func rangePrefixes() throws {
        var bytes = [UInt8](repeating: 0, count: 32)
        bytes[0] = 0xAB
        let id = try Hash256(bytes: bytes)
        #expect(RangePrefix.root.contains(id))
        var decoder = CanonicalDecoder([1, 0xA0, 0, 0, 0])
        let prefix = try RangePrefix(from: &decoder)
        #expect(prefix.contains(id))
        var bad = CanonicalDecoder([1, 0xAB, 0, 0, 0])
        #expect(throws: CodecError.self) { try RangePrefix(from: &bad) }
    }
}
