import HMNConsensus
import HMNLedger
import HMNMesh
import HMNNode
import HMNPrimitives
import Testing

@Suite("NodeMessage wire protocol")
struct NodeMessageTests {
    static let key = SigningKey.derived(from: "wire")

    static var samples: [NodeMessage] {
        let vote = Vote.signed(
            chainID: "c", height: 3, round: 1, type: .prevote, blockID: Hash256.of([1]), voteExtension: nil, key: key)
        let transaction = SignedTransaction.make(
            chainID: "c", key: key, nonce: 4, body: .transfer(recipient: key.publicKey, amount: 5))
        let record = MemoryRecord(id: Hash256.of([9]), vector: [1, 2, 3], payload: [7], author: key.publicKey)
        return [
            .consensus(.vote(vote)), .consensus(.blockRequest(height: 12)), .transaction(transaction.canonicalBytes),
            .memoryRecord(record), .transactions([transaction.canonicalBytes, [1, 2, 3]]),
            .memoryRequest(
                MemoryRequest(
                    requestID: 7,
                    body: .search(
                        shards: [0, 3], vector: [0.5, -1, 2], k: 10, author: key.publicKey,
                        minimumRPHV: FixedPoint(ratio: 1, 2)))),
            .memoryRequest(
                MemoryRequest(requestID: 8, body: .search(shards: [], vector: [1], k: 1, author: nil, minimumRPHV: nil))
            ),
            .memoryRequest(MemoryRequest(requestID: .max, body: .record(id: Hash256.of([4])))),
            .memoryResponse(MemoryResponse(requestID: 7, body: .hits(records: [record], distances: [0.25]))),
            .memoryResponse(MemoryResponse(requestID: 8, body: .record(nil))),
            .memoryResponse(MemoryResponse(requestID: 9, body: .record(record))),
            .memoryResponse(MemoryResponse(requestID: 10, body: .failed("store refused ✓"))),
        ]
    }

    @Test("every kind round-trips through its canonical bytes", arguments: NodeMessageTests.samples)
    func roundTrip(_ message: NodeMessage) throws {
        let bytes = message.canonicalBytes
        #expect(try NodeMessage.decode(bytes) == message)
        // Trailing bytes are not the same message.
        #expect(throws: NodeMessageError.self) { try NodeMessage.decode(bytes + [0]) }
    }

    @Test(
        "memory requests and answers out of range are typed errors: k 0 or above the limit, hits without distances, unknown kinds"
    )
    func memoryRequestLimits() {
        for k: UInt32 in [0, MemoryRequest.maxK + 1] {
            let bytes = NodeMessage.memoryRequest(
                MemoryRequest(
                    requestID: 1, body: .search(shards: [0], vector: [1], k: k, author: nil, minimumRPHV: nil))
            ).canonicalBytes
            #expect(throws: NodeMessageError.self) { try NodeMessage.decode(bytes) }
        }
        let record = MemoryRecord(id: Hash256.of([9]), vector: [1, 2, 3], author: Self.key.publicKey)
        let uneven = NodeMessage.memoryResponse(
            MemoryResponse(requestID: 1, body: .hits(records: [record], distances: [0.1, 0.2]))
        ).canonicalBytes
        #expect(throws: NodeMessageError.self) { try NodeMessage.decode(uneven) }
        // A request tag the decoder does not know (kind 9 after the request id).
        #expect(throws: NodeMessageError.self) { try NodeMessage.decode([6] + [UInt8](repeating: 0, count: 8) + [9]) }
        // A failure reason longer than the limit is cut on encoding, so the answer still decodes.
        let long = NodeMessage.memoryResponse(
            MemoryResponse(requestID: 1, body: .failed(String(repeating: "é", count: 5_000))))
        #expect((try? NodeMessage.decode(long.canonicalBytes)) != nil)
    }

    @Test("size is checked before decoding; unknown kinds and truncation are typed errors")
    func typedErrors() {
        let big = NodeMessage.transaction([UInt8](repeating: 1, count: 2_000)).canonicalBytes
        #expect(throws: NodeMessageError(.oversize, "message of \(big.count) bytes exceeds 1000")) {
            try NodeMessage.decode(big, maxBytes: 1_000)
        }
        do {
            _ = try NodeMessage.decode([0x7F, 0, 0])
            Issue.record("unknown tag decoded")
        } catch {
            #expect(error.code == .unknownKind)
        }
        do {
            _ = try NodeMessage.decode([])
            Issue.record("empty message decoded")
        } catch {
            #expect(error.code == .malformed)
        }
        // A transaction batch must hold 1…maxTransactionsPerMessage items, checked before allocation.
        for count in [UInt32(0), UInt32(NodeMessage.maxTransactionsPerMessage + 1), UInt32.max] {
            var encoder = CanonicalEncoder()
            encoder.encode(UInt8(5))
            encoder.encode(count)
            do {
                _ = try NodeMessage.decode(encoder.bytes)
                Issue.record("a batch of \(count) decoded")
            } catch {
                #expect(error.code == .malformed)
            }
        }
        // A transaction payload claiming more than its limit is refused before allocation.
        do {
            _ = try NodeMessage.decode([2, 0xFF, 0xFF, 0xFF, 0xF0])
            Issue.record("oversize length decoded")
        } catch {
            #expect(error.code == .malformed)
        }
    }

    @Test("random garbage and random truncations never crash the decoder")
    func garbage() {
        var generator = SeededGenerator(seed: 2026)
        let valid = Self.samples.map(\.canonicalBytes)
        var rejected = 0
        for round in 0..<2_000 {
            var bytes: [UInt8]
            if round % 2 == 0 {
                bytes = (0..<Int.random(in: 0...64, using: &generator)).map { _ in
                    UInt8.random(in: 0...255, using: &generator)
                }
            } else {
                bytes = valid[round % valid.count]
                bytes = Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &generator)))
            }
            if (try? NodeMessage.decode(bytes)) == nil { rejected += 1 }
        }
        #expect(rejected >= 1_900, "truncations of valid messages must be rejected")
    }
}
