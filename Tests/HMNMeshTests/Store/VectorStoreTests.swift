import Foundation
@testable import HMNMesh
import HMNPrimitives
import Testing

@Suite("Vector store persistence")
struct VectorStoreTests {
    static func configuration(checkpointInterval: Int = 10_000) -> VectorStoreConfiguration {
        VectorStoreConfiguration(
            dimension: 32, metric: .cosine, hnsw: HNSWParameters(m: 8, efConstruction: 48, efSearch: 48),
            checkpointInterval: checkpointInterval)
    }

    static func vectors(_ count: Int, seed: UInt64 = 3) -> [[Float]] {
        var generator = LowRankVectors(dimension: 32, intrinsicDimension: 8, seed: seed)
        return generator.next(count)
    }

    @Test("records, updates, deletes and the graph survive reopen; the graph is loaded, not rebuilt")
    func reopen() throws {
        let path = TestSupport.temporaryPath("store.sqlite")
        let vectors = Self.vectors(300)
        do {
            let store = try VectorStore(path: path, configuration: Self.configuration(), logger: TestSupport.logger())
            try store.upsert(
                contentsOf: vectors.prefix(200).enumerated().map { TestSupport.record($0.offset, vector: $0.element) })
            for number in 200..<300 { try store.upsert(TestSupport.record(number, vector: vectors[number])) }
            try store.upsert(TestSupport.record(5, vector: vectors[250], version: 2, payload: [42]))
            #expect(try store.delete(id: TestSupport.id(6)))
            #expect(try !store.delete(id: TestSupport.id(6)))
            try store.close()
        }
        let store = try VectorStore(path: path, configuration: Self.configuration(), logger: TestSupport.logger())
        #expect(store.count == 299)
        #expect(store.writesSinceCheckpoint == 0, "a clean close leaves nothing to re-insert")
        #expect(store.graph.count == 299)
        #expect(store.record(id: TestSupport.id(6)) == nil)
        let updated = try #require(store.record(id: TestSupport.id(5)))
        #expect(updated.version == 2 && updated.payload == [42])
        for number in [0, 17, 199, 299 - 1] where number != 6 {
            let hits = try store.search(vectors[number], k: 3)
            #expect(hits.first?.id == (number == 250 ? hits.first?.id : TestSupport.id(number)))
        }
        // Reopening with another shape is refused.
        var other = Self.configuration()
        other.dimension = 16
        #expect(throws: MemoryStoreError.self) {
            try VectorStore(path: path, configuration: other, logger: TestSupport.logger())
        }
    }

    @Test("without a clean close, only records newer than the checkpoint are re-inserted")
    func checkpointWatermark() throws {
        let path = TestSupport.temporaryPath("watermark.sqlite")
        let vectors = Self.vectors(130, seed: 4)
        do {
            let store = try VectorStore(
                path: path, configuration: Self.configuration(checkpointInterval: 50),
                logger: TestSupport.logger())
            for (number, vector) in vectors.enumerated() {
                try store.upsert(TestSupport.record(number, vector: vector))
            }
            // Dropped without close(): like a crash after the last automatic checkpoint (at 100).
        }
        let store = try VectorStore(
            path: path, configuration: Self.configuration(checkpointInterval: 50),
            logger: TestSupport.logger())
        #expect(store.count == 130)
        #expect(store.writesSinceCheckpoint == 30)
        for number in [0, 99, 100, 129] {
            #expect(try store.search(vectors[number], k: 1).first?.id == TestSupport.id(number))
        }
    }

    @Test("a corrupt graph checkpoint is detected and the graph rebuilt from the records")
    func corruptCheckpoint() throws {
        let path = TestSupport.temporaryPath("corrupt.sqlite")
        let vectors = Self.vectors(60, seed: 5)
        do {
            let store = try VectorStore(path: path, configuration: Self.configuration(), logger: TestSupport.logger())
            for (number, vector) in vectors.enumerated() {
                try store.upsert(TestSupport.record(number, vector: vector))
            }
            try store.close()
            let database = try HMNStorageAccess.open(path)
            try database.execute("UPDATE graph SET image = substr(image, 1, 100) || zeroblob(10)")
        }
        let store = try VectorStore(path: path, configuration: Self.configuration(), logger: TestSupport.logger())
        #expect(store.writesSinceCheckpoint == 60)
        #expect(try store.search(vectors[42], k: 1).first?.id == TestSupport.id(42))
    }

    @Test("filtered search by record metadata")
    func filtered() throws {
        let store = try VectorStore(path: ":memory:", configuration: Self.configuration(), logger: TestSupport.logger())
        let vectors = Self.vectors(200, seed: 6)
        for (number, vector) in vectors.enumerated() {
            try store.upsert(TestSupport.record(number, vector: vector, payload: [UInt8(number % 3)]))
        }
        let hits = try store.search(vectors[0], k: 10) { $0.payload == [1] }
        #expect(hits.count == 10)
        for hit in hits { #expect(store.record(id: hit.id)?.payload == [1]) }
    }

    @Test("searches run while a writer inserts")
    func concurrentStore() async throws {
        let store = try VectorStore(path: ":memory:", configuration: Self.configuration(), logger: TestSupport.logger())
        let vectors = Self.vectors(400, seed: 7)
        try store.upsert(
            contentsOf: vectors.prefix(100).enumerated().map { TestSupport.record($0.offset, vector: $0.element) })
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for number in 100..<400 { try store.upsert(TestSupport.record(number, vector: vectors[number])) }
            }
            group.addTask {
                while store.count < 400 {
                    let hits = try store.search(vectors[Int.random(in: 0..<100)], k: 5)
                    #expect(hits.count == 5)
                }
            }
            try await group.waitForAll()
        }
        #expect(store.count == 400)
    }
}
