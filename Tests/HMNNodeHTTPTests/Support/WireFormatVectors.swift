import Foundation
import HMNLedger
import HMNMesh
import HMNPrimitives

/// The committed byte-level test vectors (`Tests/Vectors/wire-format.json`, described in
/// Docs/WIRE_FORMAT.md): what a client in another language must reproduce byte for byte.
/// Every hex string is lowercase; every derived field (`unsigned`, `signBytes`, `id`, `signature`,
/// `signed`, `canonical`, `contentHash`, `proofId`) follows from the input fields beside it.
struct WireFormatVectors: Codable, Equatable {
    var format: String
    var description: String
    var memoryProofs: [ProofVector]
    var transactions: [TransactionVector]
    var memoryRecords: [RecordVector]
    var invalidTransactions: [InvalidVector]

    /// A memory proof: inputs (`chainId`, `authorSeed`, record id, content hash, time, RΦV in ppm),
    /// then what they give.
    struct ProofVector: Codable, Equatable {
        var chainId: String
        var authorSeed: String
        var author: String
        var recordId: String
        var contentHash: String
        var timestampMilliseconds: UInt64
        var rphvPpm: Int64
        var signBytes: String
        var signature: String
        var proofId: String
        var canonical: String
    }

    /// A transaction body. Only the fields of its `type` are present.
    struct BodyVector: Codable, Equatable {
        var type: String
        var recipient: String?
        var amount: UInt64?
        var epoch: UInt64?
        var proofId: String?
        var proof: ProofVector?
        /// Hex of a shard-map proposal's payload.
        var payload: String?
    }

    /// One signed transaction: the sender's seed, the fields, and the bytes, id and signature.
    struct TransactionVector: Codable, Equatable {
        var name: String
        var chainId: String
        var senderSeed: String
        var sender: String
        var nonce: UInt64
        var body: BodyVector
        var unsigned: String
        var signBytes: String
        var id: String
        var signature: String
        var signed: String
    }

    /// One memory record: every field, each vector component's float32 bits, the content hash a
    /// proof signs, and the record's canonical bytes (as the mesh gossips and stores them).
    struct RecordVector: Codable, Equatable {
        var name: String
        var id: String
        var vector: [Float]
        var vectorBits: [String]
        var payload: String
        var authorSeed: String
        var author: String
        var version: UInt64
        var createdAtMilliseconds: UInt64
        var updatedAtMilliseconds: UInt64
        var importancePpm: Int64
        var replicaAgreementPpm: Int64
        var accessCount: UInt64
        var lastAccessMilliseconds: UInt64
        var proof: ProofVector?
        var contentHash: String
        /// The chain the author signed the record for, its sign bytes and signature.
        var chainId: String
        var signBytes: String
        var signature: String
        var canonical: String
    }

    /// Bytes a node must refuse, with the API error code (`malformed` or `badSignature`) and, for
    /// `malformed`, the decoder's reason.
    struct InvalidVector: Codable, Equatable {
        var name: String
        var signed: String
        var error: String
        var codecError: String?
    }
}

// MARK: Building the vectors from the Swift codec

extension WireFormatVectors {
    static let path = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Vectors/wire-format.json")

    static func seed(_ byte: UInt8) -> [UInt8] { [UInt8](repeating: byte, count: SigningKey.seedByteCount) }

    static func key(_ byte: UInt8) -> SigningKey { try! SigningKey(seed: seed(byte)) }

    /// The vectors as the Swift code produces them today (written to the file on request).
    static func make() -> WireFormatVectors {
        let chain = "hmn-vectors"
        let sender = key(0x01)
        let recipient = key(0x02).publicKey
        let author = key(0x03)
        let record = MemoryRecord(
            id: Hash256.of(Array("the first memory".utf8)), vector: [0.25, -1.5, 0.1, 3],
            payload: Array("hello, mesh".utf8), author: author.publicKey, version: 2,
            createdAtMilliseconds: 1_764_000_000_000, updatedAtMilliseconds: 1_764_000_000_500,
            importance: FixedPoint(raw: 950_000), replicaAgreement: .one, accessCount: 3,
            lastAccessMilliseconds: 1_764_000_001_000)
        let proof = MemoryProof(
            record: record, rphv: FixedPoint(raw: 900_000), timestampMilliseconds: 1_764_000_000_500,
            chainID: chain, key: author)
        var critical = record
        critical.proof = proof
        critical = critical.signed(chainID: chain, key: author)
        let plain = MemoryRecord(
            id: Hash256.of(Array("a plain memory".utf8)), vector: [1, 0, -Float.zero, 0.5], author: author.publicKey
        ).signed(chainID: chain, key: author)

        let bodies: [(String, String, UInt64, TransactionBody)] = [
            ("transfer", chain, 0, .transfer(recipient: recipient, amount: 40)),
            ("transfer on a non-ASCII chain id, largest nonce", "hmn-тест", .max,
             .transfer(recipient: recipient, amount: .max)),
            ("mint T0", chain, 1, .mintT0(epoch: 7, amount: 12_345)),
            ("mint T1", chain, 2, .mintT1(proofID: proof.proofID, amount: 500)),
            ("memory proof", chain, 3, .memoryProof(proof)),
            ("bond", chain, 4, .bond(amount: 100_000)),
            ("unbond", chain, 5, .unbond(amount: 1)),
            ("shard-map proposal", chain, 6, .shardMapProposal(payload: Array("hmn/shard-map-proposal/v1".utf8) + [0, 1])),
        ]
        let transactions = bodies.map { name, chainID, nonce, body in
            TransactionVector(
                SignedTransaction.make(chainID: chainID, key: sender, nonce: nonce, body: body),
                name: name, senderSeed: seed(0x01), proofSeed: seed(0x03))
        }
        let transfer = SignedTransaction.make(
            chainID: chain, key: sender, nonce: 0, body: .transfer(recipient: recipient, amount: 40))
        return WireFormatVectors(
            format: "hmn-wire-format/v1",
            description: "Byte-level test vectors for Docs/WIRE_FORMAT.md. Hex is lowercase; seeds are "
                + "Ed25519 seeds (RFC 8032 secret keys); ppm values are fixed point × 1,000,000.",
            memoryProofs: [ProofVector(proof, chainID: chain, authorSeed: seed(0x03))],
            transactions: transactions,
            memoryRecords: [
                RecordVector(critical, name: "critical record with its proof", authorSeed: seed(0x03), chainID: chain),
                RecordVector(plain, name: "record with defaults and a negative zero", authorSeed: seed(0x03),
                    chainID: chain),
            ],
            invalidTransactions: invalid(transfer))
    }

    /// Damaged copies of `transfer`, each refused for one reason.
    static func invalid(_ transfer: SignedTransaction) -> [InvalidVector] {
        let good = transfer.canonicalBytes
        var flipped = good
        flipped[flipped.count - 1] ^= 0x01
        var unknownKind = transfer.transaction.canonicalBytes
        let bodyStart = 4 + transfer.transaction.chainID.utf8.count + 32 + 8
        unknownKind[bodyStart] = 9
        var mintT4 = SignedTransaction.make(
            chainID: transfer.transaction.chainID, key: key(0x01), nonce: 1, body: .mintT0(epoch: 1, amount: 1)
        ).canonicalBytes
        mintT4[bodyStart + 1] = 4
        var longChain = [UInt8]()
        longChain.append(contentsOf: [0, 0, 0, 65])
        longChain.append(contentsOf: [UInt8](repeating: 0x61, count: 65))
        longChain.append(contentsOf: good.dropFirst(4 + transfer.transaction.chainID.utf8.count))
        return [
            InvalidVector(name: "trailing byte", signed: Hex.encode(good + [0]), error: "malformed",
                codecError: "trailingBytes"),
            InvalidVector(name: "signature cut short", signed: Hex.encode(good.dropLast()), error: "malformed",
                codecError: "truncated"),
            InvalidVector(name: "unknown body tag 9", signed: Hex.encode(unknownKind + transfer.signature.bytes),
                error: "malformed", codecError: "unknownTag"),
            InvalidVector(name: "mint tier 4 (boosts are never user transactions)", signed: Hex.encode(mintT4),
                error: "malformed", codecError: "invalidValue"),
            InvalidVector(name: "chain id of 65 bytes", signed: Hex.encode(longChain), error: "malformed",
                codecError: "oversizeLength"),
            InvalidVector(name: "one signature bit flipped", signed: Hex.encode(flipped), error: "badSignature",
                codecError: nil),
        ]
    }
}

extension WireFormatVectors.ProofVector {
    init(_ proof: MemoryProof, chainID: String, authorSeed: [UInt8]) {
        self.init(
            chainId: chainID, authorSeed: Hex.encode(authorSeed), author: proof.author.hex,
            recordId: proof.recordID.hex, contentHash: proof.contentHash.hex,
            timestampMilliseconds: proof.timestampMilliseconds, rphvPpm: proof.rphv.raw,
            signBytes: Hex.encode(proof.signBytes(chainID: chainID)), signature: proof.authorSignature.hex,
            proofId: proof.proofID.hex, canonical: Hex.encode(proof.canonicalBytes))
    }
}

extension WireFormatVectors.TransactionVector {
    init(_ signed: SignedTransaction, name: String, senderSeed: [UInt8], proofSeed: [UInt8]) {
        let unsigned = signed.transaction
        let body: WireFormatVectors.BodyVector
        switch unsigned.body {
        case .transfer(let recipient, let amount):
            body = .init(type: "transfer", recipient: recipient.hex, amount: amount)
        case .mint(.t0(let epoch, let amount)):
            body = .init(type: "mintT0", amount: amount, epoch: epoch)
        case .mint(.t1(let proofID, let amount)):
            body = .init(type: "mintT1", amount: amount, proofId: proofID.hex)
        case .memoryProof(let proof):
            body = .init(type: "memoryProof", proof: .init(proof, chainID: unsigned.chainID, authorSeed: proofSeed))
        case .bond(let amount):
            body = .init(type: "bond", amount: amount)
        case .unbond(let amount):
            body = .init(type: "unbond", amount: amount)
        case .shardMapProposal(let payload):
            body = .init(type: "shardMapProposal", payload: Hex.encode(payload))
        }
        self.init(
            name: name, chainId: unsigned.chainID, senderSeed: Hex.encode(senderSeed), sender: unsigned.sender.hex,
            nonce: unsigned.nonce, body: body, unsigned: Hex.encode(unsigned.canonicalBytes),
            signBytes: Hex.encode(unsigned.signBytes), id: signed.id.hex, signature: signed.signature.hex,
            signed: Hex.encode(signed.canonicalBytes))
    }
}

extension WireFormatVectors.RecordVector {
    init(_ record: MemoryRecord, name: String, authorSeed: [UInt8], chainID: String) {
        self.init(
            name: name, id: record.id.hex, vector: record.vector,
            vectorBits: record.vector.map { String(format: "%08x", $0.bitPattern) },
            payload: Hex.encode(record.payload), authorSeed: Hex.encode(authorSeed), author: record.author.hex,
            version: record.version, createdAtMilliseconds: record.createdAtMilliseconds,
            updatedAtMilliseconds: record.updatedAtMilliseconds, importancePpm: record.importance.raw,
            replicaAgreementPpm: record.replicaAgreement.raw, accessCount: record.accessCount,
            lastAccessMilliseconds: record.lastAccessMilliseconds,
            proof: record.proof.map { .init($0, chainID: chainID, authorSeed: authorSeed) },
            contentHash: record.contentHash.hex, chainId: chainID,
            signBytes: Hex.encode(record.signBytes(chainID: chainID)),
            signature: Hex.encode(record.signature!.bytes), canonical: Hex.encode(record.canonicalBytes))
    }
}
