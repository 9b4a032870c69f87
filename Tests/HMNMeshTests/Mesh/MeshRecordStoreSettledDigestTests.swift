import Foundation
import HMNMesh
import HMNPrimitives
import Testing

@Suite("Mesh record store: settled digests")
struct MeshRecordStoreSettledDigestTests {
    static let author = MeshTestSupport.key(1).publicKey

    static func record(_ id: Int, version: UInt64 = 1, payload: UInt8 = 0, updatedAt: UInt64) -> MemoryRecord {
        MemoryRecord(
            id: Hash256.of(withUnsafeBytes(of: UInt32(id).bigEndian, Array.init)), vector: [1, 0], payload: [payload],
            author: author, version: version, createdAtMilliseconds: updatedAt)
    }

    static func store(_ records: [MemoryRecord], shard: ShardID = 0) -> MeshRecordStore {
        var store = MeshRecordStore()
        for record in records { store.merge(record, shard: shard) }
        return store
    }

    @Test("Equal settled sets give equal digests whatever the arrival order", arguments: [1, 2, 3] as [UInt64])
    func orderIndependent(seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        let records = (0..<50).map { Self.record($0, updatedAt: 1_000 + UInt64($0) * 10) }
        var reference = Self.store(records)
        let expected = reference.settledDigest(of: 0, cutoffMilliseconds: 1_300)
        for _ in 0..<5 {
            var shuffled = Self.store(records.shuffled(using: &generator))
            #expect(shuffled.settledDigest(of: 0, cutoffMilliseconds: 1_300) == expected)
            #expect(shuffled.computeSettledDigest(of: 0, cutoffMilliseconds: 1_300) == expected)
        }
    }

    @Test("Records newer than the cutoff are left out: a replica still receiving them agrees")
    func newerExcluded() {
        let settled = (0..<20).map { Self.record($0, updatedAt: 1_000) }
        let inFlight = (20..<25).map { Self.record($0, updatedAt: 5_000) }
        var behind = Self.store(settled)
        var ahead = Self.store(settled + inFlight)
        #expect(
            behind.settledDigest(of: 0, cutoffMilliseconds: 4_999)
                == ahead.settledDigest(of: 0, cutoffMilliseconds: 4_999))
        // At the record's own time it is settled (≤ cutoff), and the replica that lacks it differs.
        #expect(
            behind.settledDigest(of: 0, cutoffMilliseconds: 5_000)
                != ahead.settledDigest(of: 0, cutoffMilliseconds: 5_000))
    }

    @Test("A replica missing one settled record, or holding an altered copy, reports another digest")
    func missingOrAlteredDiffers() {
        let records = (0..<30).map { Self.record($0, updatedAt: 1_000) }
        var full = Self.store(records)
        var missing = Self.store(Array(records.dropLast()))
        var altered = Self.store(Array(records.dropLast()) + [Self.record(29, payload: 7, updatedAt: 1_000)])
        let digest = full.settledDigest(of: 0, cutoffMilliseconds: 2_000)
        #expect(missing.settledDigest(of: 0, cutoffMilliseconds: 2_000) != digest)
        #expect(altered.settledDigest(of: 0, cutoffMilliseconds: 2_000) != digest)
    }

    @Test("An empty (or unknown) shard has a digest, unlike a non-empty one; the digest commits to shard and cutoff")
    func emptyShardAndCommitments() {
        var empty = MeshRecordStore()
        var holding = Self.store([Self.record(1, updatedAt: 10)])
        let nothing = empty.settledDigest(of: 0, cutoffMilliseconds: 100)
        #expect(holding.settledDigest(of: 0, cutoffMilliseconds: 100) != nothing)
        // Nothing settled yet: the same digest as an empty replica.
        #expect(
            holding.settledDigest(of: 0, cutoffMilliseconds: 9) == empty.settledDigest(of: 0, cutoffMilliseconds: 9))
        #expect(empty.settledDigest(of: 1, cutoffMilliseconds: 100) != nothing)
        #expect(empty.settledDigest(of: 0, cutoffMilliseconds: 101) != nothing)
        #expect(holding.settledDigest(of: 0, cutoffMilliseconds: 100) != holding.digest(of: 0), "v2 differs from v1")
    }

    @Test("The cache never serves a stale digest: merge, replace, remove and a move after a cached call change it")
    func cacheInvalidation() {
        var store = Self.store((0..<10).map { Self.record($0, updatedAt: 1_000) })
        let before = store.settledDigest(of: 0, cutoffMilliseconds: 2_000)
        #expect(store.settledDigest(of: 0, cutoffMilliseconds: 2_000) == before)

        store.merge(Self.record(10, updatedAt: 1_500), shard: 0)
        let inserted = store.settledDigest(of: 0, cutoffMilliseconds: 2_000)
        #expect(inserted != before)
        #expect(inserted == store.computeSettledDigest(of: 0, cutoffMilliseconds: 2_000))

        store.merge(Self.record(10, version: 2, updatedAt: 1_600), shard: 0)
        let replaced = store.settledDigest(of: 0, cutoffMilliseconds: 2_000)
        #expect(replaced != inserted)

        store.remove(Self.record(10, updatedAt: 0).id)
        #expect(store.settledDigest(of: 0, cutoffMilliseconds: 2_000) == before)

        // A duplicate merge under another shard moves the record: both shards' digests change.
        let other = store.settledDigest(of: 1, cutoffMilliseconds: 2_000)
        store.merge(Self.record(3, updatedAt: 1_000), shard: 1)
        #expect(store.settledDigest(of: 0, cutoffMilliseconds: 2_000) != before)
        #expect(store.settledDigest(of: 1, cutoffMilliseconds: 2_000) != other)
        for shard: ShardID in [0, 1] {
            #expect(
                store.settledDigest(of: shard, cutoffMilliseconds: 2_000)
                    == store.computeSettledDigest(of: shard, cutoffMilliseconds: 2_000))
        }
    }

    @Test("A write newer than a cached cutoff keeps that digest (it is not settled there); older cutoffs stay exact")
    func freshWriteKeepsCache() {
        var store = Self.store((0..<10).map { Self.record($0, updatedAt: 1_000) })
        let before = store.settledDigest(of: 0, cutoffMilliseconds: 2_000)
        let earlier = store.settledDigest(of: 0, cutoffMilliseconds: 900)
        store.merge(Self.record(50, updatedAt: 3_000), shard: 0)
        #expect(store.settledDigest(of: 0, cutoffMilliseconds: 2_000) == before)
        #expect(store.computeSettledDigest(of: 0, cutoffMilliseconds: 2_000) == before)
        // A record updated at 1,500 changes the 2,000 cutoff but not the 900 one.
        store.merge(Self.record(51, updatedAt: 1_500), shard: 0)
        #expect(store.settledDigest(of: 0, cutoffMilliseconds: 2_000) != before)
        #expect(store.settledDigest(of: 0, cutoffMilliseconds: 900) == earlier)
        #expect(store.computeSettledDigest(of: 0, cutoffMilliseconds: 900) == earlier)
        // A new version updated later replaces a settled one: the old cutoff loses the old version.
        store.merge(Self.record(3, version: 2, updatedAt: 5_000), shard: 0)
        let withoutOld = store.settledDigest(of: 0, cutoffMilliseconds: 2_000)
        #expect(withoutOld == store.computeSettledDigest(of: 0, cutoffMilliseconds: 2_000))
        #expect(store.settledDigest(of: 0, cutoffMilliseconds: 900) == earlier)
    }

    @Test("The cache is not part of the store's value")
    func cacheIsNotValue() {
        let records = (0..<5).map { Self.record($0, updatedAt: 1) }
        var cached = Self.store(records)
        _ = cached.settledDigest(of: 0, cutoffMilliseconds: 10)
        #expect(cached == Self.store(records))
        #expect(cached.hashValue == Self.store(records).hashValue)
    }

    /// What a precommit costs the node: a few thousand records in one shard. The cached figure is
    /// the one on the vote path after the first round of a height; it must stay well under 1 ms.
    @Test("Cost: 4,000 records, computed once, then cached")
    func cost() {
        let count = 4_000
        let records = (0..<count).map { Self.record($0, updatedAt: UInt64($0)) }
        var store = Self.store(records)
        let clock = ContinuousClock()
        let cutoff = UInt64(count - 100)
        let computed = clock.measure { _ = store.settledDigest(of: 0, cutoffMilliseconds: cutoff) }
        let repeats = 1_000
        let cached = clock.measure {
            for _ in 0..<repeats { _ = store.settledDigest(of: 0, cutoffMilliseconds: cutoff) }
        }
        let perCached = cached / repeats
        print("settled digest, \(count) records: computed \(computed), cached \(perCached) per call")
        #expect(perCached < .milliseconds(1) / 10)
    }
}
