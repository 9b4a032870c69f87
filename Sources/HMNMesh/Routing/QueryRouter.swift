import HMNPrimitives

/// One hit of a routed query: the record, its distance (smaller is closer) and the shard that served it.
public struct RoutedHit: Hashable, Sendable {
    public var id: Hash256
    public var distance: Float
    public var shard: ShardID

    public init(id: Hash256, distance: Float, shard: ShardID) {
        self.id = id
        self.distance = distance
        self.shard = shard
    }
}

/// The answer to a routed query, and which shards served it (in the order they were asked).
public struct RoutedResult: Hashable, Sendable {
    public var hits: [RoutedHit]
    public var servedBy: [ShardID]
    /// True when the first shard's answer was judged poor and more shards were asked.
    public var usedFallback: Bool
}

/// When a query goes direct and when it falls back (SPEC §9).
public struct RoutingPolicy: Hashable, Sendable {
    /// At or above this λ the network is calm: the optimal shard alone answers.
    public var directLambda = FixedPoint(raw: 700_000)
    /// The answer is poor when its best hit is farther than this (for cosine, 0.2 = similarity 0.8).
    public var maxBestDistance: Float = 0.2
    /// ... or when fewer than `k` hits are closer than this.
    public var goodHitDistance: Float = 0.35
    /// How many further shards (next-nearest centroids) a fallback asks.
    public var fallbackShards = 2
    /// A query about as near another centroid as its nearest one has more than one optimal shard:
    /// shards whose squared centroid distance is within this factor of the nearest one's are asked
    /// with it (at most ``maxTiedShards`` more). 1 turns this off (only the nearest shard).
    public var tieFactor: Float = 1.1
    public var maxTiedShards = 2

    public init() {}
}

/// Routes a query to its optimal shard (nearest centroid; a near tie makes two or three optimal)
/// and, when λ < 0.7 and the answer is poor, to the next-nearest shards, merging by distance (SPEC
/// §9). The search itself is the caller's: a node asks a replica of each shard (or its own store).
public struct QueryRouter: Sendable {
    public var policy: RoutingPolicy

    public init(policy: RoutingPolicy = RoutingPolicy()) {
        self.policy = policy
    }

    /// The shards a query asks first: its nearest centroid's, plus near ties (``RoutingPolicy/tieFactor``);
    /// and the rest, nearest first, from which a fallback takes ``RoutingPolicy/fallbackShards``.
    public func plan(_ query: [Float], map: ShardMap) -> (optimal: [ShardID], rest: [ShardID]) {
        let order = map.centroidDistances(to: query)
        guard let nearest = order.first else { return ([], []) }
        let tied = order.dropFirst().prefix(policy.maxTiedShards)
            .prefix { $0.distance <= nearest.distance * policy.tieFactor }
        let optimal = [nearest.shard] + tied.map(\.shard)
        return (optimal, order.dropFirst(optimal.count).map(\.shard))
    }

    /// Routes `query` under `map`; `search(shard)` returns that shard's best hits.
    public func route(
        _ query: [Float], k: Int, lambda: FixedPoint, map: ShardMap,
        search: (ShardID) throws -> [RoutedHit]
    ) rethrows -> RoutedResult {
        let (optimal, rest) = plan(query, map: map)
        guard !optimal.isEmpty, k > 0 else { return RoutedResult(hits: [], servedBy: [], usedFallback: false) }
        var hits: [RoutedHit] = []
        for shard in optimal { hits += try search(shard) }
        hits = merge(hits)
        var served = optimal
        if lambda < policy.directLambda, isPoor(hits, k: k) {
            for shard in rest.prefix(policy.fallbackShards) {
                hits.append(contentsOf: try search(shard))
                served.append(shard)
            }
            hits = merge(hits)
        }
        return RoutedResult(
            hits: Array(hits.prefix(k)), servedBy: served, usedFallback: served.count > optimal.count)
    }

    /// Poor: no hit, best hit too far, or fewer than `k` good hits.
    public func isPoor(_ hits: [RoutedHit], k: Int) -> Bool {
        guard let best = hits.map(\.distance).min() else { return true }
        if best > policy.maxBestDistance { return true }
        return hits.filter { $0.distance <= policy.goodHitDistance }.count < k
    }

    /// Closest first, one hit per record id (a record seen in two shards during a move counts once).
    public func merge(_ hits: [RoutedHit]) -> [RoutedHit] {
        var seen: Set<Hash256> = []
        return hits.sorted { $0.distance != $1.distance ? $0.distance < $1.distance : $0.id < $1.id }
            .filter { seen.insert($0.id).inserted }
    }
}
