import HMNMesh
import HMNPrimitives
import Testing

@Suite("Query routing")
struct QueryRouterTests {
    /// Two shards along axes 0 and 1. The query sits just on shard 0's side of the boundary, but
    /// its true neighbours were written while shard 1's centroid was nearer (before a re-cluster),
    /// so the optimal shard holds only poor matches for it.
    struct Fixture {
        let map = MeshTestSupport.map(
            centroids: [[1, 0, 0, 0], [0, 1, 0, 0]], nodes: (0..<3).map { MeshTestSupport.key($0).publicKey })
        var shards: [ShardID: [(Hash256, [Float])]] = [:]
        let query: [Float] = [0.72, 0.69, 0.05, 0]

        init() {
            var generator = SeededGenerator(seed: 11)
            for index in 0..<10 {
                let noise = Float(generator.next() % 100) / 2_000
                shards[1, default: []].append((Hash256.of([1, UInt8(index)]), [0.7 + noise, 0.7, 0.05, noise]))
                shards[0, default: []].append((Hash256.of([0, UInt8(index)]), [1, noise, 0, 0.8]))
            }
        }

        func search(_ shard: ShardID, k: Int) -> [RoutedHit] {
            (shards[shard] ?? []).map { RoutedHit(id: $0.0, distance: Self.cosine(query, $0.1), shard: shard) }
                .sorted { $0.distance < $1.distance }.prefix(k).map { $0 }
        }

        static func cosine(_ a: [Float], _ b: [Float]) -> Float {
            let dot = zip(a, b).map(*).reduce(0, +)
            let norms = (a.map { $0 * $0 }.reduce(0, +) * b.map { $0 * $0 }.reduce(0, +)).squareRoot()
            return 1 - dot / norms
        }

        /// Recall@k of a routed answer against the exact top-k over all shards.
        func recall(_ result: RoutedResult, k: Int) -> Double {
            let all = (search(0, k: 100) + search(1, k: 100)).sorted { $0.distance < $1.distance }
            let truth = Set(all.prefix(k).map(\.id))
            return Double(result.hits.filter { truth.contains($0.id) }.count) / Double(k)
        }
    }

    @Test("When λ < 0.7 and the optimal shard answers poorly, fallback asks the next shard and raises recall")
    func fallbackRaisesRecall() {
        let fixture = Fixture()
        #expect(fixture.map.nearestShard(to: fixture.query) == 0)
        let router = QueryRouter()
        let turbulent = router.route(fixture.query, k: 5, lambda: FixedPoint(raw: 400_000), map: fixture.map) {
            fixture.search($0, k: 5)
        }
        let calm = router.route(fixture.query, k: 5, lambda: FixedPoint(raw: 900_000), map: fixture.map) {
            fixture.search($0, k: 5)
        }
        #expect(turbulent.usedFallback)
        #expect(turbulent.servedBy == [0, 1])
        #expect(fixture.recall(turbulent, k: 5) == 1)
        #expect(fixture.recall(calm, k: 5) < 0.5)
    }

    @Test("When λ ≥ 0.7 a query goes direct: one shard is touched", arguments: [700_000, 1_000_000, 1_500_000])
    func directWhenCalm(lambda: Int64) {
        let fixture = Fixture()
        var touched: [ShardID] = []
        let result = QueryRouter().route(fixture.query, k: 5, lambda: FixedPoint(raw: lambda), map: fixture.map) {
            touched.append($0)
            return fixture.search($0, k: 5)
        }
        #expect(touched == [0])
        #expect(result.servedBy == [0])
        #expect(!result.usedFallback)
    }

    @Test("A good answer from the optimal shard does not fall back even when λ is low")
    func goodAnswerStaysDirect() {
        let fixture = Fixture()
        let onTarget: [Float] = [1, 0.02, 0, 0.8]
        let result = QueryRouter().route(onTarget, k: 5, lambda: FixedPoint(raw: 200_000), map: fixture.map) { shard in
            (fixture.shards[shard] ?? []).map {
                RoutedHit(id: $0.0, distance: Fixture.cosine(onTarget, $0.1), shard: shard)
            }.sorted { $0.distance < $1.distance }
        }
        #expect(result.servedBy == [0])
        #expect(result.hits.count == 5)
    }

    @Test("a query about as near two centroids has two optimal shards; a clear one has one; tieFactor 1 turns ties off")
    func nearTies() {
        let map = MeshTestSupport.map(
            centroids: [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]],
            nodes: (0..<3).map { MeshTestSupport.key($0).publicKey })
        let router = QueryRouter()
        // Squared distances 0.5 and 0.52 (ratio 1.04 ≤ 1.1): shards 0 and 1 are both optimal.
        #expect(router.plan([0.5, 0.49, 0, 0], map: map).optimal == [0, 1])
        #expect(router.plan([0.5, 0.49, 0, 0], map: map).rest == [2])
        // Clearly nearer shard 0.
        #expect(router.plan([0.9, 0.1, 0, 0], map: map).optimal == [0])
        var strict = RoutingPolicy()
        strict.tieFactor = 1
        #expect(QueryRouter(policy: strict).plan([0.5, 0.49, 0, 0], map: map).optimal == [0])
        // Direct routing asks exactly the optimal shards, at any λ when the answer is good.
        var asked: [ShardID] = []
        let result = router.route([0.5, 0.49, 0, 0], k: 1, lambda: .one, map: map) { shard in
            asked.append(shard)
            return [RoutedHit(id: Hash256.of([UInt8(shard)]), distance: 0.01 * Float(shard), shard: shard)]
        }
        #expect(asked == [0, 1] && result.servedBy == [0, 1] && !result.usedFallback)
    }
}
