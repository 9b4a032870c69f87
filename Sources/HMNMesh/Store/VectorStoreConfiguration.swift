import HMNPrimitives

/// The fixed shape and limits of a ``VectorStore``. Dimension, metric and `M` are written into the
/// database on creation and checked on every open: a store cannot be reopened with another shape.
public struct VectorStoreConfiguration: Hashable, Sendable {
    public var dimension: Int
    public var metric: DistanceMetric
    public var hnsw: HNSWParameters
    /// Largest payload accepted, in bytes.
    public var maxPayloadBytes: Int
    /// Largest `k` a search accepts (larger is "absurd" and rejected).
    public var maxK: Int
    /// The graph is checkpointed after this many writes; on open only newer records are re-inserted.
    public var checkpointInterval: Int
    /// RΦV thresholds and recency constant used for proofs and compression.
    public var valuePolicy: RecordValuePolicy
    /// Reject a critical record (RΦV ≥ critical threshold at write time) that carries no proof (SPEC §8).
    public var requiresProofForCritical: Bool
    /// SQLite durability (WAL + synchronous=FULL); turn off only for throwaway stores.
    public var durable: Bool
    /// The chain whose memory proofs this store accepts (proof signatures cover the chain id).
    public var chainID: String

    public init(
        dimension: Int, metric: DistanceMetric = .cosine, hnsw: HNSWParameters = HNSWParameters(),
        maxPayloadBytes: Int = 64 << 10, maxK: Int = 10_000, checkpointInterval: Int = 10_000,
        valuePolicy: RecordValuePolicy = RecordValuePolicy(), requiresProofForCritical: Bool = true,
        durable: Bool = true, chainID: String = "hmn-local"
    ) {
        self.dimension = dimension
        self.metric = metric
        self.hnsw = hnsw
        self.maxPayloadBytes = maxPayloadBytes
        self.maxK = maxK
        self.checkpointInterval = checkpointInterval
        self.valuePolicy = valuePolicy
        self.requiresProofForCritical = requiresProofForCritical
        self.durable = durable
        self.chainID = chainID
    }
}

/// One search result of a ``VectorStore``.
public struct MemoryHit: Hashable, Sendable {
    public var id: Hash256
    /// Distance under the store's metric (smaller is closer).
    public var distance: Float
    /// True if the record is held only as int8 codes (its distance is approximate).
    public var isQuantized: Bool

    public init(id: Hash256, distance: Float, isQuantized: Bool = false) {
        self.id = id
        self.distance = distance
        self.isQuantized = isQuantized
    }
}

/// What the store holds in memory, by kind.
public struct StorageFootprint: Hashable, Sendable {
    /// Float32 vectors of records in the HNSW graph.
    public var vectorBytes: Int
    /// HNSW links and per-node bookkeeping.
    public var graphBytes: Int
    /// Tombstoned graph nodes not yet compacted.
    public var tombstoneBytes: Int
    /// int8 codes with their scale, offset and norm.
    public var quantizedBytes: Int
    /// Payloads, record metadata and alias rows.
    public var recordBytes: Int

    /// The vector data compression acts on: vectors, graph, tombstones and codes.
    public var vectorDataBytes: Int { vectorBytes + graphBytes + tombstoneBytes + quantizedBytes }
    public var totalBytes: Int { vectorDataBytes + recordBytes }
}
