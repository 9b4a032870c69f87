/// A signed memory proof for a record (SPEC §8): the mesh makes and checks it, and submits it to
/// Layer 1 so the record's content hash and value are fixed there. One type serves both layers, so a
/// proof the mesh accepts is byte for byte the proof the ledger commits.
///
/// The author signs ``signBytes(chainID:)``; the ledger checks that signature and that the proof
/// was not committed before (one proof per record id and content hash).
public struct MemoryProof: Hashable, Sendable, CanonicalCodable {
    /// Id of the memory record.
    public var recordID: Hash256
    /// Hash of the record's content.
    public var contentHash: Hash256
    /// The node that wrote the record and signs the proof.
    public var author: PublicKey
    /// When the record was written.
    public var timestampMilliseconds: UInt64
    /// RΦV at write time, in [0, 1].
    public var rphv: FixedPoint
    /// The author's signature over ``signBytes(chainID:)``.
    public var authorSignature: Signature

    /// RΦV at or above this is critical (SPEC §8) and earns a T1 reward.
    public static let criticalThreshold = FixedPoint(raw: 800_000)

    /// Creates a proof from its fields (see ``signed(chainID:recordID:contentHash:timestampMilliseconds:rphv:key:)``).
    public init(
        recordID: Hash256, contentHash: Hash256, author: PublicKey, timestampMilliseconds: UInt64,
        rphv: FixedPoint, authorSignature: Signature
    ) {
        self.recordID = recordID
        self.contentHash = contentHash
        self.author = author
        self.timestampMilliseconds = timestampMilliseconds
        self.rphv = rphv
        self.authorSignature = authorSignature
    }

    /// Creates and signs a proof with the author's key.
    public static func signed(
        chainID: String, recordID: Hash256, contentHash: Hash256,
        timestampMilliseconds: UInt64, rphv: FixedPoint, key: SigningKey
    ) -> MemoryProof {
        let message = signBytes(
            chainID: chainID, recordID: recordID, contentHash: contentHash,
            author: key.publicKey, timestampMilliseconds: timestampMilliseconds, rphv: rphv)
        return MemoryProof(
            recordID: recordID, contentHash: contentHash, author: key.publicKey,
            timestampMilliseconds: timestampMilliseconds, rphv: rphv,
            authorSignature: key.sign(message))
    }

    /// The exact bytes the author signs.
    public static func signBytes(
        chainID: String, recordID: Hash256, contentHash: Hash256, author: PublicKey,
        timestampMilliseconds: UInt64, rphv: FixedPoint
    ) -> [UInt8] {
        var encoder = CanonicalEncoder(capacity: 160)
        encoder.encode("hmn/memory-proof/v1")
        encoder.encode(chainID)
        encoder.encode(recordID)
        encoder.encode(contentHash)
        encoder.encode(author)
        encoder.encode(timestampMilliseconds)
        encoder.encode(rphv)
        return encoder.bytes
    }

    /// The bytes the author signs for this proof.
    public func signBytes(chainID: String) -> [UInt8] {
        Self.signBytes(
            chainID: chainID, recordID: recordID, contentHash: contentHash, author: author,
            timestampMilliseconds: timestampMilliseconds, rphv: rphv)
    }

    /// The key a proof is deduplicated by: one proof per (record id, content hash).
    public var proofID: Hash256 {
        Hash256.of(parts: [Array("hmn/memory-proof-id/v1".utf8), recordID.bytes, contentHash.bytes])
    }

    /// RΦV ≥ 0.8.
    public var isCritical: Bool { rphv >= Self.criticalThreshold }

    public init(from decoder: inout CanonicalDecoder) throws(CodecError) {
        recordID = try decoder.decode()
        contentHash = try decoder.decode()
        author = try decoder.decode()
        timestampMilliseconds = try decoder.decode()
        rphv = try decoder.decode()
        authorSignature = try decoder.decode()
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.encode(recordID)
        encoder.encode(contentHash)
        encoder.encode(author)
        encoder.encode(timestampMilliseconds)
        encoder.encode(rphv)
        encoder.encode(authorSignature)
    }
}

/// A committed memory proof as kept in the ledger state (part of the state root).

extension MemoryProof {
    /// Checks the author's signature for this chain.
    public func verifySignature(chainID: String) throws(CryptoError) {
        try author.verify(authorSignature, for: signBytes(chainID: chainID))
    }
}
