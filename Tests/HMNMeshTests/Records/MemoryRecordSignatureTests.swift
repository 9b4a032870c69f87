import Foundation
import HMNPrimitives
import HMNStorage
import Testing

@testable import HMNMesh

/// The author's signature on a memory record, and the store's rule that a record keeps its author.
@Suite("Memory record signatures")
struct MemoryRecordSignatureTests {
    let chainID = "hmn-test"

    @Test("a signed record verifies for its chain; another chain, another key or a changed signed field does not")
    func signAndVerify() throws {
        let record = TestSupport.record(1, vector: VectorStoreTests.vectors(1, seed: 3)[0])
            .signed(chainID: chainID, key: TestSupport.author)
        try record.verifySignature(chainID: chainID)
        #expect(throws: MemoryStoreError.self) { try record.verifySignature(chainID: "another-chain") }

        var changes: [MemoryRecord] = []
        for change in 0..<5 {
            var copy = record
            switch change {
            case 0: copy.payload = [1]
            case 1: copy.importance = FixedPoint(raw: 900_000)
            case 2: copy.updatedAtMilliseconds += 1
            case 3: copy.version += 1
            default: copy.signature = nil
            }
            changes.append(copy)
        }
        for changed in changes {
            #expect(throws: MemoryStoreError.self) { try changed.verifySignature(chainID: chainID) }
        }
        // Replica bookkeeping is not signed.
        var read = record
        read.accessCount = 9
        read.lastAccessMilliseconds = 77
        read.replicaAgreement = FixedPoint(raw: 500_000)
        try read.verifySignature(chainID: chainID)
        // The signature travels in the canonical encoding.
        #expect(try MemoryRecord(canonicalBytes: record.canonicalBytes) == record)
    }

    @Test("a store refuses a new version of a record under another author")
    func storeKeepsTheAuthor() throws {
        let store = try VectorStore(
            path: ":memory:", configuration: VectorStoreTests.configuration(), logger: TestSupport.logger())
        let vector = VectorStoreTests.vectors(1, seed: 4)[0]
        try store.upsert(TestSupport.record(1, vector: vector))
        let other = try SigningKey(seed: [UInt8](repeating: 9, count: 32))
        let forged = MemoryRecord(id: TestSupport.id(1), vector: vector, author: other.publicKey, version: 5)
        do {
            try store.upsert(forged)
            Issue.record("another author replaced the record")
        } catch let error as MemoryStoreError {
            #expect(error.code == .authorMismatch)
        }
        #expect(store.record(id: TestSupport.id(1))?.author == TestSupport.author.publicKey)
    }

    @Test("a row written before records carried a signature loads as an unsigned record")
    func legacyRow() throws {
        let path = TestSupport.temporaryPath("legacy-unsigned.sqlite")
        let record = TestSupport.record(2, vector: VectorStoreTests.vectors(1, seed: 5)[0], payload: [7])
        do {
            let store = try VectorStore(
                path: path, configuration: VectorStoreTests.configuration(), logger: TestSupport.logger())
            try store.upsert(record)
            try store.close()
        }
        // The old encoding ended after the proof: drop the signature's `00` and rehash the row.
        let database = try HMNStorageAccess.open(path)
        let blob = try #require(
            try database.statement("SELECT record FROM records WHERE id = ?").bind(.blob(record.id.bytes)).row {
                $0.blob(0)
            })
        #expect(blob.last == 0)
        let legacy = Array(blob.dropLast())
        try database.statement("UPDATE records SET record = ?, record_hash = ? WHERE id = ?")
            .bind(.blob(legacy), .blob(Hash256.of(legacy).bytes), .blob(record.id.bytes)).run()
        database.close()
        let store = try VectorStore(
            path: path, configuration: VectorStoreTests.configuration(), logger: TestSupport.logger())
        #expect(store.record(id: record.id)?.payload == [7])
        #expect(try store.writtenRecord(id: record.id) == record)
    }
}
