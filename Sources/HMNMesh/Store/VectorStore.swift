import HMNPrimitives
import HMNStorage
import Logging
import Synchronization

/// An embedded, persistent vector memory store: records in SQLite (WAL, synchronous=FULL), Float32
/// vectors in an ``HNSWIndex``, int8-quantized low-value vectors in a ``QuantizedFlatIndex``.
///
/// A write returns only after its SQLite transaction committed, so an acknowledged write survives
/// `kill -9`. The graph is checkpointed every ``VectorStoreConfiguration/checkpointInterval`` writes
/// and on ``close()``; opening loads the checkpoint and re-inserts only records written after it.
///
/// Concurrency: writes are serialized by a mutex that also confines the SQLite connection; searches
/// run concurrently with each other and with a write's SQLite commit and graph planning. In-memory
/// maps are guarded by a reader-writer lock, the indexes by their own. Those locks are why the class
/// is `@unchecked Sendable`.
public final class VectorStore: @unchecked Sendable {
    public let configuration: VectorStoreConfiguration
    let logger: Logger
    let writer = Mutex<Void>(())
    let database: SQLiteDatabase
    let graph: HNSWIndex
    let quantized: QuantizedFlatIndex

    // Guarded by `stateLock`.
    let stateLock = ReadWriteLock()
    var records: [Hash256: StoredRecord] = [:]
    var idOfLabel: [UInt64: Hash256] = [:]
    var aliases: [Hash256: Hash256] = [:]

    // Writer-confined.
    var nextLabel: UInt64 = 1
    var writesSinceCheckpoint = 0

    /// A record as held in memory: metadata (vector emptied) plus where its vector lives.
    struct StoredRecord {
        var metadata: MemoryRecord
        var label: UInt64
        var isQuantized: Bool
    }

    /// Opens or creates the store at `path` (`":memory:"` for a throwaway store).
    public init(path: String, configuration: VectorStoreConfiguration, logger: Logger) throws {
        try configuration.hnsw.validate()
        guard configuration.dimension > 0, configuration.dimension <= MemoryRecord.maxDimension else {
            throw MemoryStoreError(.invalidParameter, "dimension must be in 1...\(MemoryRecord.maxDimension)")
        }
        self.configuration = configuration
        self.logger = logger
        database = try SQLiteDatabase(path: path, options: .init(durable: configuration.durable))
        try database.migrate(VectorStoreSchema.migrations)
        quantized = QuantizedFlatIndex(
            dimension: configuration.dimension, metric: configuration.metric, maxK: configuration.maxK)
        let loaded = try Self.load(
            database: database, configuration: configuration, quantized: quantized, logger: logger)
        graph = loaded.graph
        records = loaded.records
        idOfLabel = loaded.idOfLabel
        aliases = loaded.aliases
        nextLabel = loaded.nextLabel
        writesSinceCheckpoint = loaded.reinserted
    }

    // MARK: Reads

    /// Live records (aliases not counted).
    public var count: Int { stateLock.withReadLock { records.count } }

    /// The id an alias resolves to, or `id` itself.
    public func resolve(_ id: Hash256) -> Hash256 { stateLock.withReadLock { aliases[id] ?? id } }

    /// The record with `id` (or the record it was merged into). Under cosine the vector is the
    /// normalized one the index holds; a quantized record returns its dequantized vector.
    public func record(id: Hash256) -> MemoryRecord? {
        let stored: StoredRecord? = stateLock.withReadLock { records[aliases[id] ?? id] }
        guard let stored else { return nil }
        var record = stored.metadata
        record.vector =
            (stored.isQuantized ? quantized.vector(label: stored.label) : graph.vector(label: stored.label)) ?? []
        return record
    }

    /// The `k` nearest records to `query` whose metadata passes `filter` (the record handed to the
    /// filter has an empty vector). `efSearch` defaults to the configuration's; it must be ≥ k.
    public func search(
        _ query: [Float], k: Int, efSearch: Int? = nil, filter: ((MemoryRecord) -> Bool)? = nil
    ) throws(MemoryStoreError) -> [MemoryHit] {
        try VectorValidation.checkSearch(k: k, efSearch: efSearch, maxK: configuration.maxK)
        let prepared = try VectorValidation.prepare(
            query, dimension: configuration.dimension, metric: configuration.metric)
        return try stateLock.withReadLock { () throws(MemoryStoreError) -> [MemoryHit] in
            // Labels unknown to the state belong to a write still in flight: skip them.
            let labelFilter: (UInt64) -> Bool = { label in
                guard let id = self.idOfLabel[label], let stored = self.records[id] else { return false }
                return filter?(stored.metadata) ?? true
            }
            var hits: [MemoryHit] = []
            for hit in try graph.search(prepared, k: k, efSearch: efSearch, filter: labelFilter) {
                if let id = idOfLabel[hit.label] {
                    hits.append(MemoryHit(id: id, distance: hit.distance, isQuantized: false))
                }
            }
            if quantized.count > 0 {
                for hit in try quantized.search(prepared, k: k, filter: labelFilter) {
                    if let id = idOfLabel[hit.label] {
                        hits.append(MemoryHit(id: id, distance: hit.distance, isQuantized: true))
                    }
                }
                hits.sort { $0.distance < $1.distance }
            }
            return Array(hits.prefix(k))
        }
    }

    /// Bytes held in memory, by kind (see ``StorageFootprint``).
    public func footprint() -> StorageFootprint {
        let graphFootprint = graph.footprint
        let recordBytes = stateLock.withReadLock {
            records.values.reduce(0) { $0 + $1.metadata.payload.count + Self.metadataBytes }
                + aliases.count * 64
        }
        return StorageFootprint(
            vectorBytes: graphFootprint.vectorBytes, graphBytes: graphFootprint.graphBytes,
            tombstoneBytes: graphFootprint.tombstoneBytes, quantizedBytes: quantized.byteCount,
            recordBytes: recordBytes)
    }

    /// Fixed bytes per record besides payload and vector: id, author, version, three timestamps,
    /// importance, Φ, access count, label.
    static let metadataBytes = 32 + 32 + 8 * 8
}
