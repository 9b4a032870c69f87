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
            outcome = .replaced
        }
        shards[shard, default: [:]][record.id] = Entry(
            record: record, version: incoming, itemHash: Self.itemHash(incoming))
        shardOfRecord[record.id] = shard
        return outcome
    }

    /// Removes a record; returns it if it was held.
    @discardableResult
    public mutating func remove(_ id: Hash256) -> MemoryRecord? {
        guard let shard = shardOfRecord.removeValue(forKey: id) else { return nil }
        return shards[shard]?.removeValue(forKey: id)?.record
    }

    mutating func move(_ id: Hash256, to shard: ShardID) {
        guard let from = shardOfRecord[id], from != shard, let entry = shards[from]?.removeValue(forKey: id) else {
            return
        }
        shards[shard, default: [:]][id] = entry
        shardOfRecord[id] = shard
    }

    /// The first 8 bytes of BLAKE2b(id ‖ version ‖ content hash).
    static func itemHash(_ version: RecordVersion) -> UInt64 {
        let hash = version.canonicalHash.bytes
        var value: UInt64 = 0
        for byte in hash.prefix(8) { value = value << 8 | UInt64(byte) }
        return value
    }

    /// Count and fingerprint of `prefix` in `shard`.
    public func fingerprint(shard: ShardID, prefix: RangePrefix) -> RangeFingerprint {
        var count: UInt32 = 0
        var sum: UInt64 = 0
        for (id, entry) in shards[shard] ?? [:] where prefix.contains(id) {
            count += 1
            sum &+= entry.itemHash
        }
        return RangeFingerprint(prefix: prefix, count: count, fingerprint: sum)
    }

    /// The non-empty children of `prefix` in `shard`, in nibble order.
    public func children(shard: ShardID, prefix: RangePrefix) -> [RangeFingerprint] {
        var counts = [UInt32](repeating: 0, count: 16)
        var sums = [UInt64](repeating: 0, count: 16)
        for (id, entry) in shards[shard] ?? [:] where prefix.contains(id) {
            let nibble = Int(prefix.childNibble(of: id))
            counts[nibble] += 1
            sums[nibble] &+= entry.itemHash
        }
        return (0..<16).compactMap { nibble in
            counts[nibble] == 0
                ? nil
                : RangeFingerprint(
                    prefix: prefix.child(UInt8(nibble)), count: counts[nibble], fingerprint: sums[nibble])
        }
    }

    /// The versions of the records of `shard` in `prefix`, sorted by id.
    public func versions(shard: ShardID, prefix: RangePrefix) -> [RecordVersion] {
        (shards[shard] ?? [:]).values.filter { prefix.contains($0.record.id) }.map(\.version)
            .sorted { $0.id < $1.id }
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
