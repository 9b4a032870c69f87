import HMNPrimitives

/// The records a gossip engine holds, grouped by shard, with the merge rule and the range
/// fingerprints that set reconciliation needs.
///
/// Merging is idempotent and order-independent: the held version of an id is always the maximum
/// under ``RecordVersion/supersedes(_:)``, whatever order the versions arrived in.
public struct MeshRecordStore: Hashable, Sendable {
    struct Entry: Hashable, Sendable {
        var record: MemoryRecord
        var version: RecordVersion
        var itemHash: UInt64
    }

    /// What a merge did.
    public enum MergeOutcome: Hashable, Sendable {
        /// New id.
        case inserted
        /// Replaced an older version.
        case replaced
        /// The same version and content was already held.
        case duplicate
        /// Older than the held version (a replay or a late copy); nothing changed.
        case stale
        /// Same version, smaller content hash: lost the tie-break; nothing changed.
        case lostTie
    }

    private(set) var shards: [ShardID: [Hash256: Entry]] = [:]
    private(set) var shardOfRecord: [Hash256: ShardID] = [:]
    /// Range sums per shard, kept in step with `shards` (see ``PrefixIndex``).
    private(set) var indexes: [ShardID: PrefixIndex] = [:]
    /// Settled digests already computed (see ``settledDigest(of:cutoffMilliseconds:)``); a change to a
    /// shard drops its entries.
    var settledDigests = SettledDigestCache()

    public init() {}

    public var count: Int { shardOfRecord.count }

    public func record(_ id: Hash256) -> MemoryRecord? {
        guard let shard = shardOfRecord[id] else { return nil }
        return shards[shard]?[id]?.record
    }

    public func version(of id: Hash256) -> RecordVersion? {
        guard let shard = shardOfRecord[id] else { return nil }
        return shards[shard]?[id]?.version
    }

    public func shard(of id: Hash256) -> ShardID? { shardOfRecord[id] }

    public func records(in shard: ShardID) -> [MemoryRecord] { shards[shard]?.values.map(\.record) ?? [] }

    public func count(in shard: ShardID) -> Int { shards[shard]?.count ?? 0 }

    public var allRecords: [MemoryRecord] { shards.values.flatMap { $0.values.map(\.record) } }

    /// Merges `record` into `shard` (moving it if it was held under another shard).
    @discardableResult
    public mutating func merge(_ record: MemoryRecord, shard: ShardID) -> MergeOutcome {
        let incoming = RecordVersion(record)
        var outcome = MergeOutcome.inserted
        if let heldShard = shardOfRecord[record.id], let held = shards[heldShard]?[record.id] {
            if held.version == incoming {
                if heldShard != shard { move(record.id, to: shard) }
                return .duplicate
            }
            guard incoming.supersedes(held.version) else {
                return incoming.version < held.version.version ? .stale : .lostTie
            }
            shards[heldShard]?[record.id] = nil
            unindex(record.id, itemHash: held.itemHash, shard: heldShard)
            settledDigests.invalidate(heldShard, settledFrom: held.record.updatedAtMilliseconds)
            outcome = .replaced
        }
        settledDigests.invalidate(shard, settledFrom: record.updatedAtMilliseconds)
        let itemHash = Self.itemHash(incoming)
        shards[shard, default: [:]][record.id] = Entry(record: record, version: incoming, itemHash: itemHash)
        shardOfRecord[record.id] = shard
        indexes[shard, default: PrefixIndex()].add(record.id, itemHash: itemHash)
        return outcome
    }

    /// Removes a record; returns it if it was held.
    @discardableResult
    public mutating func remove(_ id: Hash256) -> MemoryRecord? {
        guard let shard = shardOfRecord.removeValue(forKey: id), let entry = shards[shard]?.removeValue(forKey: id)
        else { return nil }
        unindex(id, itemHash: entry.itemHash, shard: shard)
        settledDigests.invalidate(shard, settledFrom: entry.record.updatedAtMilliseconds)
        return entry.record
    }

    /// Takes `id` out of `shard`'s index; a shard left empty is dropped from both maps, so equal
    /// record sets give equal stores.
    private mutating func unindex(_ id: Hash256, itemHash: UInt64, shard: ShardID) {
        indexes[shard]?.remove(id, itemHash: itemHash)
        if indexes[shard]?.levels[0].isEmpty == true { indexes[shard] = nil }
        if shards[shard]?.isEmpty == true { shards[shard] = nil }
    }

    mutating func move(_ id: Hash256, to shard: ShardID) {
        guard let from = shardOfRecord[id], from != shard, let entry = shards[from]?.removeValue(forKey: id) else {
            return
        }
        shards[shard, default: [:]][id] = entry
        shardOfRecord[id] = shard
        settledDigests.invalidate(shard, settledFrom: entry.record.updatedAtMilliseconds)
        settledDigests.invalidate(from, settledFrom: entry.record.updatedAtMilliseconds)
        unindex(id, itemHash: entry.itemHash, shard: from)
        indexes[shard, default: PrefixIndex()].add(id, itemHash: entry.itemHash)
    }

    /// The first 8 bytes of BLAKE2b(id ‖ version ‖ content hash).
    static func itemHash(_ version: RecordVersion) -> UInt64 {
        let hash = version.canonicalHash.bytes
        var value: UInt64 = 0
        for byte in hash.prefix(8) { value = value << 8 | UInt64(byte) }
        return value
    }

    /// Count and fingerprint of `prefix` in `shard`: read from the index down to
    /// ``PrefixIndex/indexedDepth``, summed over one indexed range's ids below it.
    public func fingerprint(shard: ShardID, prefix: RangePrefix) -> RangeFingerprint {
        guard let index = indexes[shard] else { return RangeFingerprint(prefix: prefix, count: 0, fingerprint: 0) }
        if prefix.depth <= PrefixIndex.indexedDepth {
            let aggregate = index.aggregate(prefix)
            return RangeFingerprint(prefix: prefix, count: aggregate.count, fingerprint: aggregate.sum)
        }
        return Self.sum(items(in: index.bucket(of: prefix), shard: shard, prefix: prefix), prefix: prefix)
    }

    /// The non-empty children of `prefix` in `shard`, in nibble order.
    public func children(shard: ShardID, prefix: RangePrefix) -> [RangeFingerprint] {
        guard let index = indexes[shard] else { return [] }
        if prefix.depth < PrefixIndex.indexedDepth {
            return (0..<16).compactMap { nibble in
                let child = prefix.child(UInt8(nibble))
                let aggregate = index.aggregate(child)
                return aggregate.count == 0
                    ? nil : RangeFingerprint(prefix: child, count: aggregate.count, fingerprint: aggregate.sum)
            }
        }
        return Self.childSums(items(in: index.bucket(of: prefix), shard: shard, prefix: prefix), prefix: prefix)
    }

    /// The versions of the records of `shard` in `prefix`, sorted by id.
    public func versions(shard: ShardID, prefix: RangePrefix) -> [RecordVersion] {
        let held = shards[shard] ?? [:]
        let selected: [RecordVersion]
        if prefix.depth >= PrefixIndex.indexedDepth, let index = indexes[shard] {
            selected = index.bucket(of: prefix).compactMap { prefix.contains($0) ? held[$0]?.version : nil }
        } else {
            selected = held.values.filter { prefix.contains($0.record.id) }.map(\.version)
        }
        return selected.sorted { $0.id < $1.id }
    }

    /// (id, item hash) of the records of `ids` that lie in `prefix`.
    private func items(in ids: Set<Hash256>, shard: ShardID, prefix: RangePrefix) -> [(Hash256, UInt64)] {
        let held = shards[shard] ?? [:]
        return ids.compactMap { id in prefix.contains(id) ? held[id].map { (id, $0.itemHash) } : nil }
    }

    // MARK: Scans (the reference the index must agree with; also measured against it)

    /// ``fingerprint(shard:prefix:)`` by scanning every record of the shard, O(records): the reference
    /// the index is tested against and the baseline `hmn-bench mesh-index` measures it against.
    public func scannedFingerprint(shard: ShardID, prefix: RangePrefix) -> RangeFingerprint {
        Self.sum(scan(shard: shard, prefix: prefix), prefix: prefix)
    }

    /// ``children(shard:prefix:)`` by scanning every record of the shard, O(records).
    public func scannedChildren(shard: ShardID, prefix: RangePrefix) -> [RangeFingerprint] {
        Self.childSums(scan(shard: shard, prefix: prefix), prefix: prefix)
    }

    /// Every (id, item hash) of `shard` in `prefix`, lazily (no copy of the shard).
    private func scan(shard: ShardID, prefix: RangePrefix) -> some Sequence<(Hash256, UInt64)> {
        (shards[shard] ?? [:]).lazy.filter { prefix.contains($0.key) }.map { ($0.key, $0.value.itemHash) }
    }

    private static func sum(_ items: some Sequence<(Hash256, UInt64)>, prefix: RangePrefix) -> RangeFingerprint {
        var count: UInt32 = 0
        var sum: UInt64 = 0
        for (_, itemHash) in items {
            count += 1
            sum &+= itemHash
        }
        return RangeFingerprint(prefix: prefix, count: count, fingerprint: sum)
    }

    private static func childSums(_ items: some Sequence<(Hash256, UInt64)>, prefix: RangePrefix) -> [RangeFingerprint]
    {
        var counts = [UInt32](repeating: 0, count: 16)
        var sums = [UInt64](repeating: 0, count: 16)
        for (id, itemHash) in items {
            let nibble = Int(prefix.childNibble(of: id))
            counts[nibble] += 1
            sums[nibble] &+= itemHash
        }
        return (0..<16).compactMap { nibble in
            counts[nibble] == 0
                ? nil
                : RangeFingerprint(
                    prefix: prefix.child(UInt8(nibble)), count: counts[nibble], fingerprint: sums[nibble])
        }
    }

    /// The mesh digest of a shard (SPEC §3): BLAKE2b over its record versions sorted by id. Replicas
    /// that agree on a shard's content report equal digests in their vote extensions.
    public func digest(of shard: ShardID) -> Hash256 {
        var encoder = CanonicalEncoder()
        encoder.encode("hmn/shard-digest/v1")
        encoder.encode(shard)
        encoder.encode(versions(shard: shard, prefix: .root))
        return Hash256.of(encoder.bytes)
    }
}
