import Foundation
@testable import HMNMesh
import HMNPrimitives
import Testing

@Suite("Vector store bookkeeping")
struct VectorStoreBookkeepingTests {
    @Test("access bookkeeping persists without changing the content hash")
    func access() throws {
        let path = TestSupport.temporaryPath("access.sqlite")
        let configuration = VectorStoreConfiguration(dimension: 8, metric: .l2)
        let record = TestSupport.record(1, vector: [1, 2, 3, 4, 5, 6, 7, 8])
        do {
            let store = try VectorStore(path: path, configuration: configuration, logger: TestSupport.logger())
            try store.upsert(record)
            try store.recordAccess(id: record.id, nowMilliseconds: 5_000)
            try store.recordAccess(id: record.id, nowMilliseconds: 6_000)
            #expect(throws: MemoryStoreError.self) { try store.recordAccess(id: TestSupport.id(2), nowMilliseconds: 1) }
            try store.close()
        }
        let store = try VectorStore(path: path, configuration: configuration, logger: TestSupport.logger())
        let reloaded = try #require(store.record(id: record.id))
        #expect(reloaded.accessCount == 2)
        #expect(reloaded.lastAccessMilliseconds == 6_000)
        #expect(reloaded.contentHash == record.contentHash)
    }

    @Test("deleting a merged record removes its aliases; deleting an alias keeps the record")
    func aliasDeletion() throws {
        let store = try VectorStore(
            path: ":memory:", configuration: VectorStoreConfiguration(dimension: 8, metric: .cosine),
            logger: TestSupport.logger())
        let base: [Float] = [1, 2, 3, 4, 5, 6, 7, 8]
        try store.upsert(TestSupport.record(1, vector: base, importance: 0.6))
        try store.upsert(TestSupport.record(2, vector: base.map { $0 * 1.001 }, importance: 0.3))
        try store.upsert(TestSupport.record(3, vector: base.map { $0 + 0.002 }, importance: 0.2))
        try store.upsert(TestSupport.record(4, vector: [8, -7, 6, -5, 4, -3, 2, -1], importance: 0.6))
        let report = try store.compress(nowMilliseconds: 0, policy: CompressionPolicy(quantizesLowValue: false))
        #expect(report.merged == 2)
        let survivor = TestSupport.id(1)
        #expect(store.resolve(TestSupport.id(2)) == survivor)
        #expect(store.resolve(TestSupport.id(3)) == survivor)
        #expect(store.count == 2)
        #expect(try store.delete(id: TestSupport.id(2)))
        #expect(store.resolve(TestSupport.id(2)) == TestSupport.id(2))
        #expect(store.record(id: TestSupport.id(3)) != nil)
        #expect(try store.delete(id: survivor))
        #expect(store.record(id: TestSupport.id(3)) == nil)
        #expect(store.count == 1)
    }
}
