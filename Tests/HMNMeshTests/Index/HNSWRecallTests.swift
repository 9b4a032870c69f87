import Foundation
@testable import HMNMesh
import HMNPrimitives
import Testing

/// HNSW recall against the exact index on seeded low-rank data (intrinsic dimension 16 in 128-d,
/// noise 0.05). The 20k × 128 check runs in release via `hmn-bench vectors --synthetic 20000`
/// (Docs/PERFORMANCE.md); here n = 2,000 keeps the debug suite fast with the same data recipe.
@Suite("HNSW recall")
struct HNSWRecallTests {
    static let count = 2_000
    static let efSearch = 64

    static func data(seed: UInt64) -> (base: [[Float]], queries: [[Float]]) {
        var generator = LowRankVectors(seed: seed)
        return (generator.next(count), generator.next(100))
    }

    @Test("recall@10 ≥ 0.95 at efSearch 64", arguments: [DistanceMetric.l2, .cosine, .innerProduct])
    func recallAgainstExact(metric: DistanceMetric) throws {
        let (base, queries) = Self.data(seed: 11)
        let index = try HNSWIndex(dimension: 128, metric: metric, parameters: HNSWParameters(m: 16, efConstruction: 80))
        for (label, vector) in base.enumerated() { try index.add(vector, label: UInt64(label)) }
        let truth = try TestSupport.groundTruth(base: base, queries: queries, metric: metric, k: 10)
        let results = try queries.map { try index.search($0, k: 10, efSearch: Self.efSearch).map(\.label) }
        let recall = TestSupport.recall(results, truth: truth, k: 10)
        #expect(recall >= 0.95, "recall@10 = \(recall) for \(metric)")
    }

    @Test("deletes and updates keep recall, and deleted labels never come back")
    func deletesAndUpdates() throws {
        let (base, queries) = Self.data(seed: 12)
        var generator = SeededGenerator(seed: 99)
        let index = try HNSWIndex(dimension: 128, metric: .l2, parameters: HNSWParameters(m: 16, efConstruction: 80))
        for (label, vector) in base.enumerated() { try index.add(vector, label: UInt64(label)) }
        // Delete 20%, update 10% to fresh vectors.
        var current = Dictionary(uniqueKeysWithValues: base.enumerated().map { (UInt64($0.offset), $0.element) })
        let shuffled = Array(0..<Self.count).shuffled(using: &generator)
        let deleted = Set(shuffled.prefix(Self.count / 5).map { UInt64($0) })
        for label in deleted {
            #expect(index.remove(label: label))
            current.removeValue(forKey: label)
        }
        var fresh = LowRankVectors(seed: 13)
        for number in shuffled.dropFirst(Self.count / 5).prefix(Self.count / 10) {
            let vector = fresh.next()
            try index.add(vector, label: UInt64(number))
            current[UInt64(number)] = vector
        }
        #expect(index.count == current.count)
        let labels = current.keys.sorted()
        let exact = FlatIndex(dimension: 128, metric: .l2)
        for label in labels { try exact.add(current[label]!, label: label) }
        let truth = try queries.map { try exact.search($0, k: 10).map(\.label) }
        let results = try queries.map { try index.search($0, k: 10, efSearch: Self.efSearch).map(\.label) }
        #expect(results.allSatisfy { $0.allSatisfy { !deleted.contains($0) } })
        let recall = TestSupport.recall(results, truth: truth, k: 10)
        #expect(recall >= 0.95, "recall@10 after deletes and updates = \(recall)")
        // Compaction drops tombstones without changing answers.
        index.compact()
        #expect(index.nodeTotal == index.count)
        let compacted = try queries.map { try index.search($0, k: 10, efSearch: Self.efSearch).map(\.label) }
        #expect(TestSupport.recall(compacted, truth: truth, k: 10) >= 0.95)
    }

    @Test("filtered search returns only matching labels, and finds them")
    func filteredSearch() throws {
        let (base, queries) = Self.data(seed: 14)
        let index = try HNSWIndex(dimension: 128, metric: .l2, parameters: HNSWParameters(m: 16, efConstruction: 80))
        for (label, vector) in base.enumerated() { try index.add(vector, label: UInt64(label)) }
        let even: (UInt64) -> Bool = { $0 % 2 == 0 }
        let exact = FlatIndex(dimension: 128, metric: .l2)
        for (label, vector) in base.enumerated() { try exact.add(vector, label: UInt64(label)) }
        let truth = try queries.map { try exact.search($0, k: 10, filter: even).map(\.label) }
        let results = try queries.map {
            try index.search($0, k: 10, efSearch: Self.efSearch, filter: even).map(\.label)
        }
        #expect(results.allSatisfy { $0.count == 10 && $0.allSatisfy(even) })
        #expect(TestSupport.recall(results, truth: truth, k: 10) >= 0.95)
    }

    @Test("the graph image round-trips and answers identically")
    func serializationRoundTrip() throws {
        let (base, queries) = Self.data(seed: 15)
        let parameters = HNSWParameters(m: 12, efConstruction: 64)
        let index = try HNSWIndex(dimension: 128, metric: .cosine, parameters: parameters)
        for (label, vector) in base.prefix(800).enumerated() { try index.add(vector, label: UInt64(label)) }
        index.remove(label: 3)
        let image = index.serialized()
        let loaded = try HNSWIndex(image: image, dimension: 128, metric: .cosine, parameters: parameters)
        #expect(loaded.count == index.count)
        for query in queries.prefix(20) {
            #expect(try loaded.search(query, k: 10) == index.search(query, k: 10))
        }
        // A damaged image is refused, not trusted.
        var damaged = image
        damaged.removeLast(5)
        #expect(throws: MemoryStoreError.self) {
            try HNSWIndex(image: damaged, dimension: 128, metric: .cosine, parameters: parameters)
        }
        #expect(throws: MemoryStoreError.self) {
            try HNSWIndex(image: image, dimension: 64, metric: .cosine, parameters: parameters)
        }
    }

    @Test("searches run concurrently with a writer and always see a consistent graph")
    func concurrentReadersAndWriter() async throws {
        let (base, queries) = Self.data(seed: 16)
        let index = try HNSWIndex(dimension: 128, metric: .l2, parameters: HNSWParameters(m: 12, efConstruction: 48))
        for (label, vector) in base.prefix(500).enumerated() { try index.add(vector, label: UInt64(label)) }
        let total = 1_200
        try await withThrowingTaskGroup(of: Int.self) { group in
            group.addTask {
                for (label, vector) in base[500..<total].enumerated() {
                    try index.add(vector, label: UInt64(label + 500))
                }
                return 0
            }
            for reader in 0..<3 {
                group.addTask {
                    var searches = 0
                    while index.count < total {
                        let hits = try index.search(queries[(searches + reader) % queries.count], k: 10)
                        #expect(hits.count == 10)
                        #expect(zip(hits, hits.dropFirst()).allSatisfy { $0.distance <= $1.distance })
                        searches += 1
                    }
                    return searches
                }
            }
            for try await _ in group {}
        }
        #expect(index.count == total)
    }
}
