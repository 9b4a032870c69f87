import Foundation
import HMNPrimitives
import HMNStorage
import Testing

@testable import HMNMesh

/// Schema version 2: every record blob carries its BLAKE2b-256, checked when the store opens, so
/// a flipped byte in a stored vector or payload — which may still decode — is never served.
@Suite("Vector store record checksums")
struct RecordChecksumTests {
    @Test("a flipped byte anywhere in a stored record is refused as corrupt on open; restored, the store opens")
    func flippedRecordBytes() throws {
        let path = TestSupport.temporaryPath("checksum.sqlite")
        let vectors = VectorStoreTests.vectors(20, seed: 9)
        do {
            let store = try VectorStore(
                path: path, configuration: VectorStoreTests.configuration(), logger: TestSupport.logger())
            for (number, vector) in vectors.enumerated() {
                try store.upsert(TestSupport.record(number, vector: vector, payload: Array("payload \(number)".utf8)))
            }
            try store.close()
        }
        var generator = SeededGenerator(seed: 0xC5)
        for _ in 0..<10 {
            let id = TestSupport.id(Int.random(in: 0..<vectors.count, using: &generator)).bytes
            let database = try HMNStorageAccess.open(path)
            let read = try database.statement("SELECT record FROM records WHERE id = ?").bind(.blob(id))
            #expect(try read.step())
            let original = read.blob(0)
            var damaged = original
            damaged[Int.random(in: 0..<damaged.count, using: &generator)] ^= UInt8(
                1 << Int.random(in: 0..<8, using: &generator))
            try database.statement("UPDATE records SET record = ? WHERE id = ?").bind(.blob(damaged), .blob(id)).run()
            database.close()
            do {
                _ = try VectorStore(
                    path: path, configuration: VectorStoreTests.configuration(), logger: TestSupport.logger())
                Issue.record("a damaged record was loaded")
            } catch let error as StorageError {
                #expect(error.code == .corrupt, "\(error)")
            }
            let repair = try HMNStorageAccess.open(path)
            try repair.statement("UPDATE records SET record = ? WHERE id = ?").bind(.blob(original), .blob(id)).run()
            repair.close()
        }
        let store = try VectorStore(
            path: path, configuration: VectorStoreTests.configuration(), logger: TestSupport.logger())
        #expect(store.count == vectors.count)
        #expect(store.record(id: TestSupport.id(7))?.payload == Array("payload 7".utf8))
    }

    @Test("rows from before schema version 2 (no hash) still load")
    func legacyRows() throws {
        let path = TestSupport.temporaryPath("legacy.sqlite")
        let vectors = VectorStoreTests.vectors(5, seed: 4)
        do {
            let store = try VectorStore(
                path: path, configuration: VectorStoreTests.configuration(), logger: TestSupport.logger())
            for (number, vector) in vectors.enumerated() {
                try store.upsert(TestSupport.record(number, vector: vector))
            }
            try store.close()
        }
        let database = try HMNStorageAccess.open(path)
        try database.execute("UPDATE records SET record_hash = NULL")
        database.close()
        let store = try VectorStore(
            path: path, configuration: VectorStoreTests.configuration(), logger: TestSupport.logger())
        #expect(store.count == 5)
    }

    @Test("quantized codes carry their own hash: a flipped code is refused on open")
    func flippedQuantizedCodes() throws {
        let path = TestSupport.temporaryPath("quantized.sqlite")
        let now: UInt64 = 10 * 86_400_000
        do {
            let store = try VectorStore(
                path: path, configuration: VectorStoreTests.configuration(), logger: TestSupport.logger())
            // Untouched for ten days at importance 0.5: low value, so compression quantizes them.
            for (number, vector) in VectorStoreTests.vectors(12, seed: 21).enumerated() {
                try store.upsert(TestSupport.record(number, vector: vector, lastAccess: 0))
            }
            #expect(try store.compress(nowMilliseconds: now).quantized > 0)
            try store.close()
        }
        let database = try HMNStorageAccess.open(path)
        let read = try database.statement(
            "SELECT id, quantized FROM records WHERE quantized IS NOT NULL AND quantized_hash IS NOT NULL LIMIT 1")
        #expect(try read.step())
        let id = read.blob(0)
        var codes = read.blob(1)
        codes[codes.count / 3] ^= 0x01
        try database.statement("UPDATE records SET quantized = ? WHERE id = ?").bind(.blob(codes), .blob(id)).run()
        database.close()
        do {
            _ = try VectorStore(
                path: path, configuration: VectorStoreTests.configuration(), logger: TestSupport.logger())
            Issue.record("damaged quantized codes were loaded")
        } catch let error as StorageError {
            #expect(error.code == .corrupt && error.message.contains("quantized codes"), "\(error)")
        }
    }

    @Test(
        "a flipped importance, access count, last access or label is refused on open; updates after reads and merges keep the row valid",
        arguments: ["importance", "access_count", "last_access", "label"])
    func flippedBookkeeping(column: String) throws {
        let path = TestSupport.temporaryPath("bookkeeping-\(column).sqlite")
        do {
            let store = try VectorStore(
                path: path, configuration: VectorStoreTests.configuration(), logger: TestSupport.logger())
            for (number, vector) in VectorStoreTests.vectors(8, seed: 31).enumerated() {
                try store.upsert(TestSupport.record(number, vector: vector))
            }
            try store.recordAccess(id: TestSupport.id(3), nowMilliseconds: 5_000)
            try store.recordAccess(id: TestSupport.id(3), nowMilliseconds: 6_000)
            try store.close()
        }
        // Intact, with bookkeeping rewritten by the reads: it opens and keeps the access count.
        do {
            let store = try VectorStore(
                path: path, configuration: VectorStoreTests.configuration(), logger: TestSupport.logger())
            #expect(store.record(id: TestSupport.id(3))?.accessCount == 2)
            try store.close()
        }
        let database = try HMNStorageAccess.open(path)
        try database.statement("UPDATE records SET \(column) = \(column) + 1000 WHERE id = ?")
            .bind(.blob(TestSupport.id(3).bytes)).run()
        database.close()
        do {
            _ = try VectorStore(
                path: path, configuration: VectorStoreTests.configuration(), logger: TestSupport.logger())
            Issue.record("a damaged \(column) was loaded")
        } catch let error as StorageError {
            #expect(error.code == .corrupt && error.message.contains("bookkeeping"), "\(error)")
        }
    }
}
