import Foundation
import HMNPrimitives
import HMNStorage
import Testing

@testable import HMNMesh

/// ``VectorStore/writtenRecords()``: what gossip replicates must be the record as written (its
/// content hash and proof depend on the original vector), not the normalized copy the index holds.
@Suite("Vector store export of written records")
struct VectorStoreExportTests {
    @Test("records come back exactly as written, while record(id:) returns the normalized vector")
    func exact() throws {
        let store = try VectorStore(
            path: ":memory:", configuration: VectorStoreTests.configuration(), logger: TestSupport.logger())
        let written = VectorStoreTests.vectors(12, seed: 21).enumerated().map { number, vector in
            TestSupport.record(number, vector: vector.map { $0 * 3 }, payload: Array("p\(number)".utf8))
        }
        for record in written { try store.upsert(record) }
        try store.recordAccess(id: written[3].id, nowMilliseconds: 99_000)
        let exported = try store.writtenRecords()
        #expect(Set(exported) == Set(written))
        #expect(exported.map(\.id) == exported.map(\.id).sorted(), "in id order")
        #expect(try store.writtenRecord(id: written[5].id) == written[5])
        #expect(try store.writtenRecord(id: Hash256.of([0xEE])) == nil)
        let indexed = try #require(store.record(id: written[5].id))
        #expect(indexed.vector != written[5].vector, "the index copy is normalized (cosine)")
        #expect(indexed.contentHash != written[5].contentHash)
        _ = try store.search(written[0].vector, k: 3)
        try store.checkpoint()
        #expect(store.database.busyStatementCount == 0, "no read transaction left open (it would pin the WAL)")
    }

    @Test("a store reopened from disk leaves no statement busy after loading")
    func reopenedStoreIsIdle() throws {
        let path = TestSupport.temporaryPath("idle.sqlite")
        do {
            let store = try VectorStore(path: path, configuration: VectorStoreTests.configuration(), logger: TestSupport.logger())
            for (number, vector) in VectorStoreTests.vectors(8, seed: 3).enumerated() {
                try store.upsert(TestSupport.record(number, vector: vector))
            }
            try store.close()
        }
        let reopened = try VectorStore(path: path, configuration: VectorStoreTests.configuration(), logger: TestSupport.logger())
        #expect(reopened.count == 8)
        #expect(reopened.database.busyStatementCount == 0)
        try reopened.close()
    }

    @Test("a damaged row is reported as corrupt, never exported")
    func damaged() throws {
        let path = TestSupport.temporaryPath("export.sqlite")
        let vectors = VectorStoreTests.vectors(6, seed: 5)
        let store = try VectorStore(path: path, configuration: VectorStoreTests.configuration(), logger: TestSupport.logger())
        for (number, vector) in vectors.enumerated() { try store.upsert(TestSupport.record(number, vector: vector)) }
        let id = TestSupport.id(2).bytes
        // Damage the row under the open store, through its own connection: a bit flip it has not read yet.
        var bytes = try Self.recordBlob(id, in: store.database)
        bytes[bytes.count / 2] ^= 0x10
        try store.database.statement("UPDATE records SET record = ? WHERE id = ?").bind(.blob(bytes), .blob(id)).run()
        #expect(throws: StorageError.self) { try store.writtenRecords() }
        #expect(throws: StorageError.self) { try store.writtenRecord(id: TestSupport.id(2)) }
        #expect(try store.writtenRecord(id: TestSupport.id(1)) != nil, "other rows still read")
        try store.close()
    }

    /// Reads one row's blob; the statement is finished before the function returns, so the
    /// connection holds no read transaction when the test writes.
    static func recordBlob(_ id: [UInt8], in database: SQLiteDatabase) throws -> [UInt8] {
        let read = try database.statement("SELECT record FROM records WHERE id = ?").bind(.blob(id))
        #expect(try read.step())
        let bytes = read.blob(0)
        #expect(try !read.step())
        return bytes
    }
}
