import HMNMesh
import HMNPrimitives

/// A memory record on the wire: vector as a float array, payload as base64, keys and hashes as hex.
///
/// In `POST /v1/memory` `id`, `vector`, `author` and `signature` are required; the rest default as
/// in `MemoryRecord` (the signature covers the defaults, see Docs/WIRE_FORMAT.md). Responses fill every field (the vector only when asked for in a search).
public struct MemoryRecordJSON: Codable, Hashable, Sendable {
    public var id: String
    public var vector: [Float]?
    /// Base64 of the payload bytes.
    public var payload: String?
    public var author: String
    public var version: UInt64?
    public var createdAtMilliseconds: UInt64?
    public var updatedAtMilliseconds: UInt64?
    /// Declared importance V in [0, 1].
    public var importance: FixedPointJSON?
    /// Φ, the share of replicas that agree, in [0, 1].
    public var replicaAgreement: FixedPointJSON?
    public var accessCount: UInt64?
    public var lastAccessMilliseconds: UInt64?
    /// Required for critical records (RΦV ≥ 0.8).
    public var proof: MemoryProofJSON?
    /// Hash of the asserted content (output only; what a proof signs).
    public var contentHash: String?
    /// Hex of the author's Ed25519 signature over the record's sign bytes (`MemoryRecord.signBytes`).
    public var signature: String?

    public init(
        id: String, vector: [Float]?, payload: String? = nil, author: String, version: UInt64? = nil,
        createdAtMilliseconds: UInt64? = nil, updatedAtMilliseconds: UInt64? = nil,
        importance: FixedPointJSON? = nil, replicaAgreement: FixedPointJSON? = nil, accessCount: UInt64? = nil,
        lastAccessMilliseconds: UInt64? = nil, proof: MemoryProofJSON? = nil, contentHash: String? = nil,
        signature: String? = nil
    ) {
        self.id = id
        self.vector = vector
        self.payload = payload
        self.author = author
        self.version = version
        self.createdAtMilliseconds = createdAtMilliseconds
        self.updatedAtMilliseconds = updatedAtMilliseconds
        self.importance = importance
        self.replicaAgreement = replicaAgreement
        self.accessCount = accessCount
        self.lastAccessMilliseconds = lastAccessMilliseconds
        self.proof = proof
        self.contentHash = contentHash
        self.signature = signature
    }

    enum CodingKeys: String, CodingKey {
        case id, vector, payload, author, version, createdAtMilliseconds, updatedAtMilliseconds, importance
        case replicaAgreement, accessCount, lastAccessMilliseconds, proof, contentHash, signature
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        vector = try container.contains(.vector) ? container.decodeVector(forKey: .vector) : nil
        payload = try container.decodeIfPresent(String.self, forKey: .payload)
        author = try container.decode(String.self, forKey: .author)
        version = try container.decodeIfPresent(UInt64.self, forKey: .version)
        createdAtMilliseconds = try container.decodeIfPresent(UInt64.self, forKey: .createdAtMilliseconds)
        updatedAtMilliseconds = try container.decodeIfPresent(UInt64.self, forKey: .updatedAtMilliseconds)
        importance = try container.decodeIfPresent(FixedPointJSON.self, forKey: .importance)
        replicaAgreement = try container.decodeIfPresent(FixedPointJSON.self, forKey: .replicaAgreement)
        accessCount = try container.decodeIfPresent(UInt64.self, forKey: .accessCount)
        lastAccessMilliseconds = try container.decodeIfPresent(UInt64.self, forKey: .lastAccessMilliseconds)
        proof = try container.decodeIfPresent(MemoryProofJSON.self, forKey: .proof)
        contentHash = try container.decodeIfPresent(String.self, forKey: .contentHash)
        signature = try container.decodeIfPresent(String.self, forKey: .signature)
    }

    /// Every field of `record`; the vector only when `includeVector`.
    public init(_ record: MemoryRecord, includeVector: Bool = true) {
        self.init(
            id: record.id.hex, vector: includeVector ? record.vector : nil, payload: WireFormat.base64(record.payload),
            author: record.author.hex, version: record.version,
            createdAtMilliseconds: record.createdAtMilliseconds,
            updatedAtMilliseconds: record.updatedAtMilliseconds, importance: FixedPointJSON(record.importance),
            replicaAgreement: FixedPointJSON(record.replicaAgreement), accessCount: record.accessCount,
            lastAccessMilliseconds: record.lastAccessMilliseconds, proof: record.proof.map(MemoryProofJSON.init),
            contentHash: record.contentHash.hex, signature: record.signature.map { Hex.encode($0.bytes) })
    }

    /// The domain record, every field checked; the node checks the dimension and the proof.
    public func record(maxDimension: Int) throws(APIError) -> MemoryRecord {
        guard let vector else { throw APIError(.missingField, "vector is required", field: "vector") }
        let payloadBytes =
            try payload.map { text throws(APIError) in
                try WireFormat.bytes(base64: text, field: "payload")
            } ?? []
        guard version != 0 else { throw APIError(.invalidValue, "version must be at least 1", field: "version") }
        return MemoryRecord(
            id: try WireFormat.hash(id, field: "id"),
            vector: try WireFormat.vector(vector, field: "vector", maxDimension: maxDimension),
            payload: payloadBytes,
            author: try WireFormat.publicKey(author, field: "author"),
            version: version ?? 1,
            createdAtMilliseconds: createdAtMilliseconds ?? 0,
            updatedAtMilliseconds: updatedAtMilliseconds,
            importance: try importance?.unitInterval(field: "importance") ?? FixedPoint(raw: 500_000),
            replicaAgreement: try replicaAgreement?.unitInterval(field: "replicaAgreement") ?? .one,
            accessCount: accessCount ?? 0,
            lastAccessMilliseconds: lastAccessMilliseconds,
            proof: try proof?.proof(field: "proof"),
            signature: try signature.map { text throws(APIError) in try WireFormat.signature(text, field: "signature") }
        )
    }
}

/// `POST /v1/memory` answer (201).
public struct MemoryPutResponse: Codable, Hashable, Sendable {
    public var id: String
    public var contentHash: String
    /// Whether the record was critical and its proof went to Layer 1.
    public var proofSubmitted: Bool
    public var proofTransactionId: String?
    /// The shard the record belongs to and its replicas (hex keys, best first); absent from a node
    /// that does not shard its memory.
    public var shard: UInt32?
    public var replicas: [String]?

    public init(
        id: String, contentHash: String, proofSubmitted: Bool, proofTransactionId: String?, shard: UInt32? = nil,
        replicas: [String]? = nil
    ) {
        self.id = id
        self.contentHash = contentHash
        self.proofSubmitted = proofSubmitted
        self.proofTransactionId = proofTransactionId
        self.shard = shard
        self.replicas = replicas
    }
}
