import HMNPrimitives

/// Running (count, fingerprint) sums of one shard's records for every id prefix up to
/// ``indexedDepth`` nibbles, updated on each insert and removal, plus the ids of each deepest
/// indexed range. A reconciliation round then reads a range's fingerprint or its 16 children in
/// O(1), where scanning the shard cost O(records) per range, under the engine's lock, on every
/// round with every peer.
struct PrefixIndex: Hashable, Sendable {
    /// 16⁴ = 65,536 deepest ranges: a million records leave about 15 per range to scan below it.
    static let indexedDepth: UInt8 = 4

    struct Aggregate: Hashable, Sendable {
        var count: UInt32
        var sum: UInt64
    }

    /// `levels[d][path]` for depth d in 0...indexedDepth; entries that fall to zero are removed, so
    /// equal record sets give equal indexes.
    private(set) var levels: [[UInt32: Aggregate]] = Array(repeating: [:], count: Int(indexedDepth) + 1)
    /// Ids by their range at ``indexedDepth``.
    private(set) var members: [UInt32: Set<Hash256>] = [:]

    static func path(_ head: UInt32, depth: UInt8) -> UInt32 {
        depth == 0 ? 0 : head & ~UInt32(0) << (32 - 4 * UInt32(depth))
    }

    mutating func add(_ id: Hash256, itemHash: UInt64) {
        let head = RangePrefix.head(id)
        for depth in 0...Self.indexedDepth {
            let path = Self.path(head, depth: depth)
            var aggregate = levels[Int(depth)][path] ?? Aggregate(count: 0, sum: 0)
            aggregate.count += 1
            aggregate.sum &+= itemHash
            levels[Int(depth)][path] = aggregate
        }
        members[Self.path(head, depth: Self.indexedDepth), default: []].insert(id)
    }

    mutating func remove(_ id: Hash256, itemHash: UInt64) {
        let head = RangePrefix.head(id)
        for depth in 0...Self.indexedDepth {
            let path = Self.path(head, depth: depth)
            guard var aggregate = levels[Int(depth)][path] else { continue }
            aggregate.count -= 1
            aggregate.sum &-= itemHash
            levels[Int(depth)][path] = aggregate.count == 0 ? nil : aggregate
        }
        let bucket = Self.path(head, depth: Self.indexedDepth)
        members[bucket]?.remove(id)
        if members[bucket]?.isEmpty == true { members[bucket] = nil }
    }

    /// The sums of a range at most ``indexedDepth`` deep.
    func aggregate(_ prefix: RangePrefix) -> Aggregate {
        precondition(prefix.depth <= Self.indexedDepth)
        return levels[Int(prefix.depth)][prefix.path] ?? Aggregate(count: 0, sum: 0)
    }

    /// The ids of the deepest indexed range that holds `prefix` (which is at least that deep).
    func bucket(of prefix: RangePrefix) -> Set<Hash256> {
        precondition(prefix.depth >= Self.indexedDepth)
        return members[Self.path(prefix.path, depth: Self.indexedDepth)] ?? []
    }
}
