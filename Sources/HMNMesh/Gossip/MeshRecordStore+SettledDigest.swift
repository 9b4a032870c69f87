import HMNPrimitives

extension MeshRecordStore {
    /// Domain tag of ``settledDigest(of:cutoffMilliseconds:)``; v1 (``digest(of:)``) covers every
    /// record held and no cutoff.
    static let settledDigestTag = "hmn/shard-digest/v2"

    /// The digest a validator reports for `shard` in its precommit (SPEC §3): BLAKE2b over the tag,
    /// the shard, the cutoff and the versions, sorted by id, of the records *settled* by the cutoff
    /// (`updatedAtMilliseconds ≤ cutoffMilliseconds`).
    ///
    /// Honest replicas hold different sets while a write is still spreading; leaving out what is
    /// newer than a cutoff every validator derives from the chain makes them report equal digests
    /// anyway, so a difference means a replica lacks, or holds a different copy of, a record that
    /// had time to arrive. A shard with no settled record still has a digest (of the empty list),
    /// so a replica that lost everything disagrees with those that did not.
    ///
    /// Cached per (shard, cutoff), because a cutoff is asked for in every round of a height. A change
    /// to a record updated at time t drops the shard's digests for cutoffs ≥ t only: a fresh write
    /// (t ≈ now, later than every cutoff in use) leaves them valid, so steady writes do not defeat
    /// the cache. `mutating` only to fill the cache.
    public mutating func settledDigest(of shard: ShardID, cutoffMilliseconds: UInt64) -> Hash256 {
        if let cached = settledDigests.lookup(shard, cutoffMilliseconds: cutoffMilliseconds) { return cached }
        let digest = computeSettledDigest(of: shard, cutoffMilliseconds: cutoffMilliseconds)
        settledDigests.store(digest, shard: shard, cutoffMilliseconds: cutoffMilliseconds)
        return digest
    }

    /// ``settledDigest(of:cutoffMilliseconds:)`` without the cache: O(n log n) in the shard's records.
    public func computeSettledDigest(of shard: ShardID, cutoffMilliseconds: UInt64) -> Hash256 {
        // Sorted by id through the ids' first 8 bytes (one integer compare; the full compare only
        // breaks ties), which makes this sort several times cheaper than comparing byte arrays.
        var keyed: [(prefix: UInt64, version: RecordVersion)] = []
        keyed.reserveCapacity(shards[shard]?.count ?? 0)
        for entry in (shards[shard] ?? [:]).values where entry.record.updatedAtMilliseconds <= cutoffMilliseconds {
            keyed.append((entry.version.id.prefix64, entry.version))
        }
        keyed.sort { $0.prefix != $1.prefix ? $0.prefix < $1.prefix : $0.version.id < $1.version.id }
        var encoder = CanonicalEncoder(capacity: 64 + keyed.count * 72)
        encoder.encode(Self.settledDigestTag)
        encoder.encode(shard)
        encoder.encode(cutoffMilliseconds)
        // As `encode([RecordVersion])` would: a UInt32 count, then each version.
        encoder.encode(UInt32(keyed.count))
        for item in keyed { encoder.encode(item.version) }
        return Hash256.of(encoder.bytes)
    }
}

extension Hash256 {
    /// The first 8 bytes, big-endian: orders like the hash wherever they differ.
    fileprivate var prefix64: UInt64 {
        bytes.withUnsafeBytes { raw in
            var value: UInt64 = 0
            for index in 0..<8 { value = value << 8 | UInt64(raw[index]) }
            return value
        }
    }
}

/// Settled digests by shard and cutoff. Not part of the store's value: two stores with the same
/// records are equal whatever either has cached, so `==` and `hash(into:)` ignore it.
struct SettledDigestCache: Hashable, Sendable {
    /// Cutoffs kept per shard. The cutoff advances once per height, so only the newest few are
    /// asked for again (later rounds of the height, a status read).
    static let cutoffsPerShard = 4

    private var entries: [ShardID: [(cutoffMilliseconds: UInt64, digest: Hash256)]] = [:]

    func lookup(_ shard: ShardID, cutoffMilliseconds: UInt64) -> Hash256? {
        entries[shard]?.first { $0.cutoffMilliseconds == cutoffMilliseconds }?.digest
    }

    mutating func store(_ digest: Hash256, shard: ShardID, cutoffMilliseconds: UInt64) {
        var list = entries[shard] ?? []
        list.removeAll { $0.cutoffMilliseconds == cutoffMilliseconds }
        list.append((cutoffMilliseconds, digest))
        if list.count > Self.cutoffsPerShard { list.removeFirst(list.count - Self.cutoffsPerShard) }
        entries[shard] = list
    }

    /// Forgets `shard`'s digests for the cutoffs at or after `updatedAtMilliseconds`: a record
    /// updated then changed, which only those cutoffs count.
    mutating func invalidate(_ shard: ShardID, settledFrom updatedAtMilliseconds: UInt64) {
        guard let list = entries[shard] else { return }
        let kept = list.filter { $0.cutoffMilliseconds < updatedAtMilliseconds }
        if kept.count != list.count { entries[shard] = kept.isEmpty ? nil : kept }
    }

    static func == (lhs: Self, rhs: Self) -> Bool { true }
    func hash(into hasher: inout Hasher) {}
}
