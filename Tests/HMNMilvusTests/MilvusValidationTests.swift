import HMNMesh
import HMNMilvus
import HMNPrimitives
import Testing

extension MilvusServerTests {
    /// Refused inputs get the embedded store's `MemoryStoreError` codes and change nothing.
    @Suite("Validation: bad inputs are refused before anything is sent")
    struct Validation {
        typealias Support = MilvusTestSupport

        @Test("Wrong dimension: refused on write and search with .wrongDimension; nothing stored")
        func wrongDimension() throws {
            let store = try Support.open(Support.freshCollection("dimension"))
            let good = Support.record(1, vector: Support.vectors(1, dimension: 16, seed: 1)[0])
            try store.upsert(good)
            let short = Support.record(2, vector: Support.vectors(1, dimension: 15, seed: 2)[0])
            let long = Support.record(3, vector: Support.vectors(1, dimension: 17, seed: 3)[0])
            #expect(Support.storeErrorCode { try store.upsert(short) } == .wrongDimension)
            #expect(Support.storeErrorCode { try store.upsert(long) } == .wrongDimension)
            #expect(Support.storeErrorCode { _ = try store.search(long.vector, k: 1) } == .wrongDimension)
            #expect(try store.record(id: short.id) == nil)
            #expect(try store.record(id: long.id) == nil)
            #expect(store.count == 1)
            #expect(try store.writtenRecords() == [good])
        }

        @Test("NaN and infinity: refused with .nonFiniteComponent; a batch holding one stores none of its records")
        func nonFinite() throws {
            let store = try Support.open(Support.freshCollection("nan"))
            var vector = Support.vectors(1, dimension: 16, seed: 4)[0]
            let good = Support.record(1, vector: vector)
            vector[3] = .nan
            let nan = Support.record(2, vector: vector)
            vector[3] = .infinity
            let infinite = Support.record(3, vector: vector)
            #expect(Support.storeErrorCode { try store.upsert(nan) } == .nonFiniteComponent)
            #expect(Support.storeErrorCode { try store.upsert(infinite) } == .nonFiniteComponent)
            #expect(Support.storeErrorCode { try store.upsert(contentsOf: [good, nan]) } == .nonFiniteComponent)
            #expect(Support.storeErrorCode { _ = try store.search(nan.vector, k: 1) } == .nonFiniteComponent)
            #expect(store.count == 0)
            #expect(try store.writtenRecords().isEmpty)
        }

        @Test("A record too large for one Milvus row is refused with .payloadTooLarge; k out of range with .invalidK")
        func limits() throws {
            let store = try Support.open(Support.freshCollection("limits"))
            let vector = Support.vectors(1, dimension: 16, seed: 5)[0]
            let big = Support.record(1, vector: vector, payload: [UInt8](repeating: 7, count: 60_000))
            #expect(Support.storeErrorCode { try store.upsert(big) } == .payloadTooLarge)
            let fits = Support.record(2, vector: vector, payload: [UInt8](repeating: 7, count: 40_000))
            try store.upsert(fits)
            #expect(try store.record(id: fits.id) == fits)
            #expect(Support.storeErrorCode { _ = try store.search(vector, k: 0) } == .invalidK)
            #expect(Support.storeErrorCode { _ = try store.search(vector, k: 20_000) } == .invalidK)
            #expect(store.count == 1)
        }
    }
}
