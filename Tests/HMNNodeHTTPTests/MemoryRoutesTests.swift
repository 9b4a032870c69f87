import Foundation
import HMNMesh
import HMNNodeHTTP
import HMNPrimitives
import Hummingbird
import Testing

@Suite("Memory routes: put, search, proof")
struct MemoryRoutesTests {
    @Test("put records, then search: nearest first, filter by author and RΦV, routing report")
    func putAndSearch() async throws {
        let harness = try APIHarness()
        try await harness.run { client in
            let records = [
                Fixtures.record(seed: 1, vector: [1, 0, 0, 0], author: 0, importance: 300_000),
                Fixtures.record(seed: 2, vector: [0, 1, 0, 0], author: 1, importance: 600_000),
                Fixtures.record(seed: 3, vector: [0.9, 0.1, 0, 0], author: 1, importance: 100_000),
            ]
            for record in records {
                let response = try await client.post("/v1/memory", record)
                #expect(response.status == .created)
                let put = try response.decode(MemoryPutResponse.self)
                #expect(put.id == record.id)
                #expect(put.proofSubmitted == false)
                #expect(put.contentHash.count == 64)
                #expect(put.shard == 0 && put.replicas == FakeNode.userKeys.prefix(2).map(\.publicKey.hex))
            }

            let all = try await client.post("/v1/memory/search", MemorySearchRequest(vector: [1, 0, 0, 0], k: 2))
            #expect(all.status == .ok)
            let result = try all.decode(MemorySearchResponse.self)
            #expect(result.hits.map(\.record.id) == [records[0].id, records[2].id])
            #expect(result.hits[0].distance == 0)
            #expect(result.hits[0].record.vector == nil)
            #expect(result.hits[0].record.payload == records[0].payload)
            #expect(result.routing == .init(mode: "direct", servedShards: [0], totalShards: 1, unavailableShards: []))

            let filtered = try await client.post(
                "/v1/memory/search",
                MemorySearchRequest(
                    vector: [1, 0, 0, 0], k: 5,
                    filter: .init(
                        author: FakeNode.userKeys[1].publicKey.hex, minimumRPHV: FixedPointJSON(ppm: nil, value: 0.5)),
                    includeVectors: true)
            ).decode(MemorySearchResponse.self)
            #expect(filtered.hits.map(\.record.id) == [records[1].id])
            #expect(filtered.hits[0].record.vector == [0, 1, 0, 0])
        }
    }

    @Test("a critical record with a signed proof: the proof is served back, with its id")
    func criticalRecordProof() async throws {
        let harness = try APIHarness()
        let author = FakeNode.userKeys[2]
        let record = MemoryRecord(
            id: Hash256.of([9]), vector: [0.5, 0.5, 0, 0], payload: Array("critical".utf8), author: author.publicKey,
            createdAtMilliseconds: 1_700_000_000_000, importance: FixedPoint(raw: 900_000))
        let proof = MemoryProof(
            record: record, rphv: FixedPoint(raw: 900_000), timestampMilliseconds: 1_700_000_000_001,
            chainID: FakeNode.chainID, key: author)
        var withProof = record
        withProof.proof = proof
        let signed = withProof
        try await harness.run { client in
            let response = try await client.post("/v1/memory", MemoryRecordJSON(signed))
            #expect(response.status == .created)
            let put = try response.decode(MemoryPutResponse.self)
            #expect(put.proofSubmitted)
            #expect(put.proofTransactionId == proof.proofID.hex)
            #expect(put.contentHash == record.contentHash.hex)

            let answer = try await client.get("/v1/memory/\(record.id.hex)/proof")
            #expect(answer.status == .ok)
            let status = try answer.decode(MemoryProofStatusJSON.self)
            #expect(status.status == "pending")
            #expect(status.proof == MemoryProofJSON(proof))
            #expect(try status.proof.proof(field: "proof") == proof)

            let missing = try await client.get("/v1/memory/\(Hash256.of([42]).hex)/proof")
            #expect(missing.status == .notFound)
        }
    }

    @Test("a record is read back by id exactly as written; an unknown id is 404, a malformed one 400")
    func recordByID() async throws {
        let harness = try APIHarness()
        let record = Fixtures.record(seed: 4, vector: [3, 0, 4, 0], author: 0, importance: 250_000)
        try await harness.run { client in
            #expect(try await client.post("/v1/memory", record).status == .created)
            let answer = try await client.get("/v1/memory/\(record.id)")
            #expect(answer.status == .ok)
            let read = try answer.decode(MemoryRecordJSON.self)
            #expect(read.vector == [3, 0, 4, 0])
            #expect(read.payload == record.payload)
            #expect(read.author == record.author)
            #expect(try await client.get("/v1/memory/\(Hash256.of([43]).hex)").status == .notFound)
            #expect(try await client.get("/v1/memory/not-a-hash").status == .badRequest)
        }
    }

    @Test("a record round-trips through its JSON form")
    func recordJSONRoundTrip() throws {
        let key = FakeNode.userKeys[0]
        let record = MemoryRecord(
            id: Hash256.of([7]), vector: [0.25, -1.5, 3, 0], payload: [0, 1, 2, 255], author: key.publicKey,
            version: 3, createdAtMilliseconds: 10, updatedAtMilliseconds: 20, importance: FixedPoint(raw: 123_456),
            replicaAgreement: FixedPoint(raw: 654_321), accessCount: 4, lastAccessMilliseconds: 30)
        let json = MemoryRecordJSON(record)
        let data = try JSONEncoder().encode(json)
        let decoded = try JSONDecoder().decode(MemoryRecordJSON.self, from: data)
        #expect(try decoded.record(maxDimension: 8) == record)
        #expect(json.payload == "AAEC/w==")
    }

    @Test(
        "GET /v1/mesh/shards: the map with each shard's replicas and this node's counts; 404 from a node that does not shard"
    )
    func meshShards() async throws {
        let harness = try APIHarness()
        try await harness.run { client in
            _ = try await client.post(
                "/v1/memory", Fixtures.record(seed: 1, vector: [1, 0, 0, 0], author: 0, importance: 300_000))
            let response = try await client.get("/v1/mesh/shards")
            #expect(response.status == .ok)
            let shards = try response.decode(MemoryShardsJSON.self)
            #expect(shards.mapVersion == 3 && shards.replicationFactor == 2)
            #expect(shards.shards.map(\.id) == [0, 1] && shards.shards.map(\.hostedHere) == [true, false])
            #expect(shards.shards[0].records == 1 && shards.storeRecords == 2 && shards.handingOff == 1)
            #expect(shards.shards.map(\.queries) == [5, 0])
            #expect(shards.shards[1].replicas == FakeNode.userKeys.suffix(2).map(\.publicKey.hex))
            await harness.node.stopSharding()
            let unsharded = try await client.get("/v1/mesh/shards")
            #expect(unsharded.status == .notFound)
        }
    }
}
