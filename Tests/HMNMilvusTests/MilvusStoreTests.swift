import HMNMesh
import HMNMilvus
import HMNPrimitives
import Testing

extension MilvusServerTests {
    @Suite("Store: insert, search, replace, delete, reopen")
    struct Store {
        typealias Support = MilvusTestSupport

        @Test("Insert and search: recall@10 against brute force, exact self-hits, a full scan returns every record")
        func insertAndSearch() throws {
            let store = try Support.open(Support.freshCollection("search"))
            let base = Support.vectors(600, dimension: 16, seed: 11)
            let records = base.enumerated().map { Support.record($0.offset, vector: $0.element) }
            try store.upsert(contentsOf: Array(records[..<300]))
            try store.upsert(contentsOf: Array(records[300...]))
            #expect(store.count == 600)

            let queries = Support.vectors(20, dimension: 16, seed: 12)
            var found = 0
            for query in queries {
                let want = Set(Support.exactNearest(query, in: base, k: 10).map { Support.id($0) })
                let hits = try store.search(query, k: 10)
                #expect(hits.count == 10)
                #expect(hits.map(\.distance) == hits.map(\.distance).sorted())
                found += hits.filter { want.contains($0.id) }.count
            }
            let recall = Double(found) / Double(queries.count * 10)
            #expect(recall >= 0.9, "recall@10 \(recall)")

            for number in [0, 299, 300, 599] {
                let hit = try #require(try store.search(base[number], k: 1).first)
                #expect(hit.id == Support.id(number))
                #expect(hit.distance < 1e-4)
            }
            let written = try store.writtenRecords()
            #expect(written.count == 600)
            #expect(Set(written) == Set(records))
        }

        @Test("A record reads back exactly as written; a higher version replaces it, an equal or lower one is refused")
        func replace() throws {
            let store = try Support.open(Support.freshCollection("replace"))
            let first = Support.record(1, vector: Support.vectors(1, dimension: 16, seed: 1)[0], payload: [1, 2, 3])
            try store.upsert(first)
            #expect(try store.record(id: first.id) == first)

            var second = first
            second.version = 2
            second.vector = Support.vectors(1, dimension: 16, seed: 2)[0]
            second.payload = Array("second".utf8)
            try store.upsert(second)
            #expect(try store.record(id: first.id) == second)
            #expect(store.count == 1)
            let hits = try store.search(second.vector, k: 5)
            #expect(hits.first?.id == first.id)
            #expect(hits.filter { $0.id == first.id }.count == 1)

            #expect(Support.storeErrorCode { try store.upsert(first) } == .staleVersion)
            #expect(Support.storeErrorCode { try store.upsert(second) } == .staleVersion)
            #expect(try store.record(id: first.id) == second)
        }

        @Test("Delete removes a record from reads, searches and the count; deleting again answers false")
        func delete() throws {
            let store = try Support.open(Support.freshCollection("delete"))
            let vectors = Support.vectors(10, dimension: 16, seed: 3)
            try store.upsert(contentsOf: vectors.enumerated().map { Support.record($0.offset, vector: $0.element) })
            #expect(try store.delete(id: Support.id(4)))
            #expect(store.count == 9)
            #expect(try store.record(id: Support.id(4)) == nil)
            #expect(try !store.search(vectors[4], k: 10).contains { $0.id == Support.id(4) })
            #expect(try store.delete(id: Support.id(4)) == false)
            #expect(try store.writtenRecords().count == 9)
        }

        @Test("Reopen: a new store on the same collection sees the same records; another shape is refused")
        func reopen() throws {
            let collection = Support.freshCollection("reopen")
            let vectors = Support.vectors(50, dimension: 16, seed: 4)
            let records = vectors.enumerated().map { Support.record($0.offset, vector: $0.element) }
            let first = try Support.open(collection)
            try first.upsert(contentsOf: records)
            first.close()

            let second = try Support.open(collection)
            #expect(second.count == 50)
            #expect(try second.record(id: Support.id(17)) == records[17])
            #expect(try second.search(vectors[33], k: 1).first?.id == Support.id(33))

            #expect(Support.milvusErrorCode { _ = try Support.open(collection, dimension: 8) } == .schemaMismatch)
            #expect(Support.milvusErrorCode { _ = try Support.open(collection, metric: .cosine) } == .schemaMismatch)
        }

        @Test("Cosine: distances are 1 − cos like the embedded store's; a zero vector is refused")
        func cosine() throws {
            let store = try Support.open(Support.freshCollection("cosine"), metric: .cosine)
            let vectors = Support.vectors(20, dimension: 16, seed: 5)
            try store.upsert(contentsOf: vectors.enumerated().map { Support.record($0.offset, vector: $0.element) })
            let scaled = vectors[7].map { $0 * 3 }
            let hit = try #require(try store.search(scaled, k: 1).first)
            #expect(hit.id == Support.id(7))
            #expect(abs(hit.distance) < 1e-4)
            let zero = [Float](repeating: 0, count: 16)
            #expect(Support.storeErrorCode { try store.upsert(Support.record(99, vector: zero)) } == .zeroVector)
        }

        @Test("A filtered search returns only records passing the filter, k of them when enough pass")
        func filteredSearch() throws {
            let store = try Support.open(Support.freshCollection("filter"))
            let other = try SigningKey(seed: [UInt8](repeating: 9, count: 32)).publicKey
            let vectors = Support.vectors(200, dimension: 16, seed: 6)
            var records = vectors.enumerated().map { Support.record($0.offset, vector: $0.element) }
            for index in records.indices where index % 10 != 0 { records[index].author = other }
            try store.upsert(contentsOf: records)
            let mine = Support.author.publicKey
            let hits = try store.search(vectors[5], k: 10, filter: { $0.author == mine })
            #expect(hits.count == 10)
            let byID = Dictionary(uniqueKeysWithValues: records.map { ($0.id, $0) })
            #expect(hits.allSatisfy { byID[$0.id]?.author == mine })
        }
    }
}
