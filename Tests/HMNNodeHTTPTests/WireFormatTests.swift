import Foundation
import HMNLedger
import HMNNodeHTTP
import HMNPrimitives
import Testing

@Suite("Wire types")
struct WireFormatTests {
    @Test(
        "FixedPointJSON carries ppm and value; either reads back exactly",
        arguments: [0, 1, 700_000, 999_999, 1_000_000])
    func fixedPoint(_ raw: Int64) throws {
        let json = FixedPointJSON(FixedPoint(raw: raw))
        #expect(json.ppm == raw)
        #expect(try FixedPointJSON(ppm: nil, value: json.value).fixedPoint(field: "x") == FixedPoint(raw: raw))
        #expect(try FixedPointJSON(ppm: raw, value: nil).unitInterval(field: "x") == FixedPoint(raw: raw))
        #expect(try json.fixedPoint(field: "x") == FixedPoint(raw: raw))
        let data = try JSONEncoder().encode(json)
        #expect(try JSONDecoder().decode(FixedPointJSON.self, from: data) == json)
    }

    @Test("FixedPointJSON refuses empty, disagreeing and out-of-range values")
    func fixedPointRefusals() {
        #expect(throws: APIError.self) { try FixedPointJSON(ppm: nil, value: nil).fixedPoint(field: "x") }
        #expect(throws: APIError.self) { try FixedPointJSON(ppm: 1, value: 0.5).fixedPoint(field: "x") }
        #expect(throws: APIError.self) { try FixedPointJSON(ppm: -1, value: nil).unitInterval(field: "x") }
        #expect(throws: APIError.self) { try FixedPointJSON(ppm: nil, value: .infinity).fixedPoint(field: "x") }
    }

    @Test("every transaction kind decodes to its JSON view with the canonical hex")
    func transactionKinds() {
        let key = FakeNode.userKeys[0]
        let other = FakeNode.userKeys[1].publicKey
        let proof = MemoryProof.signed(
            chainID: "c", recordID: Hash256.of([1]), contentHash: Hash256.of([2]), timestampMilliseconds: 3,
            rphv: FixedPoint(raw: 850_000), key: key)
        let bodies: [(TransactionBody, String)] = [
            (.transfer(recipient: other, amount: 5), "transfer"), (.mintT0(epoch: 2, amount: 9), "mint-t0"),
            (.mintT1(proofID: proof.proofID, amount: 4), "mint-t1"), (.memoryProof(proof), "memory-proof"),
            (.bond(amount: 7), "bond"), (.unbond(amount: 8), "unbond"),
            (.shardMapProposal(payload: [1, 2, 0xFF]), "shard-map-proposal"),
        ]
        for (body, type) in bodies {
            let transaction = SignedTransaction.make(chainID: "c", key: key, nonce: 3, body: body)
            let json = TransactionJSON(transaction)
            #expect(json.type == type)
            #expect(json.from == key.publicKey.hex)
            #expect(json.nonce == 3)
            #expect(json.id == transaction.id.hex)
            #expect(Hex.decode(json.tx) == transaction.canonicalBytes)
            switch body {
            case .transfer: #expect(json.to == other.hex && json.amount == 5)
            case .mint(.t0): #expect(json.epoch == 2 && json.amount == 9)
            case .mint(.t1): #expect(json.proofId == proof.proofID.hex && json.amount == 4)
            case .memoryProof: #expect(json.memoryProof == MemoryProofJSON(proof))
            case .bond: #expect(json.amount == 7)
            case .unbond: #expect(json.amount == 8)
            case .shardMapProposal: #expect(json.payload == "0102ff" && json.amount == nil)
            }
        }
    }

    @Test("error bodies encode as {error: {code, message, field}}")
    func errorBodyShape() throws {
        let body = APIError(.invalidVector, "vector[1] is nan", field: "vector").body
        let object = try JSONSerialization.jsonObject(with: try JSONEncoder().encode(body)) as? [String: Any]
        let detail = try #require(object?["error"] as? [String: String])
        #expect(detail == ["code": "invalidVector", "message": "vector[1] is nan", "field": "vector"])
    }
}
