import HMNCoherence
import HMNMesh
import HMNPrimitives
import Logging
import Synchronization

/// The memory-mesh service (SPEC §8–§9): stores records in the local ``MemoryStore``, hands new
/// ones to the ``MemoryReplicator``, stores what peers push (idempotently), answers searches, and
/// sends a critical record's proof to the ``Layer1ProofSink`` for Layer 1.
public final class MemoryMeshService: Sendable {
    public let store: any MemoryStore
    let replicator: any MemoryReplicator
    let proofSink: any Layer1ProofSink
    let chainID: String
    let nowMilliseconds: @Sendable () -> UInt64
    let logger: Logger
    /// Proof transactions this node submitted, by record id.
    private let submittedProofs = Mutex<[Hash256: Hash256]>([:])
    /// Searches and reads in flight to other nodes' shards.
    let requests: PeerRequests
    /// Searches of each shard this node served from its store (its own queries and its peers'):
    /// how hot each hosted shard is.
    private let servedQueries = Mutex<[ShardID: UInt64]>([:])
    let router: QueryRouter
    let metrics: NodeMetrics

    public init(
        store: any MemoryStore, replicator: any MemoryReplicator, proofSink: any Layer1ProofSink, chainID: String,
        nowMilliseconds: @escaping @Sendable () -> UInt64 = WallClock.nowMilliseconds,
        requests: PeerRequests = PeerRequests(), router: QueryRouter = QueryRouter(),
        metrics: NodeMetrics = NodeMetrics(),
        logger: Logger
    ) {
        self.requests = requests
        self.router = router
        self.metrics = metrics
        self.store = store
        self.replicator = replicator
        self.proofSink = proofSink
        self.chainID = chainID
        self.nowMilliseconds = nowMilliseconds
        self.logger = logger
    }

    /// Stores a client's record, replicates it, and commits its proof when the record is critical.
    ///
    /// Order: the record is checked (shape, signatures, then version and author against the held copy:
    /// here, or on a replica of its shard when this node does not host it), then a critical proof is
    /// handed to the sink, then the record is stored and replicated. A refused record or proof
    /// therefore changes nothing; only a store failure the pre-checks cannot foresee (e.g. a disk
    /// error) can leave a proof transaction pending without its record — harmless, since the proof
    /// is the author's own signed statement.
    public func put(_ record: MemoryRecord, messenger: any PeerMessenger) async throws(NodeError) -> MemoryPutResult {
        try precheck(record)
        try await precheckOnReplica(record, messenger: messenger)
        var transactionID: Hash256?
        if let proof = record.proof, proof.isCritical {
            transactionID = try await proofSink.commit(proof)
        }
        do {
            try store.upsert(record)
        } catch {
            throw Self.nodeError(error)
        }
        await replicator.replicate(record, messenger: messenger)
        let map = replicator.placement?.map
        let shard = map?.nearestShard(to: record.vector)
        let replicas = shard.flatMap { map?.replicas(of: $0) } ?? []
        if let transactionID {
            submittedProofs.withLock { $0[record.id] = transactionID }
            logger.info(
                "memory proof submitted", metadata: ["record": "\(record.id.short)", "tx": "\(transactionID.short)"])
        }
        return MemoryPutResult(
            id: record.id, proofSubmitted: transactionID != nil, proofTransactionID: transactionID, shard: shard,
            replicas: replicas)
    }

    /// The checks that need no write: the record's own checks, then version order against the copy
    /// held here.
    func precheck(_ record: MemoryRecord) throws(NodeError) {
        try Self.check(record, dimension: store.dimension, maxPayloadBytes: store.maxPayloadBytes, chainID: chainID)
        if let existing = store.record(id: record.id) { try Self.checkOverwrite(of: existing, by: record) }
    }

    /// A new version must keep its author and raise the version.
    static func checkOverwrite(of existing: MemoryRecord, by record: MemoryRecord) throws(NodeError) {
        guard existing.author == record.author else {
            throw NodeError(
                .rejected, "record \(record.id.short) belongs to \(existing.author.short), not \(record.author.short)")
        }
        guard existing.version < record.version else {
            throw NodeError(
                .rejected, "record \(record.id.short) already has version \(existing.version) ≥ \(record.version)")
        }
    }

    /// The checks on a client's record that need no store lookup: vector length `dimension`, finite
    /// and non-zero; payload within `maxPayloadBytes`; the author's signature and a proof, when
    /// present, signed for this record on `chainID`. Static so the API fuzz target runs exactly the
    /// node's checks.
    public static func check(_ record: MemoryRecord, dimension: Int, maxPayloadBytes: Int, chainID: String)
        throws(NodeError)
    {
        guard record.vector.count == dimension else {
            throw NodeError(
                .invalidVector, "vector has \(record.vector.count) components; the store holds \(dimension)")
        }
        guard record.vector.allSatisfy(\.isFinite) else {
            throw NodeError(.invalidVector, "vector has a NaN or infinite component")
        }
        guard record.vector.contains(where: { $0 != 0 }) else {
            throw NodeError(.invalidVector, "zero vector has no direction")
        }
        guard record.payload.count <= maxPayloadBytes else {
            throw NodeError(.invalidVector, "payload of \(record.payload.count) bytes exceeds \(maxPayloadBytes)")
        }
        do {
            try record.verifySignature(chainID: chainID)
            try record.proof?.verify(for: record, chainID: chainID)
        } catch {
            throw NodeError(.badSignature, error.message)
        }
    }

    /// A record pushed by a peer: idempotent upsert (an equal or older version is already here).
    /// Invalid records are dropped and logged.
    public func receive(_ record: MemoryRecord, from peer: PublicKey, messenger: any PeerMessenger) async {
        var stored = false
        do {
            try record.verifySignature(chainID: chainID)
            try store.upsert(record)
            stored = true
        } catch let error as MemoryStoreError where error.code == .staleVersion {
            stored = false
        } catch {
            logger.warning(
                "dropped a memory record from a peer",
                metadata: ["peer": "\(peer.short)", "record": "\(record.id.short)", "error": "\(error)"])
            return
        }
        await replicator.received(record, from: peer, stored: stored, messenger: messenger)
    }

    /// The `k` nearest records, filtered. Without placement (every node holds everything) the
    /// local store answers; otherwise the query is routed by the shard map (``routedSearch``).
    public func search(
        _ query: MemorySearchQuery, lambda: FixedPoint, parameters: CoherenceParameters, messenger: any PeerMessenger
    ) async throws(NodeError) -> MemorySearchResult {
        guard let placement = replicator.placement else {
            let hits = try localSearch(query, shards: nil)
            let routing = RoutingMode(lambda: lambda, parameters: parameters)
            return MemorySearchResult(
                hits: hits, servedShards: [0], routing: routing == .direct ? "direct" : "fallback")
        }
        return try await routedSearch(query, lambda: lambda, placement: placement, messenger: messenger)
    }

    /// Searches served from this node's store, per shard (``localSearch(_:shards:)`` counts them).
    public var servedQueriesByShard: [ShardID: UInt64] { servedQueries.withLock { $0 } }

    /// The local store's `k` nearest records passing the query's filters and, when `shards` is set,
    /// belonging to one of them.
    func localSearch(_ query: MemorySearchQuery, shards: Set<ShardID>?) throws(NodeError) -> [MemorySearchHit] {
        if let shards { servedQueries.withLock { for shard in shards { $0[shard, default: 0] += 1 } } }
        let now = nowMilliseconds()
        let store = self.store
        let replicator = self.replicator
        let author = query.author
        let minimum = query.minimumRPHV
        let filter: ((MemoryRecord) -> Bool)? =
            author == nil && minimum == nil && shards == nil
            ? nil
            : { record in
                if let author, record.author != author { return false }
                if let minimum, store.value(of: record, nowMilliseconds: now) < minimum { return false }
                if let shards {
                    guard let shard = replicator.shard(of: record.id), shards.contains(shard) else { return false }
                }
                return true
            }
        let hits: [MemoryHit]
        do {
            hits = try store.search(query.vector, k: query.k, efSearch: nil, filter: filter)
        } catch {
            throw Self.nodeError(error)
        }
        return hits.compactMap { hit in
            store.record(id: hit.id).map { MemorySearchHit(record: $0, distance: hit.distance) }
        }
    }

    /// Record `id` as written, or (for an id compression merged away) the indexed record it
    /// resolves to; when this node does not hold it and shards live elsewhere, the validators are
    /// asked. nil when nobody has it. A row failing its checksum is refused, never served.
    public func record(id: Hash256, messenger: any PeerMessenger) async throws(NodeError) -> MemoryRecord? {
        if let local = try localRecord(id: id) { return local }
        guard let placement = replicator.placement else { return nil }
        return try await remoteRecord(id: id, placement: placement, messenger: messenger)
    }

    /// Record `id` from this node's store only.
    func localRecord(id: Hash256) throws(NodeError) -> MemoryRecord? {
        do {
            if let written = try store.writtenRecord(id: id) { return written }
        } catch {
            logger.critical("memory store is damaged", metadata: ["record": "\(id.short)", "error": "\(error)"])
            throw NodeError(
                .corruptStorage,
                "memory record \(id.short) failed its check and is not served: \(error). Stop the node, run "
                    + "`hmn reset` on its home and start it again to resync from peers")
        }
        return store.record(id: id)
    }

    /// The proof of record `id` and the id of the transaction this node submitted for it.
    public func proof(of id: Hash256) -> (proof: MemoryProof, transactionID: Hash256?)? {
        guard let proof = store.record(id: id)?.proof else { return nil }
        return (proof, submittedProofs.withLock { $0[id] })
    }

    static func nodeError(_ error: any Error) -> NodeError {
        guard let error = error as? MemoryStoreError else { return NodeError(.internalError, "\(error)") }
        switch error.code {
        case .wrongDimension, .nonFiniteComponent, .zeroVector, .payloadTooLarge:
            return NodeError(.invalidVector, error.message)
        case .staleVersion: return NodeError(.rejected, error.message)
        case .invalidProof, .invalidSignature: return NodeError(.badSignature, error.message)
        case .authorMismatch: return NodeError(.rejected, error.message)
        case .invalidK, .invalidParameter, .notFound: return NodeError(.malformed, error.message)
        case .storage: return NodeError(.internalError, error.message)
        case .unavailable: return NodeError(.unavailable, error.message)
        }
    }
}
