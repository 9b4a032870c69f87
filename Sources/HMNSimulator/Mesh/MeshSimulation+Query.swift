import HMNMesh
import HMNPrimitives

extension MeshSimulation {
    /// Routes a query through ``QueryRouter``. A shard is searched on its replicas under the current
    /// map; while a move is in progress, nodes still retaining handed-off records are searched too,
    /// so answers stay complete during resharding. Distances are cosine (`1 − cos`).
    public func query(_ vector: [Float], k: Int, lambda: FixedPoint, router: QueryRouter = QueryRouter())
        -> RoutedResult
    {
        let moving = isHandingOff
        return router.route(vector, k: k, lambda: lambda, map: map) { shard in
            var nodes = Set(map.replicas(of: shard).compactMap { indexByKey[$0] })
            if moving {
                for (node, engine) in engines.enumerated() where engine.isHandingOff { nodes.insert(node) }
            }
            var best: [Hash256: RoutedHit] = [:]
            for node in nodes.sorted() {
                for record in engines[node].heldRecords where map.nearestShard(to: record.vector) == shard {
                    let hit = RoutedHit(
                        id: record.id, distance: Self.cosineDistance(vector, record.vector), shard: shard)
                    if best[record.id] == nil { best[record.id] = hit }
                }
            }
            return best.values.sorted { $0.distance != $1.distance ? $0.distance < $1.distance : $0.id < $1.id }
                .prefix(k).map { $0 }
        }
    }

    static func cosineDistance(_ a: [Float], _ b: [Float]) -> Float {
        var dot: Float = 0
        var normA: Float = 0
        var normB: Float = 0
        for index in 0..<min(a.count, b.count) {
            dot += a[index] * b[index]
            normA += a[index] * a[index]
            normB += b[index] * b[index]
        }
        guard normA > 0, normB > 0 else { return 1 }
        return 1 - dot / (normA.squareRoot() * normB.squareRoot())
    }
}
