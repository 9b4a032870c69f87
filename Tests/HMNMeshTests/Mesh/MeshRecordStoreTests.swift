import HMNMesh
import HMNPrimitives
import Testing

@Suite("Mesh record store")
struct MeshRecordStoreTests {
    static let author = MeshTestSupport.key(1).publicKey

    static func record(_ id: Int, version: UInt64, payload: UInt8) -> MemoryRecord {
        MemoryRecord(id: Hash256.of([UInt8(id)]), vector: [1, 0], payload: [payload], author: author, version: version)
    }

    @Test(
        "Merging is idempotent and order-independent: every permutation ends in the same state", arguments: [1, 2, 3])
    func orderIndependent(seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        var updates: [MemoryRecord] = []
        for id in 0..<20 {
            for version in 1...3 {
                updates.append(Self.record(id, version: UInt64(version), payload: UInt8(generator.next() % 4)))
                // Conflicting writes at the same version: the content-hash tie-break decides.
                updates.append(Self.record(id, version: UInt64(version), payload: UInt8(generator.next() % 4)))
            }
        }
        var reference = MeshRecordStore()
        for update in updates { reference.merge(update, shard: 0) }
        for _ in 0..<10 {
            var store = MeshRecordStore()
            for update in updates.shuffled(using: &generator) {
                store.merge(update, shard: 0)
                store.merge(update, shard: 0)
            }
            #expect(store == reference)
            #expect(store.digest(of: 0) == reference.digest(of: 0))
            #expect(store.fingerprint(shard: 0, prefix: .root) == reference.fingerprint(shard: 0, prefix: .root))
        }
        #expect(reference.count == 20)
        #expect(reference.records(in: 0).allSatisfy { $0.version == 3 })
    }

    @Test("Outcomes: inserted, duplicate, replaced, stale, lost tie")
    func outcomes() {
        var store = MeshRecordStore()
        let v1 = Self.record(1, version: 1, payload: 0)
        let v2a = Self.record(1, version: 2, payload: 1)
        let v2b = Self.record(1, version: 2, payload: 2)
        let (winner, loser) = v2a.contentHash > v2b.contentHash ? (v2a, v2b) : (v2b, v2a)
        #expect(store.merge(v1, shard: 0) == .inserted)
        #expect(store.merge(v1, shard: 0) == .duplicate)
        #expect(store.merge(winner, shard: 0) == .replaced)
        #expect(store.merge(loser, shard: 0) == .lostTie)
        #expect(store.merge(v1, shard: 0) == .stale)
        #expect(store.record(v1.id) == winner)
    }

    @Test("Child fingerprints partition the parent's")
    func childrenSum() {
        var store = MeshRecordStore()
        for id in 0..<200 { store.merge(Self.record(id, version: 1, payload: 0), shard: 3) }
        let root = store.fingerprint(shard: 3, prefix: .root)
        let children = store.children(shard: 3, prefix: .root)
        #expect(children.reduce(0) { $0 + $1.count } == root.count)
        #expect(children.reduce(UInt64(0)) { $0 &+ $1.fingerprint } == root.fingerprint)
        for child in children { #expect(store.fingerprint(shard: 3, prefix: child.prefix) == child) }
    }
}
