import Foundation
import HMNLedger
import HMNNode
import HMNNodeHTTP
import HMNPrimitives
import Hummingbird
import Testing

/// One refused request and what the answer must be.
struct BadRequestCase: Sendable, CustomTestStringConvertible {
    var name: String
    var method: HTTPRequest.Method = .post
    var uri: String
    var body: String?
    var status: Int
    var code: String
    var field: String?

    var testDescription: String { name }

    static func transaction(_ name: String, _ body: String, _ status: Int, _ code: String, field: String? = nil)
        -> Self
    {
        Self(name: name, uri: "/v1/transactions", body: body, status: status, code: code, field: field)
    }

    static func memory(_ name: String, _ body: String, _ status: Int, _ code: String, field: String? = nil) -> Self {
        Self(name: name, uri: "/v1/memory", body: body, status: status, code: code, field: field)
    }

    static func search(_ name: String, _ body: String, _ status: Int, _ code: String, field: String? = nil) -> Self {
        Self(name: name, uri: "/v1/memory/search", body: body, status: status, code: code, field: field)
    }

    static func get(_ name: String, _ uri: String, _ status: Int, _ code: String, field: String? = nil) -> Self {
        Self(name: name, method: .get, uri: uri, status: status, code: code, field: field)
    }
}

@Suite("Bad input: 4xx with a JSON error body naming the problem, node state unchanged")
struct BadInputTests {
    static let author = FakeNode.userKeys[0].publicKey.hex
    static let id = Hash256.of([1]).hex

    static func memoryBody(vector: String, extra: String = "") -> String {
        #"{"id": "\#(id)", "author": "\#(author)", "vector": \#(vector)\#(extra)}"#
    }

    static let cases: [BadRequestCase] = {
        let good = Fixtures.transfer()
        let badSignature = try! Fixtures.tampered(good)
        let otherChain = Fixtures.transfer(chainID: "another-chain")
        let skippedNonce = Fixtures.transfer(nonce: 5)
        let truncated = Hex.encode(good.canonicalBytes.dropLast())
        return [
            .transaction("JSON syntax error", #"{"tx": "#, 400, "invalidJSON"),
            .transaction("not an object", #"["tx"]"#, 400, "wrongType"),
            .transaction("empty body", "", 400, "invalidJSON"),
            .transaction("missing field", #"{"transaction": "00"}"#, 400, "missingField", field: "tx"),
            .transaction("wrong type", #"{"tx": 42}"#, 400, "wrongType", field: "tx"),
            .transaction("null field", #"{"tx": null}"#, 400, "wrongType", field: "tx"),
            .transaction("bad hex", #"{"tx": "zz11"}"#, 400, "invalidValue", field: "tx"),
            .transaction("odd-length hex", #"{"tx": "abc"}"#, 400, "invalidValue", field: "tx"),
            .transaction("empty tx", #"{"tx": ""}"#, 400, "invalidValue", field: "tx"),
            .transaction("truncated transaction bytes", #"{"tx": "\#(truncated)"}"#, 400, "malformed"),
            .transaction("garbage transaction bytes", #"{"tx": "deadbeef"}"#, 400, "malformed"),
            .transaction(
                "bad signature", #"{"tx": "\#(Hex.encode(badSignature.canonicalBytes))"}"#, 400, "badSignature"),
            .transaction("other chain", #"{"tx": "\#(Hex.encode(otherChain.canonicalBytes))"}"#, 400, "wrongChain"),
            .transaction("skipped nonce", #"{"tx": "\#(Hex.encode(skippedNonce.canonicalBytes))"}"#, 422, "rejected"),
            BadRequestCase(
                name: "submit wait not a number", uri: "/v1/transactions?waitMilliseconds=soon",
                body: #"{"tx": "\#(Hex.encode(good.canonicalBytes))"}"#, status: 400, code: "invalidValue",
                field: "waitMilliseconds"),
            BadRequestCase(
                name: "submit wait above 30 s", uri: "/v1/transactions?waitMilliseconds=30001",
                body: #"{"tx": "\#(Hex.encode(good.canonicalBytes))"}"#, status: 400, code: "invalidValue",
                field: "waitMilliseconds"),

            .memory("NaN token is not JSON", memoryBody(vector: "[NaN, 0, 0, 0]"), 400, "invalidJSON"),
            .memory("Infinity token is not JSON", memoryBody(vector: "[Infinity, 0, 0, 0]"), 400, "invalidJSON"),
            .memory(
                "float beyond float32", memoryBody(vector: "[1e39, 0, 0, 0]"), 400, "invalidVector", field: "vector"),
            .search("float beyond float32 in a query", #"{"vector": [0, -1e39, 0, 0], "k": 1}"#, 400, "invalidVector"),
            // Foundation cannot represent it at all, so it is not JSON to this server.
            .memory("number beyond double", memoryBody(vector: "[1e400, 0, 0, 0]"), 400, "invalidJSON"),
            .memory("wrong dimension", memoryBody(vector: "[1, 0, 0]"), 400, "invalidVector"),
            .memory("empty vector", memoryBody(vector: "[]"), 400, "invalidVector", field: "vector"),
            .memory("vector of strings", memoryBody(vector: #"["a", "b"]"#), 400, "wrongType", field: "vector[0]"),
            .memory("missing vector", #"{"id": "\#(id)", "author": "\#(author)"}"#, 400, "missingField"),
            .memory(
                "missing author", #"{"id": "\#(id)", "vector": [1, 0, 0, 0]}"#, 400, "missingField", field: "author"),
            .memory(
                "short id", #"{"id": "abcd", "author": "\#(author)", "vector": [1, 0, 0, 0]}"#, 400, "invalidValue",
                field: "id"),
            .memory(
                "author not a curve point",
                #"{"id": "\#(id)", "author": "\#(String(repeating: "ff", count: 32))", "vector": [1, 0, 0, 0]}"#,
                400, "invalidValue", field: "author"),
            .memory(
                "bad base64 payload", memoryBody(vector: "[1, 0, 0, 0]", extra: #", "payload": "%%%""#), 400,
                "invalidValue", field: "payload"),
            .memory(
                "importance above 1", memoryBody(vector: "[1, 0, 0, 0]", extra: #", "importance": {"ppm": 2000000}"#),
                400, "invalidValue", field: "importance"),
            .memory(
                "importance ppm and value disagree",
                memoryBody(vector: "[1, 0, 0, 0]", extra: #", "importance": {"ppm": 100000, "value": 0.2}"#), 400,
                "invalidValue", field: "importance"),
            .memory(
                "version 0", memoryBody(vector: "[1, 0, 0, 0]", extra: #", "version": 0"#), 400, "invalidValue",
                field: "version"),
            .memory(
                "negative version", memoryBody(vector: "[1, 0, 0, 0]", extra: #", "version": -1"#), 400,
                "invalidValue"),
            .memory(
                "critical record without proof",
                memoryBody(vector: "[1, 0, 0, 0]", extra: #", "importance": {"value": 0.9}"#), 422, "rejected"),

            .search("k is zero", #"{"vector": [1, 0, 0, 0], "k": 0}"#, 400, "invalidValue", field: "k"),
            .search("k above the limit", #"{"vector": [1, 0, 0, 0], "k": 101}"#, 400, "invalidValue", field: "k"),
            .search("k is a string", #"{"vector": [1, 0, 0, 0], "k": "5"}"#, 400, "wrongType", field: "k"),
            .search("query of wrong dimension", #"{"vector": [1, 0], "k": 1}"#, 400, "invalidVector"),
            .search(
                "bad author filter", #"{"vector": [1, 0, 0, 0], "k": 1, "filter": {"author": "xyz"}}"#, 400,
                "invalidValue", field: "filter.author"),

            .get("height not a number", "/v1/blocks/abc", 400, "invalidValue", field: "height"),
            .get("height zero", "/v1/blocks/0", 400, "invalidValue", field: "height"),
            .get("height above the tip", "/v1/blocks/99", 404, "notFound"),
            .get("block id not hex", "/v1/blocks/by-id/xyz", 400, "invalidValue", field: "hash"),
            .get("unknown block id", "/v1/blocks/by-id/\(Hash256.of([3]).hex)", 404, "notFound"),
            .get("transaction id too short", "/v1/transactions/abcd", 400, "invalidValue", field: "id"),
            .get(
                "commit wait not a number", "/v1/transactions/\(Hash256.of([4]).hex)?waitMilliseconds=soon", 400,
                "invalidValue", field: "waitMilliseconds"),
            .get(
                "commit wait above 30 s", "/v1/transactions/\(Hash256.of([4]).hex)?waitMilliseconds=30001", 400,
                "invalidValue", field: "waitMilliseconds"),
            .get("account key not hex", "/v1/accounts/nothex", 400, "invalidValue", field: "key"),
            .get(
                "unknown account", "/v1/accounts/\(SigningKey.derived(from: "nobody").publicKey.hex)", 404, "notFound"),
            .get("memory proof of a bad id", "/v1/memory/12/proof", 400, "invalidValue", field: "id"),
            .get("unknown route", "/v2/status", 404, "notFound"),
            .get("wrong method on a route", "/v1/memory", 404, "notFound"),
        ]
    }()

    @Test("refused with the right status and code", arguments: cases)
    func refused(_ bad: BadRequestCase) async throws {
        let harness = try APIHarness()
        let before = await harness.node.snapshot()
        try await harness.run { client in
            let response = try await client.execute(
                uri: bad.uri, method: bad.method, headers: [.contentType: "application/json"],
                body: bad.body.map { ByteBuffer(string: $0) })
            #expect(Int(response.status.code) == bad.status, "\(response.text)")
            #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
            let detail = try response.errorDetail()
            #expect(detail.code == bad.code, "\(detail.message)")
            #expect(!detail.message.isEmpty)
            if let field = bad.field { #expect(detail.field == field, "\(detail.message)") }
        }
        #expect(await harness.node.snapshot() == before)
    }

    @Test("a duplicate transaction is refused (422) and the mempool keeps one copy")
    func duplicateTransaction() async throws {
        let harness = try APIHarness()
        let transfer = Fixtures.transfer()
        try await harness.run { client in
            #expect(try await client.post("/v1/transactions", SubmitTransactionRequest(transfer)).status == .accepted)
            let before = await harness.node.snapshot()
            let again = try await client.post("/v1/transactions", SubmitTransactionRequest(transfer))
            #expect(again.status == .unprocessableContent)
            #expect(try again.errorDetail().code == "rejected")
            #expect(await harness.node.snapshot() == before)
        }
    }

    @Test("a memory proof with a bad signature is refused and the record is not stored")
    func badMemoryProof() async throws {
        let harness = try APIHarness()
        let author = FakeNode.userKeys[1]
        var json = Fixtures.record(seed: 5, vector: [0, 0, 1, 0], author: 1, importance: 900_000)
        let record = try json.record(maxDimension: 8)
        var proof = MemoryProofJSON(
            MemoryProof(
                record: record, rphv: FixedPoint(raw: 900_000), timestampMilliseconds: 1,
                chainID: FakeNode.chainID, key: author))
        proof.signature = String(proof.signature.dropLast(2)) + (proof.signature.hasSuffix("00") ? "01" : "00")
        json.proof = proof
        let body = json
        try await harness.run { client in
            let response = try await client.post("/v1/memory", body)
            #expect(response.status == .badRequest)
            #expect(try response.errorDetail().code == "badSignature")
        }
        #expect(await harness.node.snapshot().records.isEmpty)
    }

    @Test("a record whose proof is for another chain is refused")
    func proofForAnotherChain() async throws {
        let harness = try APIHarness()
        var json = Fixtures.record(seed: 6, vector: [0, 0, 0, 1], author: 2, importance: 900_000)
        let record = try json.record(maxDimension: 8)
        json.proof = MemoryProofJSON(
            MemoryProof(
                record: record, rphv: FixedPoint(raw: 900_000), timestampMilliseconds: 1, chainID: "elsewhere",
                key: FakeNode.userKeys[2]))
        let body = json
        try await harness.run { client in
            let response = try await client.post("/v1/memory", body)
            #expect(response.status == .badRequest)
            #expect(try response.errorDetail().code == "badSignature")
        }
        #expect(await harness.node.snapshot().records.isEmpty)
    }
}
