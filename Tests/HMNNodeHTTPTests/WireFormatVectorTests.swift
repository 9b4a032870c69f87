import Foundation
import HMNLedger
import HMNMesh
import HMNNodeHTTP
import HMNPrimitives
import Testing

/// Docs/WIRE_FORMAT.md's test vectors against the codec: each vector is rebuilt from its input
/// fields with the Swift types and must give exactly the committed bytes, id and signature, and
/// the committed bytes must decode back to the same value. One changed byte of the codec fails here.
///
/// `HMN_WRITE_WIRE_VECTORS=1 swift test --filter WireFormatVectorTests` rewrites the file from
/// the code (only when the format changes on purpose; the version tags must change with it).
@Suite("Wire-format test vectors")
struct WireFormatVectorTests {
    static let committed: WireFormatVectors? = {
        guard let data = FileManager.default.contents(atPath: WireFormatVectors.path.path) else { return nil }
        return try? JSONDecoder().decode(WireFormatVectors.self, from: data)
    }()

    static var writeRequested: Bool { ProcessInfo.processInfo.environment["HMN_WRITE_WIRE_VECTORS"] == "1" }

    @Test("rewrite the vectors file from the code", .enabled(if: writeRequested))
    func write() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try (encoder.encode(WireFormatVectors.make()) + Data("\n".utf8)).write(to: WireFormatVectors.path)
    }

    @Test("the committed file is what the code produces, and covers every body type")
    func fileMatchesCode() throws {
        let vectors = try #require(Self.committed, "cannot read \(WireFormatVectors.path.path)")
        #expect(vectors == WireFormatVectors.make())
        let types = Set(vectors.transactions.map(\.body.type))
        #expect(types == ["transfer", "mintT0", "mintT1", "memoryProof", "bond", "unbond", "shardMapProposal"])
    }

    @Test("transactions: fields → unsigned bytes, sign bytes, id, signature, signed bytes, and back")
    func transactions() throws {
        let vectors = try #require(Self.committed)
        for vector in vectors.transactions {
            let key = try SigningKey(seed: try #require(Hex.decode(vector.senderSeed)))
            #expect(key.publicKey.hex == vector.sender, "\(vector.name)")
            let unsigned = UnsignedTransaction(
                chainID: vector.chainId, sender: key.publicKey, nonce: vector.nonce, body: try body(vector.body))
            let signed = unsigned.signed(with: key)
            #expect(Hex.encode(unsigned.canonicalBytes) == vector.unsigned, "\(vector.name)")
            #expect(Hex.encode(unsigned.signBytes) == vector.signBytes, "\(vector.name)")
            #expect(unsigned.id.hex == vector.id, "\(vector.name)")
            #expect(Hash256.of(try #require(Hex.decode(vector.unsigned))).hex == vector.id, "\(vector.name)")
            #expect(signed.signature.hex == vector.signature, "\(vector.name)")
            #expect(Hex.encode(signed.canonicalBytes) == vector.signed, "\(vector.name)")

            let decoded = try SignedTransaction.decode(try #require(Hex.decode(vector.signed)), maxBytes: 4_096)
            #expect(decoded == signed, "\(vector.name)")
            try decoded.verifySignatures()
            // What a client posts is exactly this hex.
            let request = try JSONDecoder().decode(
                SubmitTransactionRequest.self, from: Data(#"{"tx":"\#(vector.signed)"}"#.utf8))
            #expect(request.tx == vector.signed)
        }
    }

    @Test("memory proofs: sign bytes, signature, proof id and canonical bytes")
    func memoryProofs() throws {
        let vectors = try #require(Self.committed)
        let all = vectors.memoryProofs + vectors.transactions.compactMap(\.body.proof)
            + vectors.memoryRecords.compactMap(\.proof)
        #expect(all.count == 3)
        for vector in all {
            let proof = try self.proof(vector)
            #expect(Hex.encode(proof.signBytes(chainID: vector.chainId)) == vector.signBytes)
            #expect(proof.proofID.hex == vector.proofId)
            #expect(Hex.encode(proof.canonicalBytes) == vector.canonical)
            try proof.verifySignature(chainID: vector.chainId)
            #expect(try MemoryProof(canonicalBytes: try #require(Hex.decode(vector.canonical))) == proof)
        }
    }

    @Test("memory records: float32 bits, content hash, author signature and canonical bytes")
    func memoryRecords() throws {
        let vectors = try #require(Self.committed)
        for vector in vectors.memoryRecords {
            let author = try SigningKey(seed: try #require(Hex.decode(vector.authorSeed)))
            #expect(author.publicKey.hex == vector.author)
            let components = try vector.vectorBits.map { bits in
                Float(bitPattern: try #require(UInt32(bits, radix: 16)))
            }
            #expect(components.map(\.bitPattern) == vector.vector.map(\.bitPattern), "\(vector.name)")
            let record = MemoryRecord(
                id: try Hash256(hex: vector.id), vector: components,
                payload: try #require(Hex.decode(vector.payload)), author: author.publicKey,
                version: vector.version, createdAtMilliseconds: vector.createdAtMilliseconds,
                updatedAtMilliseconds: vector.updatedAtMilliseconds,
                importance: FixedPoint(raw: vector.importancePpm),
                replicaAgreement: FixedPoint(raw: vector.replicaAgreementPpm), accessCount: vector.accessCount,
                lastAccessMilliseconds: vector.lastAccessMilliseconds, proof: try vector.proof.map(proof)
            ).signed(chainID: vector.chainId, key: author)
            #expect(record.contentHash.hex == vector.contentHash, "\(vector.name)")
            #expect(Hex.encode(record.signBytes(chainID: vector.chainId)) == vector.signBytes, "\(vector.name)")
            #expect(Hex.encode(try #require(record.signature).bytes) == vector.signature, "\(vector.name)")
            try record.verifySignature(chainID: vector.chainId)
            #expect(Hex.encode(record.canonicalBytes) == vector.canonical, "\(vector.name)")
            if let proof = record.proof {
                try proof.verify(for: record, chainID: try #require(vector.proof).chainId)
            }
            let decoded = try MemoryRecord(canonicalBytes: try #require(Hex.decode(vector.canonical)))
            #expect(decoded.contentHash == record.contentHash && decoded.canonicalBytes == record.canonicalBytes)
        }
    }

    @Test("invalid transactions are refused with the documented code")
    func invalidTransactions() throws {
        let vectors = try #require(Self.committed)
        #expect(vectors.invalidTransactions.count >= 6)
        for vector in vectors.invalidTransactions {
            let bytes = try #require(Hex.decode(vector.signed))
            do throws(LedgerError) {
                let decoded = try SignedTransaction.decode(bytes, maxBytes: 4_096)
                try decoded.verifySignatures()
                Issue.record("accepted: \(vector.name)")
            } catch {
                #expect(error.code.rawValue == vector.error, "\(vector.name): \(error)")
            }
            guard let codecError = vector.codecError else { continue }
            do throws(CodecError) {
                _ = try SignedTransaction(canonicalBytes: bytes)
                Issue.record("decoded: \(vector.name)")
            } catch {
                #expect(error.code.rawValue == codecError, "\(vector.name): \(error)")
            }
        }
    }

    // MARK: Fields → Swift values

    func body(_ vector: WireFormatVectors.BodyVector) throws -> TransactionBody {
        switch vector.type {
        case "transfer":
            return .transfer(recipient: try PublicKey(hex: try #require(vector.recipient)), amount: try #require(vector.amount))
        case "mintT0": return .mintT0(epoch: try #require(vector.epoch), amount: try #require(vector.amount))
        case "mintT1":
            return .mintT1(proofID: try Hash256(hex: try #require(vector.proofId)), amount: try #require(vector.amount))
        case "memoryProof": return .memoryProof(try proof(try #require(vector.proof)))
        case "bond": return .bond(amount: try #require(vector.amount))
        case "unbond": return .unbond(amount: try #require(vector.amount))
        case "shardMapProposal":
            let payload = try #require(vector.payload)
            return .shardMapProposal(payload: try #require(Hex.decode(payload)))
        default: throw VectorError(message: "unknown body type \(vector.type)")
        }
    }

    /// Signs again from the author's seed, so the signature is checked, not copied.
    func proof(_ vector: WireFormatVectors.ProofVector) throws -> MemoryProof {
        let author = try SigningKey(seed: try #require(Hex.decode(vector.authorSeed)))
        #expect(author.publicKey.hex == vector.author)
        let proof = MemoryProof.signed(
            chainID: vector.chainId, recordID: try Hash256(hex: vector.recordId),
            contentHash: try Hash256(hex: vector.contentHash), timestampMilliseconds: vector.timestampMilliseconds,
            rphv: FixedPoint(raw: vector.rphvPpm), key: author)
        #expect(proof.authorSignature.hex == vector.signature)
        return proof
    }

    struct VectorError: Error { var message: String }
}
