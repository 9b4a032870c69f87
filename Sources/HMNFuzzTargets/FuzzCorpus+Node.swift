import Foundation
import HMNConsensus
import HMNMesh
import HMNNode
import HMNNodeHTTP
import HMNPrimitives

/// Seeds of the node-level targets: node wire messages, mesh gossip and API request bodies.
extension FuzzCorpus {
    static let carol = try! SigningKey(seed: [UInt8](repeating: 3, count: 32))

    // MARK: Node messages

    static var nodeMessages: [[UInt8]] {
        [
            NodeMessage.consensus(.vote(votes[0])), .consensus(.proposal(proposal)),
            .consensus(.blockRequest(height: 7)), .transaction(transactions[0].canonicalBytes),
            .memoryRecord(records[1]), .meshGossip(gossipMessages[0]),
            .transactions(transactions.prefix(2).map(\.canonicalBytes)),
            .memoryRequest(
                MemoryRequest(
                    requestID: 1,
                    body: .search(
                        shards: [0, 1], vector: [1, 0, 0, 0], k: 10, author: alice.publicKey,
                        minimumRPHV: FixedPoint(ratio: 1, 2)))),
            .memoryRequest(MemoryRequest(requestID: 2, body: .record(id: records[0].id))),
            .memoryResponse(MemoryResponse(requestID: 1, body: .hits(records: [records[1]], distances: [0.125]))),
            .memoryResponse(MemoryResponse(requestID: 2, body: .record(records[0]))),
            .memoryResponse(MemoryResponse(requestID: 3, body: .failed("no"))),
        ].map(\.canonicalBytes)
    }

    static var nodeMessageNearMisses: [[UInt8]] {
        let transaction = NodeMessage.transaction(transactions[0].canonicalBytes).canonicalBytes
        return [
            [], [9] + transaction.dropFirst(), transaction + [0], Array(transaction.dropLast()),
            // A transaction length prefix far beyond the bytes that follow.
            [2, 0x00, 0x20, 0x00, 0x00, 1, 2, 3],
        ]
    }

    // MARK: Gossip

    /// Two shards of 4-dimensional space; alice, bob and carol host both (replication 3).
    static var shardMap: ShardMap {
        let proposal = ShardMapProposal(
            baseVersion: 0,
            changes: [.setCentroids([[1, 0, 0, 0], [0, 1, 0, 0]])]
                + [alice, bob, carol].map { .upsertNode(MeshNodeInfo(key: $0.publicKey)) })
        // A fixed, valid proposal on an empty map cannot fail.
        return try! ShardMap(dimension: 4, replicationFactor: 3).applying(proposal)
    }

    static func meshRecord(
        _ id: UInt8, _ vector: [Float], by author: SigningKey, version: UInt64 = 1, critical: Bool = false
    ) -> MemoryRecord {
        var record = MemoryRecord(
            id: Hash256.of([id]), vector: vector, payload: Array("record \(id)".utf8), author: author.publicKey,
            version: version, createdAtMilliseconds: 10, importance: FixedPoint(raw: critical ? 900_000 : 400_000))
        if critical {
            record.proof = MemoryProof(
                record: record, rphv: FixedPoint(raw: 900_000), timestampMilliseconds: 10, chainID: chainID,
                key: author)
        }
        return record.signed(chainID: chainID, key: author)
    }

    /// What the fuzzed node already holds (pushed by carol).
    static var heldRecords: [MemoryRecord] {
        [
            meshRecord(21, [1, 0.1, 0, 0], by: carol), meshRecord(22, [0.1, 1, 0, 0], by: carol),
            meshRecord(23, [1, 0, 0.2, 0], by: carol, critical: true),
        ]
    }

    static var newRecords: [MemoryRecord] {
        [
            meshRecord(31, [0.9, 0.2, 0, 0], by: bob), meshRecord(32, [0, 0.8, 0.1, 0], by: bob, critical: true),
            meshRecord(21, [1, 0.1, 0, 0.3], by: carol, version: 2),
        ]
    }

    static var gossipMessages: [[UInt8]] {
        let held = heldRecords
        let fresh = newRecords
        let store = GossipFuzzing.prepared.engine.store
        var root = store.fingerprint(shard: 0, prefix: .root)
        root.count += 1
        let messages: [GossipMessage] = [
            .push(shard: 0, records: fresh, kind: .eager),
            .push(shard: 1, records: [meshRecord(33, [0, 1, 0, 0.5], by: bob)], kind: .handoff),
            .push(shard: 1, records: [held[1]], kind: .response),
            .ihave(shard: 0, entries: [RecordVersion(fresh[0]), RecordVersion(held[0]), RecordVersion(fresh[2])]),
            .iwant(ids: [held[0].id, held[1].id, Hash256.of([99])]),
            .reconcile(shard: 0, ranges: [root], complete: []),
            .reconcile(shard: 0, ranges: store.children(shard: 0, prefix: .root), complete: [.root]),
            .items(
                shard: 0, prefix: .root,
                entries: [RecordSummary(RecordVersion(fresh[2])), RecordSummary(RecordVersion(fresh[0]))], reply: false),
            .ack(entries: [RecordVersion(held[0])]),
        ]
        return messages.map(\.canonicalBytes)
    }

    static var gossipNearMisses: [[UInt8]] {
        let push = GossipMessage.push(shard: 0, records: newRecords, kind: .eager).canonicalBytes
        var badKind = push
        badKind[badKind.count - 1] = 3
        // Tag, shard, range count, then the first range's depth: 9 is beyond RangePrefix.maxDepth.
        var deepPrefix = GossipMessage.reconcile(
            shard: 0, ranges: [RangeFingerprint(prefix: .root, count: 1, fingerprint: 7)], complete: []
        ).canonicalBytes
        deepPrefix[9] = 9
        return [
            [6], badKind, deepPrefix, Array(push.dropLast(10)), push + [0],
            // IWANT claiming 2^32 − 1 ids.
            [2, 0xFF, 0xFF, 0xFF, 0xFF, 0],
        ]
    }

    /// Sessions from bob (0) and carol (1): announce → request → answer; a handoff and its ack;
    /// repair; a peer graylisted for forged proofs whose valid data is then ignored; then each
    /// single-message seed as a session of one.
    static var gossipSessions: [[UInt8]] {
        let held = heldRecords
        let fresh = newRecords
        var forged = fresh[1]
        forged.proof?.timestampMilliseconds += 1
        let handoff = meshRecord(33, [0, 1, 0, 0.5], by: bob)
        var root = GossipFuzzing.prepared.engine.store.fingerprint(shard: 0, prefix: .root)
        root.count += 1
        let sessions: [[(peer: UInt8, message: GossipMessage)]] = [
            [
                (0, .ihave(shard: 0, entries: [RecordVersion(fresh[0]), RecordVersion(fresh[2])])),
                (0, .push(shard: 0, records: [fresh[0], fresh[2]], kind: .response)),
                (1, .iwant(ids: [fresh[0].id, fresh[2].id])),
                (1, .ihave(shard: 0, entries: [RecordVersion(fresh[2])])),
            ],
            [
                (0, .push(shard: 1, records: [handoff], kind: .handoff)),
                (1, .ack(entries: [RecordVersion(handoff)])),
                (1, .iwant(ids: [handoff.id, held[1].id])),
            ],
            [
                (1, .reconcile(shard: 0, ranges: [root], complete: [])),
                (0, .items(shard: 0, prefix: .root, entries: [RecordSummary(RecordVersion(fresh[2]))], reply: false)),
                (0, .push(shard: 0, records: [fresh[2]], kind: .response)),
            ],
            Array(repeating: (0, .push(shard: 0, records: [forged], kind: .eager)), count: 6)
                + [(0, .push(shard: 0, records: [fresh[0]], kind: .eager)), (1, .iwant(ids: [fresh[0].id]))],
        ]
        // Every single-message seed as a one-message session too, so sessions start from every kind.
        return sessions.map(GossipFuzzing.sessionBytes) + gossipMessages.map { GossipFuzzing.frame($0, from: 0) }
    }

    // MARK: API bodies

    static func json(_ value: some Encodable) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // The DTOs hold only strings, integers and finite floats: encoding cannot fail.
        return Array(try! encoder.encode(value))
    }

    static func text(_ body: String) -> [UInt8] { Array(body.utf8) }

    static var apiTransactions: [[UInt8]] {
        transactions.map { json(SubmitTransactionRequest($0)) }
    }

    static var apiTransactionNearMisses: [[UInt8]] {
        var forged = transactions[0].canonicalBytes
        forged[forged.count - 1] ^= 1
        return [
            text(#"{"tx":""}"#), text(#"{"tx":"0"}"#), text(#"{"tx":"zz"}"#), text(#"{"tx":5}"#), text("{}"),
            text("[]"), json(SubmitTransactionRequest(tx: Hex.encode(forged))),
            json(SubmitTransactionRequest(tx: Hex.encode(Array(transactions[1].canonicalBytes.dropLast(2))))),
        ]
    }

    static var apiMemoryRecords: [[UInt8]] {
        let author = alice.publicKey.hex
        // The short forms leave fields to their defaults; the signature covers the record they make.
        let minimal = MemoryRecord(id: Hash256.of([43]), vector: [1, 0, 0, 0.5], author: alice.publicKey)
            .signed(chainID: chainID, key: alice)
        let fuller = MemoryRecord(
            id: Hash256.of([44]), vector: [0.1, 0.2, 0.3, 0.4], payload: Array("hello".utf8), author: alice.publicKey,
            version: 3, importance: FixedPoint(raw: 250_000), replicaAgreement: FixedPoint(raw: 900_000)
        ).signed(chainID: chainID, key: alice)
        func signature(_ record: MemoryRecord) -> String { Hex.encode(record.signature!.bytes) }
        return [
            json(MemoryRecordJSON(meshRecord(41, [0.5, -1, 2, 0], by: alice))),
            json(MemoryRecordJSON(meshRecord(42, [1, 0, 0, 0.25], by: alice, critical: true))),
            text(
                #"{"id":"\#(Hash256.of([43]).hex)","vector":[1,0,0,0.5],"author":"\#(author)","#
                    + #""signature":"\#(signature(minimal))"}"#),
            text(
                #"{"id":"\#(Hash256.of([44]).hex)","vector":[0.1,0.2,0.3,0.4],"author":"\#(author)","#
                    + #""payload":"aGVsbG8=","version":3,"importance":{"value":0.25},"#
                    + #""replicaAgreement":{"ppm":900000,"value":0.9},"signature":"\#(signature(fuller))"}"#),
        ]
    }

    static var apiMemoryNearMisses: [[UInt8]] {
        let id = Hash256.of([45]).hex
        let author = alice.publicKey.hex
        func body(_ fields: String) -> [UInt8] { text(#"{"id":"\#(id)","author":"\#(author)",\#(fields)}"#) }
        var forged = MemoryRecordJSON(meshRecord(46, [1, 0, 0, 0.25], by: alice, critical: true))
        let signature = forged.proof!.signature
        forged.proof!.signature = (signature.first == "0" ? "1" : "0") + signature.dropFirst()
        return [
            body(#""vector":[1,0,1e39,0]"#), body(#""vector":[1,0,0]"#), body(#""vector":[0,0,0,0]"#),
            body(#""vector":[]"#), body(#""vector":[1,0,0,0],"version":0"#),
            body(#""vector":[1,0,0,0],"importance":{"ppm":2000000}"#),
            body(#""vector":[1,0,0,0],"importance":{"ppm":1,"value":0.5}"#),
            body(#""vector":[1,0,0,0],"payload":"not base64!""#), body(#""vector":[1,0,NaN,0]"#),
            text(#"{"id":"\#(id)","vector":[1,0,0,0],"author":"\#(author.dropLast())"}"#),
            Array(body(#""vector":[1,0,0,0]"#).dropLast()), json(forged),
        ]
    }

    static var apiSearches: [[UInt8]] {
        [
            text(#"{"k":5,"vector":[1,0,0,0]}"#),
            text(
                #"{"filter":{"author":"\#(alice.publicKey.hex)","minimumRPHV":{"value":0.5}},"#
                    + #""includeVectors":true,"k":10,"vector":[0.5,0.5,0,-0.25]}"#),
            json(
                MemorySearchRequest(
                    vector: [0.1, 0.2, 0.3, 0.4], k: 1_000,
                    filter: .init(minimumRPHV: FixedPointJSON(FixedPoint(raw: 800_000))), includeVectors: false)),
        ]
    }

    static var apiSearchNearMisses: [[UInt8]] {
        [
            text(#"{"k":0,"vector":[1,0,0,0]}"#), text(#"{"k":1001,"vector":[1,0,0,0]}"#),
            text(#"{"k":1.5,"vector":[1,0,0,0]}"#), text(#"{"k":5,"vector":[]}"#),
            text(#"{"k":5,"vector":[1,0,0,0],"filter":{"author":"zz"}}"#),
            text(#"{"k":5,"vector":[1,0,0,0],"filter":{"minimumRPHV":{"ppm":-1}}}"#),
            text(#"{"k":5,"vector":"x"}"#), text(#"{"k":5,"vector":[1e39]}"#),
        ]
    }
}
