import HMNPrimitives

/// One memory: a vector, the bytes it stands for, who wrote it, and what it is worth (SPEC §8).
///
/// The id is a caller-chosen ``Hash256`` (32 bytes): usually `Hash256.of(content)` or a random value.
/// Using the primitive hash type means ids sort, print and encode like every other HMN identifier.
/// The content hash covers what the author asserts (id, vector, payload, author, version, creation
/// time) and not the bookkeeping that changes on every read (access count, last access), so a proof
/// stays valid while the record is used.
public struct MemoryRecord: Hashable, Sendable, CanonicalCodable {
    /// Upper bound on a decoded vector's length, checked before allocation.
    public static let maxDimension = 65_536
    /// Upper bound on a decoded payload, checked before allocation.
    public static let maxPayloadBytes = 16 << 20

    public var id: Hash256
    /// Float32 components; the length must equal the store's dimension.
    public var vector: [Float]
    /// Application bytes (text, JSON, a pointer into another store).
    public var payload: [UInt8]
    public var author: PublicKey
    /// Later versions replace earlier ones; a write with an equal or lower version is rejected.
    public var version: UInt64
    public var createdAtMilliseconds: UInt64
    public var updatedAtMilliseconds: UInt64
    /// Declared importance `V` in [0, 1] (SPEC §8), capped by the author's Ψ upstream.
    public var importance: FixedPoint
    /// `Φ`: share of replicas holding the same content hash; 1 for a store used alone.
    public var replicaAgreement: FixedPoint
    public var accessCount: UInt64
    public var lastAccessMilliseconds: UInt64
    /// Required for critical records (RΦV ≥ 0.8); optional otherwise.
    public var proof: MemoryProof?
    /// The author's signature over ``signBytes(chainID:)``: what makes a record, and any later
    /// version of it, provably the author's (see ``signed(chainID:key:)``). The mesh and the node
    /// refuse records without a valid one; a store used alone does not need it.
    public var signature: Signature?

    public init(
        id: Hash256, vector: [Float], payload: [UInt8] = [], author: PublicKey, version: UInt64 = 1,
        createdAtMilliseconds: UInt64 = 0, updatedAtMilliseconds: UInt64? = nil,
        importance: FixedPoint = FixedPoint(raw: 500_000), replicaAgreement: FixedPoint = .one,
        accessCount: UInt64 = 0, lastAccessMilliseconds: UInt64? = nil, proof: MemoryProof? = nil,
        signature: Signature? = nil
    ) {
        self.id = id
        self.vector = vector
        self.payload = payload
        self.author = author
        self.version = version
        self.createdAtMilliseconds = createdAtMilliseconds
        self.updatedAtMilliseconds = updatedAtMilliseconds ?? createdAtMilliseconds
        self.importance = importance
        self.replicaAgreement = replicaAgreement
        self.accessCount = accessCount
        self.lastAccessMilliseconds = lastAccessMilliseconds ?? createdAtMilliseconds
        self.proof = proof
        self.signature = signature
    }

    /// BLAKE2b-256 over the canonical encoding of the asserted content (not the bookkeeping).
    public var contentHash: Hash256 {
        var encoder = CanonicalEncoder(capacity: 128 + vector.count * 4 + payload.count)
        encoder.encodeBytes(Array("HMN/memory-content/v1".utf8))
        encoder.encode(id)
        encoder.encode(vector)
        encoder.encodeBytes(payload)
        encoder.encode(author)
        encoder.encode(version)
        encoder.encode(createdAtMilliseconds)
        return Hash256.of(encoder.bytes)
    }

    public init(from decoder: inout CanonicalDecoder) throws(CodecError) {
        id = try decoder.decode()
        vector = try decoder.decodeFloats(maxCount: Self.maxDimension)
        payload = try decoder.decodeBytes(maxLength: Self.maxPayloadBytes)
        author = try decoder.decode()
        version = try decoder.decode()
        createdAtMilliseconds = try decoder.decode()
        updatedAtMilliseconds = try decoder.decode()
        importance = try decoder.decode()
        replicaAgreement = try decoder.decode()
        accessCount = try decoder.decode()
        lastAccessMilliseconds = try decoder.decode()
        proof = try decoder.decodeOptional()
        signature = try decoder.decodeOptional()
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.encode(id)
        encoder.encode(vector)
        encoder.encodeBytes(payload)
        encoder.encode(author)
        encoder.encode(version)
        encoder.encode(createdAtMilliseconds)
        encoder.encode(updatedAtMilliseconds)
        encoder.encode(importance)
        encoder.encode(replicaAgreement)
        encoder.encode(accessCount)
        encoder.encode(lastAccessMilliseconds)
        encoder.encode(proof)
        encoder.encode(signature)
    }
}
