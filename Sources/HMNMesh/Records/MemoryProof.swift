import HMNPrimitives

/// A signed statement that a record with a given content hash and value existed at a time (SPEC §8).
///
/// Critical records (RΦV ≥ 0.8) must carry one; the proof is what Layer 1 commits to. The signature
/// covers the canonical bytes of every other field, with a domain tag so it can never be replayed as
/// another kind of HMN signature.
public struct MemoryProof: Hashable, Sendable, CanonicalCodable {
    static let domain = Array("HMN/memory-proof/v1".utf8)

    public var recordID: Hash256
    public var contentHash: Hash256
    public var author: PublicKey
    public var timestampMilliseconds: UInt64
    /// The record's RΦV when the proof was made, fixed-point so every node reads the same number.
    public var rphv: FixedPoint
    public var signature: Signature

    /// Signs a proof for `record` with the author's key.
    public init(record: MemoryRecord, rphv: FixedPoint, timestampMilliseconds: UInt64, key: SigningKey) {
        recordID = record.id
        contentHash = record.contentHash
        author = key.publicKey
        self.timestampMilliseconds = timestampMilliseconds
        self.rphv = rphv
        signature = key.sign(
            Self.signedBytes(
                recordID: recordID, contentHash: contentHash, author: author,
                timestampMilliseconds: timestampMilliseconds, rphv: rphv))
    }

    /// The bytes the author signs.
    public var signedBytes: [UInt8] {
        Self.signedBytes(
            recordID: recordID, contentHash: contentHash, author: author,
            timestampMilliseconds: timestampMilliseconds, rphv: rphv)
    }

    static func signedBytes(
        recordID: Hash256, contentHash: Hash256, author: PublicKey, timestampMilliseconds: UInt64, rphv: FixedPoint
    ) -> [UInt8] {
        var encoder = CanonicalEncoder(capacity: 160)
        encoder.encodeBytes(domain)
        encoder.encode(recordID)
        encoder.encode(contentHash)
        encoder.encode(author)
        encoder.encode(timestampMilliseconds)
        encoder.encode(rphv)
        return encoder.bytes
    }

    /// Checks that the proof names `record` (id, content hash, author) and that the signature verifies.
    public func verify(for record: MemoryRecord) throws(MemoryStoreError) {
        guard recordID == record.id else {
            throw MemoryStoreError(.invalidProof, "proof names record \(recordID.short), not \(record.id.short)")
        }
        guard contentHash == record.contentHash else {
            throw MemoryStoreError(.invalidProof, "proof content hash does not match record \(record.id.short)")
        }
        guard author == record.author else {
            throw MemoryStoreError(
                .invalidProof, "proof signed by \(author.short), record authored by \(record.author.short)")
        }
        guard author.isValidSignature(signature, for: signedBytes) else {
            throw MemoryStoreError(.invalidProof, "proof signature does not verify for record \(record.id.short)")
        }
    }

    public init(from decoder: inout CanonicalDecoder) throws(CodecError) {
        recordID = try decoder.decode()
        contentHash = try decoder.decode()
        author = try decoder.decode()
        timestampMilliseconds = try decoder.decode()
        rphv = try decoder.decode()
        signature = try decoder.decode()
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.encode(recordID)
        encoder.encode(contentHash)
        encoder.encode(author)
        encoder.encode(timestampMilliseconds)
        encoder.encode(rphv)
        encoder.encode(signature)
    }
}
