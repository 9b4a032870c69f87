import HMNMesh
import HMNPrimitives

/// A vector search request (`POST /v1/memory/search`, `hmn memory search`).
public struct MemorySearchQuery: Hashable, Sendable {
    public var vector: [Float]
    public var k: Int
    /// Only records by this author, when set.
    public var author: PublicKey?
    /// Only records whose RΦV is at least this, when set.
    public var minimumRPHV: FixedPoint?
    /// Ask every shard instead of routing (the reference a routed answer is measured against).
    public var allShards: Bool

    public init(
        vector: [Float], k: Int, author: PublicKey? = nil, minimumRPHV: FixedPoint? = nil, allShards: Bool = false
    ) {
        self.vector = vector
        self.k = k
        self.author = author
        self.minimumRPHV = minimumRPHV
        self.allShards = allShards
    }
}

/// The answer to a search: the hits, best first, and how the query was routed (SPEC §9).
public struct MemorySearchResult: Hashable, Sendable {
    public var hits: [MemorySearchHit]
    /// Shards that served the query, in the order they were asked.
    public var servedShards: [UInt32]
    /// "direct" (λ ≥ 0.7, or the answer was good), "fallback" (λ < 0.7 and the optimal shard's
    /// answer was poor, so more shards were asked) or "all" (``MemorySearchQuery/allShards``).
    public var routing: String
    /// Shards in the map when the query ran.
    public var totalShards: Int
    /// Shards whose replicas did not answer (the hits lack their records).
    public var unavailableShards: [UInt32]

    public init(
        hits: [MemorySearchHit], servedShards: [UInt32], routing: String, totalShards: Int = 1,
        unavailableShards: [UInt32] = []
    ) {
        self.hits = hits
        self.servedShards = servedShards
        self.routing = routing
        self.totalShards = totalShards
        self.unavailableShards = unavailableShards
    }
}

/// One search hit with its record (vector omitted when the caller does not need it).
public struct MemorySearchHit: Hashable, Sendable {
    public var record: MemoryRecord
    public var distance: Float

    public init(record: MemoryRecord, distance: Float) {
        self.record = record
        self.distance = distance
    }
}

/// The result of a memory write.
public struct MemoryPutResult: Hashable, Sendable {
    public var id: Hash256
    /// Whether the record was critical and its proof was submitted to Layer 1.
    public var proofSubmitted: Bool
    /// Id of the Layer-1 transaction carrying the proof, when one was submitted.
    public var proofTransactionID: Hash256?
    /// The shard the record belongs to and its replicas (best first), when the node shards its memory.
    public var shard: UInt32?
    public var replicas: [PublicKey]

    public init(
        id: Hash256, proofSubmitted: Bool, proofTransactionID: Hash256?, shard: UInt32? = nil,
        replicas: [PublicKey] = []
    ) {
        self.id = id
        self.proofSubmitted = proofSubmitted
        self.proofTransactionID = proofTransactionID
        self.shard = shard
        self.replicas = replicas
    }
}

/// A memory record's proof and its Layer-1 commitment.
public struct MemoryProofStatus: Hashable, Sendable {
    public var proof: MemoryProof
    /// Height of the block that committed it, nil while pending.
    public var committedHeight: UInt64?
    public var transactionID: Hash256?

    public init(proof: MemoryProof, committedHeight: UInt64?, transactionID: Hash256?) {
        self.proof = proof
        self.committedHeight = committedHeight
        self.transactionID = transactionID
    }
}
