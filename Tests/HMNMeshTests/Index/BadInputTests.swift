import Foundation
@testable import HMNMesh
import HMNPrimitives
import Testing

/// Bad input gets a typed error and leaves indexes and stores unchanged.
@Suite("Bad input")
struct BadInputTests {
    static func code(_ body: () throws -> Void) -> MemoryStoreError.Code? {
        do {
            try body()
            return nil
        } catch let error as MemoryStoreError {
            return error.code
        } catch {
            return nil
        }
    }

    @Test("indexes reject bad vectors and bad k without changing")
    func indexes() throws {
        let hnsw = try HNSWIndex(dimension: 4, metric: .cosine, maxK: 100)
        let flat = FlatIndex(dimension: 4, metric: .cosine, maxK: 100)
        let quantized = QuantizedFlatIndex(dimension: 4, metric: .cosine, maxK: 100)
        let indexes: [any VectorIndex] = [hnsw, flat, quantized]
        for index in indexes {
            try index.add([1, 0, 0, 0], label: 1)
            #expect(Self.code { try index.add([1, 0, 0], label: 2) } == .wrongDimension)
            #expect(Self.code { try index.add([1, .nan, 0, 0], label: 2) } == .nonFiniteComponent)
            #expect(Self.code { try index.add([1, .infinity, 0, 0], label: 2) } == .nonFiniteComponent)
            #expect(Self.code { try index.add([0, 0, 0, 0], label: 2) } == .zeroVector)
            #expect(Self.code { _ = try index.search([1, 0, 0, 0], k: 0) } == .invalidK)
            #expect(Self.code { _ = try index.search([1, 0, 0, 0], k: -3) } == .invalidK)
            #expect(Self.code { _ = try index.search([1, 0, 0, 0], k: 1_000_000) } == .invalidK)
            #expect(Self.code { _ = try index.search([1, 0, 0], k: 1) } == .wrongDimension)
            #expect(index.count == 1)
            #expect(try index.search([0, 1, 0, 0], k: 5).map(\.label) == [1])
        }
        #expect(Self.code { _ = try hnsw.search([1, 0, 0, 0], k: 10, efSearch: 5) } == .invalidParameter)
        #expect(
            Self.code { _ = try HNSWIndex(dimension: 4, metric: .l2, parameters: HNSWParameters(m: 1)) }
                == .invalidParameter)
        // Zero vectors are fine where they have a meaning.
        let l2 = FlatIndex(dimension: 2, metric: .l2)
        try l2.add([0, 0], label: 1)
        #expect(l2.count == 1)
    }

    @Test("the store rejects bad records and queries and stays unchanged")
    func store() throws {
        let store = try VectorStore(
            path: ":memory:",
            configuration: VectorStoreConfiguration(dimension: 4, metric: .cosine, maxPayloadBytes: 16, maxK: 50),
            logger: TestSupport.logger())
        try store.upsert(TestSupport.record(1, vector: [1, 0, 0, 0], version: 5))
        let before = store.record(id: TestSupport.id(1))
        let bad: [(MemoryRecord, MemoryStoreError.Code)] = [
            (TestSupport.record(2, vector: [1, 0]), .wrongDimension),
            (TestSupport.record(2, vector: [1, .nan, 0, 0]), .nonFiniteComponent),
            (TestSupport.record(2, vector: [-.infinity, 0, 0, 0]), .nonFiniteComponent),
            (TestSupport.record(2, vector: [0, 0, 0, 0]), .zeroVector),
            (TestSupport.record(1, vector: [0, 1, 0, 0], version: 4), .staleVersion),
            (TestSupport.record(1, vector: [0, 1, 0, 0], version: 5), .staleVersion),
            (TestSupport.record(2, vector: [1, 0, 0, 0], payload: [UInt8](repeating: 1, count: 17)), .payloadTooLarge),
            (TestSupport.record(2, vector: [1, 0, 0, 0], importance: 0.95), .invalidProof),
        ]
        for (record, expected) in bad {
            #expect(Self.code { try store.upsert(record) } == expected)
        }
        // A batch with one bad record applies nothing.
        let batch = [TestSupport.record(3, vector: [0, 0, 1, 0]), TestSupport.record(4, vector: [0, 0, 0, 0])]
        #expect(Self.code { try store.upsert(contentsOf: batch) } == .zeroVector)
        #expect(store.count == 1)
        #expect(store.record(id: TestSupport.id(3)) == nil)
        #expect(store.record(id: TestSupport.id(1)) == before)
        #expect(Self.code { _ = try store.search([1, 0, 0, 0], k: 0) } == .invalidK)
        #expect(Self.code { _ = try store.search([1, 0, 0, 0], k: 51) } == .invalidK)
        #expect(Self.code { _ = try store.search([1, 0, 0, 0], k: 10, efSearch: 9) } == .invalidParameter)
        #expect(Self.code { _ = try store.search([0, 0, 0, 0], k: 1) } == .zeroVector)
        #expect(try store.search([1, 0, 0, 0], k: 3).map(\.id) == [TestSupport.id(1)])
    }
}
