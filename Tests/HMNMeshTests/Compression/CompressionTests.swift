import Foundation
@testable import HMNMesh
import HMNPrimitives
import Testing

/// The adaptive-compression guard (SPEC §9): on a store where half the records are low-value and a
/// quarter are near-duplicates of others, one pass must shrink vector data ≥ 2× while recall@10 on
/// held-out queries drops by at most one point. Merged ids must stay resolvable; critical records
/// are never touched.
@Suite("Adaptive compression")
struct CompressionTests {
    static let now: UInt64 = 10 * 86_400_000
    static let distinct = 1_200
    static let duplicates = 400

    struct Fixture {
        var store: VectorStore
        var vectors: [Int: [Float]]
        var queries: [[Float]]
        var criticalPairs: [(Int, Int)]
    }

    static func makeFixture(path: String) throws -> Fixture {
        var data = LowRankVectors(dimension: 64, intrinsicDimension: 12, noise: 0.05, seed: 31)
        var generator = SeededGenerator(seed: 32)
        var vectors: [Int: [Float]] = [:]
        for number in 0..<distinct { vectors[number] = data.next() }
        // Near-duplicates: a tiny perturbation of an existing record (cosine ≈ 0.999).
        for number in distinct..<(distinct + duplicates) {
            let original = vectors[Int(generator.next() % UInt64(distinct))]!
            vectors[number] = original.map { $0 + 0.01 * LowRankVectors.gaussian(&generator) }
        }
        let store = try VectorStore(
            path: path,
            configuration: VectorStoreConfiguration(
                dimension: 64, metric: .cosine, hnsw: HNSWParameters(m: 16, efConstruction: 64, efSearch: 64)),
            logger: TestSupport.logger())
        var records: [MemoryRecord] = []
        for number in 0..<(distinct + duplicates) {
            // Even numbers are low-value: untouched for ten days (R ≈ e^-10).
            let lowValue = number % 2 == 0
            records.append(
                TestSupport.record(
                    number, vector: vectors[number]!, importance: lowValue ? 0.5 : 0.7,
                    lastAccess: lowValue ? 0 : now))
        }
        // Two critical records, each with a near-duplicate twin that is critical too: never merged.
        var criticalPairs: [(Int, Int)] = []
        for pair in 0..<2 {
            let first = 10_000 + 2 * pair
            let base = data.next()
            vectors[first] = base
            vectors[first + 1] = base.map { $0 * 1.0001 }
            for number in [first, first + 1] {
                var record = TestSupport.record(number, vector: vectors[number]!, importance: 0.95, lastAccess: now)
                record.proof = MemoryProof(
                    record: record, rphv: FixedPoint(raw: 950_000), timestampMilliseconds: now, chainID: "hmn-local",
                    key: TestSupport.author)
                records.append(record)
            }
            criticalPairs.append((first, first + 1))
        }
        try store.upsert(contentsOf: records)
        return Fixture(store: store, vectors: vectors, queries: data.next(100), criticalPairs: criticalPairs)
    }

    /// recall@10 where a returned record answers for every id that resolves to it.
    static func recall(_ store: VectorStore, queries: [[Float]], truth: [[Hash256]]) throws -> Double {
        var found = 0
        for (query, expected) in zip(queries, truth) {
            let returned = Set(try store.search(query, k: 10, efSearch: 64).map(\.id))
            found += expected.filter { returned.contains(store.resolve($0)) }.count
        }
        return Double(found) / Double(queries.count * 10)
    }

    @Test("one pass halves the vector bytes and costs at most one point of recall@10")
    func guardRail() throws {
        let path = TestSupport.temporaryPath("compress.sqlite")
        let fixture = try Self.makeFixture(path: path)
        let store = fixture.store
        // Ground truth: exact cosine neighbours over the original Float32 vectors.
        let exact = FlatIndex(dimension: 64, metric: .cosine)
        let numbers = fixture.vectors.keys.sorted()
        for number in numbers { try exact.add(fixture.vectors[number]!, label: UInt64(number)) }
        let truth = try fixture.queries.map { try exact.search($0, k: 10).map { TestSupport.id(Int($0.label)) } }

        let recallBefore = try Self.recall(store, queries: fixture.queries, truth: truth)
        let report = try store.compress(nowMilliseconds: Self.now)
        let recallAfter = try Self.recall(store, queries: fixture.queries, truth: truth)

        print(
            "compression: merged \(report.merged), quantized \(report.quantized), vector bytes "
                + "\(report.before.vectorDataBytes) → \(report.after.vectorDataBytes) "
                + "(\(report.vectorDataRatio)×), total \(report.before.totalBytes) → \(report.after.totalBytes), "
                + "recall@10 \(recallBefore) → \(recallAfter)"
        )
        #expect(report.merged >= Self.duplicates / 2, "merged \(report.merged)")
        #expect(report.quantized > 0)
        #expect(report.vectorDataRatio >= 2, "vector data shrank only \(report.vectorDataRatio)×: \(report)")
        #expect(recallAfter >= recallBefore - 0.01, "recall@10 \(recallBefore) → \(recallAfter)")

        // Every original id still resolves to a record.
        for number in numbers { #expect(store.record(id: TestSupport.id(number)) != nil, "id \(number) lost") }
        // Critical pairs are near-duplicates but stay separate, full-precision records.
        for (first, second) in fixture.criticalPairs {
            #expect(store.resolve(TestSupport.id(first)) == TestSupport.id(first))
            #expect(store.resolve(TestSupport.id(second)) == TestSupport.id(second))
        }
        // No record that is not low-value was quantized.
        let quantizedIDs = store.stateLock.withReadLock { store.records.values.filter(\.isQuantized).map(\.metadata) }
        let policy = store.configuration.valuePolicy
        #expect(quantizedIDs.allSatisfy { policy.isCompressible($0, nowMilliseconds: Self.now) })

        // Aliases and codes are durable.
        let aliasCount = store.stateLock.withReadLock { store.aliases.count }
        let liveCount = store.count
        try store.close()
        let reopened = try VectorStore(path: path, configuration: store.configuration, logger: TestSupport.logger())
        #expect(reopened.count == liveCount)
        #expect(reopened.stateLock.withReadLock { reopened.aliases.count } == aliasCount)
        #expect(try Self.recall(reopened, queries: fixture.queries, truth: truth) >= recallBefore - 0.01)
    }
}
