import Foundation
import HMNMesh
import HMNPrimitives
import Logging
import Synchronization

/// A vector memory store whose records live in a Milvus collection, for memory that outgrows one
/// machine. Same calls and same refusals as the embedded ``HMNMesh/VectorStore``; a node selects
/// it with `vectorBackend` in its `config.json` (Docs/OPERATIONS.md).
///
/// **What is checked here.** Every input the embedded store refuses is refused before a byte is
/// sent, with the same ``HMNMesh/MemoryStoreError`` code: wrong dimension, NaN or infinite
/// components, a zero vector under cosine, an oversize payload, a stale version, a bad or missing
/// memory proof. Failures of Milvus or of the network are ``MilvusError``s.
///
/// **Acknowledgement.** A write returns after Milvus accepted it (Milvus persists it in its
/// write-ahead log before replying) *and* serves it to reads. A write that throws was not
/// acknowledged: after ``MilvusError/Code/unavailable`` nothing reached the server; after
/// ``MilvusError/Code/timeout`` the outcome is unknown and the caller may retry with a higher version.
///
/// **Consistency.** Milvus 2.3's REST v1 reads run at Bounded consistency (at most
/// `common.gracefulTime`, 5 s by default, behind; no per-request level). Because every write here
/// waits until Milvus serves it, reads through this store see its own acknowledged writes
/// (read-your-writes). Writes from another process to the same collection are seen within the
/// Bounded window; one writer per collection is the supported shape (as with one embedded store per node).
///
/// **Concurrency.** Writes are serialized by a mutex (version checks read, then write); reads run
/// concurrently. Every call blocks its thread on HTTP (see `MilvusHTTPClient`).
public final class MilvusVectorStore: Sendable {
    public let connection: MilvusConnection
    /// Shape and limits. The HNSW, checkpoint and durability settings do not apply (Milvus builds
    /// and persists its own index).
    public let configuration: VectorStoreConfiguration
    let logger: Logger
    let client: MilvusHTTPClient
    let writer = Mutex<Void>(())
    /// Live records, counted by a scan on open and then kept by this store's own writes.
    let liveCount = Mutex<Int>(0)

    /// Connects, creates the collection if it is missing (this store's dimension and metric, auto
    /// index), checks an existing one has the same shape, and counts its records.
    ///
    /// - Throws: ``MilvusError`` (`unavailable` when the server cannot be reached, `schemaMismatch`
    ///   when the collection has another shape); ``HMNMesh/MemoryStoreError`` for a bad configuration.
    public init(connection: MilvusConnection, configuration: VectorStoreConfiguration, logger: Logger) throws {
        try connection.validate()
        guard configuration.dimension > 0, configuration.dimension <= 32_768 else {
            // Milvus 2.3's largest float vector is 32,768 components.
            throw MemoryStoreError(.invalidParameter, "dimension must be in 1...32768 for Milvus")
        }
        self.connection = connection
        self.configuration = configuration
        self.logger = logger
        client = MilvusHTTPClient(connection: connection)
        try prepareCollection()
        let count = try scanIDs().count
        liveCount.withLock { $0 = count }
        logger.info(
            "Milvus vector store open",
            metadata: ["url": "\(connection.url)", "collection": "\(connection.collection)", "records": "\(count)"])
    }

    // MARK: Reads

    /// Live records (distinct record ids), as counted on open and kept by this store's writes.
    public var count: Int { liveCount.withLock { $0 } }

    /// The record with `id` exactly as written (original vector, proof intact), or nil.
    public func record(id: Hash256) throws(MilvusError) -> MemoryRecord? {
        try rows(ids: [id]).values.first?.record
    }

    /// The `k` nearest records to `query` whose metadata passes `filter`.
    ///
    /// Distances are HMN's (smaller is closer): Milvus's COSINE and IP scores `s` become `1 − s`,
    /// its L2 is already squared. `efSearch` is checked (≥ k) but Milvus's REST v1 search takes no
    /// index parameters, so its auto index uses its own. A filter runs here on the decoded rows;
    /// the search widens (up to Milvus's top-k limit of 16,384) until `k` rows pass or none remain.
    public func search(
        _ query: [Float], k: Int, efSearch: Int? = nil, filter: ((MemoryRecord) -> Bool)? = nil
    ) throws -> [MemoryHit] {
        try VectorValidation.checkSearch(k: k, efSearch: efSearch, maxK: min(configuration.maxK, Self.maxTopK))
        _ = try VectorValidation.prepare(query, dimension: configuration.dimension, metric: configuration.metric)
        var limit = filter == nil ? k : min(Self.maxTopK, k * 4)
        while true {
            let rows = try client.post(
                "/v1/vector/search",
                MilvusWire.Search(
                    collectionName: connection.collection, vector: query, limit: limit,
                    outputFields: filter == nil ? ["hmn_id"] : ["hmn_id", "hmn_record"]),
                as: [MilvusWire.RowReply].self)
            var hits: [MemoryHit] = []
            var seen = Set<String>()
            for row in rows {
                // Two rows share an id only while a replacement is being written; keep the closer.
                guard let hex = row.hmnID, seen.insert(hex).inserted, let id = Self.hash(hex: hex) else { continue }
                if let filter, !filter(try MilvusRow.decode(row, endpoint: "/v1/vector/search")) { continue }
                hits.append(MemoryHit(id: id, distance: distance(fromScore: row.distance ?? .infinity)))
                if hits.count == k { return hits }
            }
            if rows.count < limit || limit >= Self.maxTopK { return hits }
            limit = min(Self.maxTopK, limit * 4)
        }
    }

    /// Stops using the server (the data stays in Milvus).
    public func close() {
        writer.withLock { _ in client.invalidate() }
    }

    /// Milvus 2.3's largest `limit` for a search or query.
    static let maxTopK = 16_384

    func distance(fromScore score: Float) -> Float {
        switch configuration.metric {
        case .l2: score
        case .cosine, .innerProduct: 1 - score
        }
    }

    static func hash(hex: String) -> Hash256? {
        guard let bytes = Hex.decode(hex) else { return nil }
        return try? Hash256(bytes: bytes)
    }
}
