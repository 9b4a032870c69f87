import Foundation
@testable import HMNMesh
import HMNPrimitives
import Testing

@Suite("Memory records and proofs")
struct MemoryRecordTests {
    static let record = MemoryRecord(
        id: TestSupport.id(1), vector: [0.5, -1, 2, 0], payload: Array("hello".utf8),
        author: TestSupport.author.publicKey, version: 3, createdAtMilliseconds: 1_000,
        importance: FixedPoint(raw: 900_000), accessCount: 4, lastAccessMilliseconds: 2_000)

    @Test("canonical encoding round-trips and rejects trailing bytes")
    func roundTrip() throws {
        var record = Self.record
        record.proof = MemoryProof(
            record: record, rphv: FixedPoint(raw: 850_000), timestampMilliseconds: 5, chainID: "hmn-local",
            key: TestSupport.author)
        let bytes = record.canonicalBytes
        #expect(try MemoryRecord(canonicalBytes: bytes) == record)
        #expect(throws: CodecError.self) { try MemoryRecord(canonicalBytes: bytes + [0]) }
        #expect(throws: CodecError.self) { try MemoryRecord(canonicalBytes: Array(bytes.dropLast())) }
    }

    @Test("the content hash covers content, not read bookkeeping")
    func contentHash() {
        var touched = Self.record
        touched.accessCount += 10
        touched.lastAccessMilliseconds = 99_999
        #expect(touched.contentHash == Self.record.contentHash)
        var edited = Self.record
        edited.vector[0] = 0.25
        #expect(edited.contentHash != Self.record.contentHash)
        var reversioned = Self.record
        reversioned.version = 4
        #expect(reversioned.contentHash != Self.record.contentHash)
    }

    @Test("a proof verifies for its record and fails for any change")
    func proof() throws {
        let proof = MemoryProof(
            record: Self.record, rphv: FixedPoint(raw: 850_000), timestampMilliseconds: 7, chainID: "hmn-local",
            key: TestSupport.author)
        try proof.verify(for: Self.record, chainID: "hmn-local")
        var edited = Self.record
        edited.payload = Array("bye".utf8)
        #expect(throws: MemoryStoreError.self) { try proof.verify(for: edited, chainID: "hmn-local") }
        var forged = proof
        forged.rphv = FixedPoint(raw: 990_000)
        #expect(throws: MemoryStoreError.self) { try forged.verify(for: Self.record, chainID: "hmn-local") }
        let stranger = try SigningKey(seed: [UInt8](repeating: 9, count: 32))
        let wrongSigner = MemoryProof(
            record: Self.record, rphv: .one, timestampMilliseconds: 7, chainID: "hmn-local", key: stranger)
        #expect(throws: MemoryStoreError.self) { try wrongSigner.verify(for: Self.record, chainID: "hmn-local") }
        #expect(throws: MemoryStoreError.self) { try proof.verify(for: Self.record, chainID: "another-chain") }
    }

    @Test("RΦV decays with time, rises with use, and classifies against 0.8 and 0.2")
    func recordValue() {
        let policy = RecordValuePolicy(recencyTauMilliseconds: 1_000)
        var record = Self.record
        record.accessCount = 0
        record.lastAccessMilliseconds = 0
        let fresh = policy.value(of: record, nowMilliseconds: 0)
        let old = policy.value(of: record, nowMilliseconds: 3_000)
        #expect(fresh == FixedPoint(raw: 900_000))
        #expect(old < fresh)
        #expect(policy.isCritical(record, nowMilliseconds: 0))
        #expect(policy.isCompressible(record, nowMilliseconds: 3_000))
        record.accessCount = 50
        #expect(
            policy.value(of: record, nowMilliseconds: 1_000) > policy.value(of: Self.record, nowMilliseconds: 3_000))
    }
}
