import HMNLedger
import HMNMesh
import HMNPrimitives
import Logging
import Synchronization

/// The node's memory replication through the memory mesh's gossip protocol (HMNMesh's
/// ``MeshGossip``, SPEC §9): a local write is pushed eagerly to up to `meshDegree` replicas, the
/// rest learn of it by IHAVE/IWANT at the λ pace, and every few ticks the node reconciles its
/// records with one co-replica by range fingerprints. So a record written while a peer was down,
/// restarting or cut off reaches it once the link returns, at a cost that grows with the
/// difference, not with the store. A peer that sends records that fail validation loses score and
/// is graylisted.
///
/// The shell around the state machine: it owns no protocol logic. Gossip travels as
/// ``NodeMessage/meshGossip(_:)``; records the engine integrates are written to the node's
/// ``MemoryStore`` (the engine's own record set lives in memory and is seeded from the store at
/// start, ``init(store:signingKey:chainID:members:configuration:clock:nowMilliseconds:metrics:logger:)``).
///
/// Placement: the chain's ``MeshLayout`` with its committed shard splits, over the validator set
/// after the last committed block (``committed(validators:shardMapProposals:messenger:)``), so every
/// node derives the same ``ShardMap`` at a height.
/// The node holds only the shards it hosts; a write for another shard is handed to that shard's
/// replicas and kept here until every one acknowledged it; after a map change, records move to
/// their new replicas the same way. Searches and reads for other shards go to their replicas
/// (``MemoryMeshService``).
public final class MeshGossipReplicator: MemoryReplicator {
    let store: any MemoryStore
    let identity: PublicKey
    let clock: any Clock<Duration>
    let nowMilliseconds: @Sendable () -> UInt64
    let logger: Logger
    let metrics: NodeMetrics
    /// The genesis layout with the committed splits applied (changed only by ``committed(validators:shardMapProposals:messenger:)``).
    private let currentLayout: Mutex<MeshLayout>
    private let gossip: Mutex<MeshGossip>
    private let tally = Mutex(Counters())

    /// What the replicator did so far (for tests, status and metrics).
    public struct Counters: Hashable, Sendable {
        /// Records received from peers and written to the store.
        public var integrated = 0
        /// Peer data the engine refused (bad record, bad proof, malformed bytes).
        public var rejected = 0
        /// Integrated records the store refused to write.
        public var storeFailures = 0
    }

    /// - Parameters:
    ///   - store: the node's vector store; its records seed the engine (those of shards this node
    ///     does not host are handed off to their replicas).
    ///   - layout: the chain's shards and replication factor (genesis `mesh` with the splits
    ///     committed so far, ``MeshLayout/applyingCommitted(_:skipped:)``).
    ///   - validators: the validator set after the last committed block (placement weights).
    ///   - configuration: the gossip engine's parameters; its chain id must be the chain's.
    public init(
        store: any MemoryStore, signingKey: SigningKey, chainID: String, layout: MeshLayout,
        validators: [ValidatorStatus], configuration: GossipConfiguration? = nil,
        clock: any Clock<Duration> = ContinuousClock(),
        nowMilliseconds: @escaping @Sendable () -> UInt64 = WallClock.nowMilliseconds,
        metrics: NodeMetrics = NodeMetrics(), logger: Logger
    ) throws(NodeError) {
        self.metrics = metrics
        self.store = store
        self.identity = signingKey.publicKey
        self.clock = clock
        self.nowMilliseconds = nowMilliseconds
        self.logger = logger
        self.currentLayout = Mutex(layout)
        let map = try layout.map(validators: validators, dimension: store.dimension, base: nil)
        var gossip = MeshGossip(
            configuration: configuration ?? GossipConfiguration(chainID: chainID), signingKey: signingKey, map: map,
            lambda: .one, logger: logger)
        let restored: Int
        do {
            restored = gossip.restore(try store.writtenRecords())
        } catch {
            throw NodeError(.internalError, "reading the memory store for gossip: \(error)")
        }
        self.gossip = Mutex(gossip)
        let hosted = map.shards(hostedBy: identity)
        logger.info(
            "memory mesh placement",
            metadata: [
                "shards": "\(map.shards.count)", "replication": "\(map.replicationFactor)",
                "hosted": "\(hosted.map(String.init).joined(separator: ","))", "restored": "\(restored)",
            ])
    }

    /// One shard replicated on every member (up to ``ShardMap/maxReplicationFactor``), members
    /// weighted equally: every node holds every record. For tests and closed setups.
    public convenience init(
        store: any MemoryStore, signingKey: SigningKey, chainID: String, members: Set<PublicKey>,
        configuration: GossipConfiguration? = nil, clock: any Clock<Duration> = ContinuousClock(),
        nowMilliseconds: @escaping @Sendable () -> UInt64 = WallClock.nowMilliseconds,
        metrics: NodeMetrics = NodeMetrics(), logger: Logger
    ) throws(NodeError) {
        let all = members.union([signingKey.publicKey])
        try self.init(
            store: store, signingKey: signingKey, chainID: chainID,
            layout: MeshLayout(
                centroids: [[Float](repeating: 0, count: store.dimension)],
                replicationFactor: min(all.count, Int(ShardMap.maxReplicationFactor))),
            validators: all.map { ValidatorStatus(key: $0, power: 1, psi: .one) }, configuration: configuration,
            clock: clock, nowMilliseconds: nowMilliseconds, metrics: metrics, logger: logger)
    }

    /// What the replicator did so far.
    public var counters: Counters { tally.withLock { $0 } }

    /// The shard layout after the last committed block: genesis centroids plus committed splits.
    public var layout: MeshLayout { currentLayout.withLock { $0 } }

    /// The vectors of the records this node holds in `shard` (what a split is trained on).
    public func vectors(in shard: ShardID) -> [[Float]] {
        gossip.withLock { $0.engine.store.records(in: shard).map(\.vector) }
    }

    /// Records the engine holds (hosted or being handed off).
    public var heldRecordCount: Int { gossip.withLock { $0.engine.store.count } }

    /// The engine's per-shard digests of what it holds (the values a vote extension would carry).
    public var shardDigests: [ShardDigest] { gossip.withLock { $0.engine.shardDigests() } }

    /// The map, and the shards this node hosts under it.
    public var placement: MemoryPlacement? {
        gossip.withLock { gossip in
            MemoryPlacement(map: gossip.engine.map, hosted: gossip.engine.shards, node: identity)
        }
    }

    /// The shard a record held here belongs to (hosted, or kept until its handoff is acknowledged);
    /// nil for a record the engine does not hold. Cheap: one lock and two lookups, so a search may
    /// call it for every candidate.
    public func shard(of id: Hash256) -> ShardID? {
        gossip.withLock { gossip in
            let engine = gossip.engine
            if let shard = engine.store.shard(of: id) { return shard }
            return engine.retained[id].flatMap { engine.map.nearestShard(to: $0.vector) }
        }
    }

    /// Whether `peer` has a live session: the engine learns of arrivals and departures from the
    /// transport (``peerConnected(_:messenger:)``, ``peerDisconnected(_:)``).
    public func isConnected(_ peer: PublicKey) -> Bool {
        gossip.withLock { $0.engine.peers[peer] != nil }
    }

    /// Whether the engine's copy of `shard` is settled (``GossipEngine/isSettled(_:)``).
    public func isSettled(_ shard: ShardID) -> Bool {
        gossip.withLock { $0.engine.isSettled(shard) }
    }

    /// Records held per hosted shard, and records kept only until their handoff is acknowledged.
    public var shardRecordCounts: (hosted: [ShardID: Int], handingOff: Int) {
        gossip.withLock { gossip in
            let engine = gossip.engine
            return (
                Dictionary(uniqueKeysWithValues: engine.shards.map { ($0, engine.store.count(in: $0)) }),
                engine.retained.count
            )
        }
    }

    /// The engine's per-shard digests of the records settled by `cutoffMilliseconds`, one per hosted
    /// shard (``GossipEngine/settledShardDigests(cutoffMilliseconds:)``): what this node's precommits
    /// carry (``ShardDigestSource``).
    public func settledShardDigests(cutoffMilliseconds: UInt64) -> [ShardDigest] {
        gossip.withLock { $0.settledShardDigests(cutoffMilliseconds: cutoffMilliseconds) }
    }

    // MARK: MemoryReplicator

    /// A committed block may split shards (its shard-map proposals, applied in order; one that does
    /// not apply is skipped, as on every node) and a new validator set or Ψ may move them: the map
    /// is rebuilt from the layout, and when it changed the engine moves records to their new
    /// shards and replicas.
    public func committed(
        validators: [ValidatorStatus], shardMapProposals: [CommittedShardMapProposal], messenger: any PeerMessenger
    ) async {
        let layout = currentLayout.withLock { layout in
            layout = layout.applyingCommitted(shardMapProposals, logger: logger)
            return layout
        }
        metrics.meshLayoutVersion.record(Double(layout.version))
        if !shardMapProposals.isEmpty {
            logger.info(
                "memory mesh layout", metadata: ["version": "\(layout.version)", "shards": "\(layout.centroids.count)"])
        }
        var outputs: [MeshGossip.Output] = []
        do {
            try gossip.withLock { (gossip: inout MeshGossip) throws(NodeError) in
                let current = gossip.engine.map
                let next = try layout.map(validators: validators, dimension: store.dimension, base: current)
                guard next != current else { return }
                outputs = gossip.handle(.mapChanged(next), nowMilliseconds: nowMilliseconds())
                logger.info(
                    "memory mesh placement changed",
                    metadata: [
                        "version": "\(next.version)",
                        "hosted": "\(gossip.engine.shards.sorted().map(String.init).joined(separator: ","))",
                    ])
            }
        } catch {
            logger.error("memory mesh: could not rebuild the shard map", metadata: ["error": "\(error)"])
        }
        await execute(outputs, messenger: messenger)
    }

    /// The service has stored `record` already, so the engine's `integrated` for it is not written
    /// again (that would cost a store read per local write to find it unchanged).
    public func replicate(_ record: MemoryRecord, messenger: any PeerMessenger) async {
        let outputs = gossip.withLock { $0.handle(.localWrite(record), nowMilliseconds: nowMilliseconds()) }
        await execute(outputs, messenger: messenger, stored: record.id)
    }

    /// Records pushed with ``NodeMessage/memoryRecord(_:)`` (by a ``PushToAllReplicator`` peer) are
    /// already stored by the service; the engine merges them too, so reconciliation offers them to
    /// peers that lack them.
    public func received(_ record: MemoryRecord, from peer: PublicKey, stored: Bool, messenger: any PeerMessenger)
        async
    {
        gossip.withLock { _ = $0.restore([record]) }
    }

    public func receiveGossip(_ bytes: [UInt8], from peer: PublicKey, messenger: any PeerMessenger) async {
        let outputs = gossip.withLock { $0.receive(bytes, from: peer, nowMilliseconds: nowMilliseconds()) }
        await execute(outputs, messenger: messenger)
    }

    public func peerConnected(_ peer: PublicKey, messenger: any PeerMessenger) async {
        let outputs = gossip.withLock {
            $0.handle(.peerJoined(peer, rttMilliseconds: 0), nowMilliseconds: nowMilliseconds())
        }
        await execute(outputs, messenger: messenger)
    }

    public func peerDisconnected(_ peer: PublicKey) async {
        // A departed peer stays in the map (it may return); the engine stops sending to it.
        _ = gossip.withLock { $0.handle(.peerLeft(peer), nowMilliseconds: nowMilliseconds()) }
    }

    public func lambdaChanged(_ lambda: FixedPoint) async {
        _ = gossip.withLock { $0.handle(.lambdaChanged(lambda), nowMilliseconds: nowMilliseconds()) }
    }

    /// Ticks the engine at the pace it schedules (SPEC §9 tiers) until cancelled.
    public func run(messenger: any PeerMessenger) async {
        var delay = schedule(in: gossip.withLock { $0.handle(.start, nowMilliseconds: nowMilliseconds()) }) ?? 250
        while !Task.isCancelled {
            do {
                try await clock.sleep(for: .milliseconds(delay))
            } catch {
                return
            }
            delay = await tick(messenger: messenger) ?? delay
        }
    }

    /// One timer event: announcements, requests, retries and, every few ticks, a reconciliation
    /// round. Returns the delay the engine asks for before the next one.
    @discardableResult
    func tick(messenger: any PeerMessenger) async -> UInt64? {
        let outputs = gossip.withLock { $0.handle(.tick, nowMilliseconds: nowMilliseconds()) }
        await execute(outputs, messenger: messenger)
        return schedule(in: outputs)
    }

    // MARK: Shell

    private func schedule(in outputs: [MeshGossip.Output]) -> UInt64? {
        outputs.reduce(nil) { last, output in
            if case .schedule(let delay) = output { return delay }
            return last
        }
    }

    /// Carries out the engine's outputs in order. Timers are the tick loop's business; `stored` is a
    /// record the caller has written already.
    private func execute(_ outputs: [MeshGossip.Output], messenger: any PeerMessenger, stored: Hash256? = nil) async {
        for output in outputs {
            switch output {
            case .send(let peer, let bytes):
                await messenger.send(.meshGossip(bytes), to: peer)
            case .integrated(let record, _):
                if record.id != stored { persist(record) }
            case .rejected(let peer, let error):
                guard peer != identity else { continue }
                tally.withLock { $0.rejected += 1 }
                metrics.memoryGossipRejected.increment()
                logger.debug("memory gossip: refused data", metadata: ["peer": "\(peer.short)", "error": "\(error)"])
            case .graylisted(let peer):
                logger.warning("memory gossip: peer graylisted for invalid data", metadata: ["peer": "\(peer.short)"])
            case .commitProof:
                // The engine signs a proof only for a critical record this node authored without one;
                // the store refuses such a record before it reaches the replicator, so nothing to do.
                break
            case .dropped(let id):
                drop(id)
            case .schedule:
                break
            }
        }
    }

    /// Deletes a record this node no longer hosts, now that its replicas acknowledged it.
    private func drop(_ id: Hash256) {
        do {
            _ = try store.delete(id: id)
            metrics.memoryHandedOff.increment()
        } catch {
            tally.withLock { $0.storeFailures += 1 }
            logger.error("memory gossip: could not drop a handed-off record", metadata: ["error": "\(error)"])
        }
    }

    /// Writes a record the engine accepted from a peer, unless the store already holds that version. At an equal version with other content the engine's
    /// deterministic tie-break has chosen this one; the store replaces only newer versions, so the
    /// loser is deleted first.
    private func persist(_ record: MemoryRecord) {
        if let held = store.record(id: record.id), held.version >= record.version {
            guard held.version == record.version, let written = try? store.writtenRecord(id: record.id),
                written.contentHash != record.contentHash
            else { return }
            do {
                _ = try store.delete(id: record.id)
            } catch {
                tally.withLock { $0.storeFailures += 1 }
                logger.error("memory gossip: could not replace a record", metadata: ["error": "\(error)"])
                return
            }
        }
        do {
            try store.upsert(record)
            tally.withLock { $0.integrated += 1 }
            metrics.memoryGossipIntegrated.increment()
        } catch {
            tally.withLock { $0.storeFailures += 1 }
            logger.warning(
                "memory gossip: the store refused a record",
                metadata: ["record": "\(record.id.short)", "error": "\(error)"])
        }
    }
}
