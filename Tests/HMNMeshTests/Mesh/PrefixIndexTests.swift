import HMNPrimitives
import Testing

@testable import HMNMesh

/// The record store's range index must answer exactly what a scan of the shard answers, after any
/// sequence of inserts, replacements, stale copies, moves between shards and removals.
@Suite("Mesh record store range index")
struct PrefixIndexTests {
    static let author = MeshTestSupport.key(1).publicKey

    /// Ids share leading nibbles often enough that ranges below the indexed depth hold several.
    static func id(_ number: UInt64, generator: inout SeededGenerator) -> Hash256 {
        var bytes = Hash256.of(Array("id-\(number)".utf8)).bytes
        if generator.next() % 2 == 0 { bytes[0] = 0xAB; bytes[1] = 0xCD; bytes[2] = UInt8(generator.next() % 3) }
        return try! Hash256(bytes: bytes)
    }

    static func prefixes(_ generator: inout SeededGenerator, around ids: [Hash256]) -> [RangePrefix] {
        var result: [RangePrefix] = [.root]
        for _ in 0..<40 {
            let depth = UInt8(generator.next() % UInt64(RangePrefix.maxDepth + 1))
            let head = ids.isEmpty || generator.next() % 4 == 0
                ? UInt32(truncatingIfNeeded: generator.next()) : RangePrefix.head(ids[Int(generator.next() % UInt64(ids.count))])
            result.append(RangePrefix(uncheckedDepth: depth, path: PrefixIndex.path(head, depth: depth)))
        }
        return result
    }

    @Test("fingerprints, children and versions equal a scan after random operations", arguments: [1, 2, 3, 4, 5, 6])
    func agreesWithScan(seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        var store = MeshRecordStore()
        var ids: [Hash256] = []
        for step in 0..<600 {
            let choice = generator.next() % 10
            if choice < 6 || ids.isEmpty {
                // A new record, or another version (newer, older or a tie) of a known one.
                let id = ids.isEmpty || generator.next() % 3 == 0
                    ? Self.id(UInt64(step), generator: &generator) : ids[Int(generator.next() % UInt64(ids.count))]
                let record = MemoryRecord(
                    id: id, vector: [1, 0], payload: [UInt8(generator.next() % 4)], author: Self.author,
                    version: 1 + generator.next() % 3)
                store.merge(record, shard: ShardID(generator.next() % 3))
                if !ids.contains(id) { ids.append(id) }
            } else if choice < 8 {
                let id = ids[Int(generator.next() % UInt64(ids.count))]
                if let record = store.record(id) {
                    // The same version again under another shard moves it.
                    store.merge(record, shard: ShardID(generator.next() % 3))
                }
            } else {
                let index = Int(generator.next() % UInt64(ids.count))
                store.remove(ids[index])
                ids.remove(at: index)
            }
            guard step % 25 == 0 else { continue }
            for shard in 0..<ShardID(3) {
                for prefix in Self.prefixes(&generator, around: ids) {
                    #expect(store.fingerprint(shard: shard, prefix: prefix) == store.scannedFingerprint(shard: shard, prefix: prefix))
                    if prefix.depth < RangePrefix.maxDepth {
                        #expect(store.children(shard: shard, prefix: prefix) == store.scannedChildren(shard: shard, prefix: prefix))
                    }
                }
            }
        }
        #expect(store.count == ids.count)
    }

    @Test("equal record sets give equal stores, whatever was added and removed on the way")
    func canonical() {
        var generator = SeededGenerator(seed: 9)
        let records = (0..<50).map { number in
            MemoryRecord(
                id: Self.id(UInt64(number), generator: &generator), vector: [1, 0], payload: [1], author: Self.author)
        }
        var direct = MeshRecordStore()
        for record in records.prefix(25) { direct.merge(record, shard: 0) }
        var roundabout = MeshRecordStore()
        for record in records { roundabout.merge(record, shard: 1) }
        for record in records.prefix(25) { roundabout.merge(record, shard: 0) }
        for record in records.dropFirst(25) { roundabout.remove(record.id) }
        #expect(roundabout == direct)
    }
}
