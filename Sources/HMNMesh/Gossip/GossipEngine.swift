import HMNPrimitives
import Logging

/// The memory mesh's gossip protocol as a value-type state machine without I/O (SPEC §9): events in
/// through ``handle(_:nowMilliseconds:)``, ``GossipAction``s out. It reads no clock, opens no socket
/// and draws no randomness; the shell delivers messages and ticks.
///
/// - **Eager push** (Plumtree's eager set, Leitão et al., "Epidemic Broadcast Trees", SRDS 2007): a
///   local write goes at once to up to ``GossipConfiguration/meshDegree`` replicas of its shard,
///   nearest first. Receivers do not re-push; they announce lazily, which keeps payload receptions
///   near one per replica.
/// - **Lazy announcements** (gossipsub's IHAVE/IWANT): every tick, paced by λ, a replica announces the
///   versions it integrated to the shard's other replicas; a peer that misses one asks for it.
/// - **Repair**: every few ticks a replica reconciles one shard with one co-replica by range
///   fingerprints (``MeshRecordStore/fingerprint(shard:prefix:)``), so the bytes exchanged grow with
///   the difference, not with the store.
/// - **Validation and scoring**: a record must fit the map's dimension, carry a valid proof when it
///   claims criticality (importance ≥ the critical threshold), match the content hash announced for
///   it, and not be older than the held version; otherwise the sender loses score
///   (``PeerScoring``) and is graylisted at the threshold.
/// - **Merge**: ``MeshRecordStore/merge(_:shard:)``, idempotent and order-independent.
public struct GossipEngine: Sendable {
    public let configuration: GossipConfiguration
    public let identity: PublicKey
    let signingKey: SigningKey
    let logger: Logger

    public internal(set) var map: ShardMap
    public internal(set) var lambda: FixedPoint
    public internal(set) var store = MeshRecordStore()
    public internal(set) var peers: [PublicKey: PeerState] = [:]
    /// Records this node no longer hosts but keeps (and serves) until its handoff is acknowledged.
    public internal(set) var retained: [Hash256: MemoryRecord] = [:]

    var placement: [ShardID: [PublicKey]] = [:]
    var hostedShards: Set<ShardID> = []
    var pendingAnnouncements: [PublicKey: [ShardID: [RecordVersion]]] = [:]
    var outbox: [PublicKey: [OutboundRecord]] = [:]
    var expected: [Hash256: RecordVersion] = [:]
    /// Ids asked for with IWANT, and when: not asked again from another peer until the request expires.
    var requested: [Hash256: UInt64] = [:]
    var now: UInt64 = 0
    /// Announced ids to request once their grace period ends: (announcer, due time).
    var deferredWants: [Hash256: (peer: PublicKey, due: UInt64)] = [:]
    var pendingHandoffs: [Hash256: PendingHandoff] = [:]
    var tickCount = 0
    var reconcileCursor = 0
    var peerCursor: [ShardID: Int] = [:]
    /// When each hosted shard started being hosted here (absent: since the engine's first event).
    var hostingSince: [ShardID: UInt64] = [:]
    /// When a co-replica's whole-shard fingerprint last equalled this node's, per shard.
    var syncedAt: [ShardID: UInt64] = [:]
    /// The time of the first event (what "since start" means).
    var startedAt: UInt64?

    public init(
        configuration: GossipConfiguration, signingKey: SigningKey, map: ShardMap, lambda: FixedPoint,
        logger: Logger
    ) {
        self.configuration = configuration
        self.signingKey = signingKey
        self.identity = signingKey.publicKey
        self.map = map
        self.lambda = lambda
        self.logger = logger
        recomputePlacement()
    }

    /// The tick interval at the current λ.
    public var paceMilliseconds: UInt64 { configuration.paceMilliseconds(lambda: lambda) }

    /// Shards this node hosts under the current map.
    public var shards: Set<ShardID> { hostedShards }

    /// The replicas of `shard` under the current map.
    public func replicas(of shard: ShardID) -> [PublicKey] { placement[shard] ?? [] }

    /// True while records moved by a map change still wait for acknowledgements.
    public var isHandingOff: Bool { !pendingHandoffs.isEmpty }

    /// Every record held, hosted or retained for a handoff (queries during a move search both).
    public var heldRecords: [MemoryRecord] { store.allRecords + retained.values }

    /// Per-shard mesh digests for this node's vote extension (SPEC §3), sorted by shard.
    public func shardDigests() -> [ShardDigest] {
        hostedShards.sorted().map { ShardDigest(shard: $0, digest: store.digest(of: $0)) }
    }

    /// Per-shard digests of the records settled by `cutoffMilliseconds`, one per hosted shard sorted
    /// by shard (``MeshRecordStore/settledDigest(of:cutoffMilliseconds:)``): what a validator puts
    /// in its precommit. A hosted shard with nothing settled reports the empty set's digest.
    ///
    /// A shard this node gained by a placement change or a split after it started is left out until
    /// it is settled (``isSettled(_:)``): its records, old enough to count on the other replicas,
    /// are still arriving here, and reporting it would score an honest new replica down for a move
    /// and so move shards again as its Ψ fell. Shards hosted since start are always reported (a
    /// replica that restarts behind disagrees, as it should).
    public mutating func settledShardDigests(cutoffMilliseconds: UInt64) -> [ShardDigest] {
        hostedShards.filter { hostingSince[$0] == nil || isSettled($0) }.sorted().map {
            ShardDigest(shard: $0, digest: store.settledDigest(of: $0, cutoffMilliseconds: cutoffMilliseconds))
        }
    }

    /// Processes one event and returns what the shell must do, in order.
    public mutating func handle(_ event: GossipEvent, nowMilliseconds: UInt64) -> [GossipAction] {
        var actions: [GossipAction] = []
        now = max(now, nowMilliseconds)
        if startedAt == nil { startedAt = now }
        switch event {
        case .start:
            actions.append(.schedule(afterMilliseconds: paceMilliseconds))
        case .tick:
            onTick(&actions)
            actions.append(.schedule(afterMilliseconds: paceMilliseconds))
        case .localWrite(let record):
            onLocalWrite(record, nowMilliseconds: nowMilliseconds, &actions)
        case .received(let message, let peer):
            guard peers[peer]?.isGraylisted != true else { return [] }
            onMessage(message, from: peer, &actions)
        case .malformed(let error, let peer):
            penalize(peer, configuration.scoring.malformedPenalty, error, &actions)
        case .peerJoined(let peer, let rtt):
            if peers[peer] == nil {
                peers[peer] = PeerState(rttMilliseconds: rtt)
            } else {
                peers[peer]!.rttMilliseconds = rtt
            }
        case .peerLeft(let peer):
            peers[peer] = nil
            outbox[peer] = nil
            pendingAnnouncements[peer] = nil
        case .mapChanged(let newMap):
            onMapChanged(newMap, &actions)
        case .lambdaChanged(let newLambda):
            lambda = newLambda
        }
        flushOutbox(&actions)
        return actions
    }

    mutating func recomputePlacement() {
        placement = map.placement()
        let before = hostedShards
        hostedShards = Set(placement.filter { $0.value.contains(identity) }.keys)
        // At init (no event yet) the shards count from the first event; after a map change, from now.
        if startedAt != nil {
            for shard in hostedShards.subtracting(before) { hostingSince[shard] = now }
        }
        for shard in before.subtracting(hostedShards) {
            hostingSince[shard] = nil
            syncedAt[shard] = nil
        }
    }

    /// Whether this node's copy of `shard` can answer for the shard alone: it has hosted it since
    /// before a reconciliation found it equal to a co-replica's, or for ``GossipConfiguration/settleMilliseconds``,
    /// or it is the shard's only replica. A shard newly hosted (at start, after a restart, after a
    /// placement change or a split) may still be receiving its records; until then a search asks
    /// a co-replica too. False for a shard not hosted here.
    public func isSettled(_ shard: ShardID) -> Bool {
        guard hostedShards.contains(shard) else { return false }
        guard (placement[shard]?.count ?? 0) > 1 else { return true }
        let since = hostingSince[shard] ?? startedAt ?? now
        if let synced = syncedAt[shard], synced >= since { return true }
        return now >= since + configuration.settleMilliseconds
    }

    /// Replicas of `shard` other than this node that may receive messages, nearest first: most
    /// shards shared with this node, then lowest RTT, then key (SPEC §9 proximity).
    func proximityOrdered(_ candidates: [PublicKey]) -> [PublicKey] {
        let ranked = candidates.filter { $0 != identity && peers[$0]?.isGraylisted != true }
        return ranked.map { peer in
            (
                peer, placement.values.filter { $0.contains(peer) && $0.contains(identity) }.count,
                peers[peer]?.rttMilliseconds ?? .max
            )
        }
        .sorted { lhs, rhs in
            if lhs.1 != rhs.1 { return lhs.1 > rhs.1 }
            if lhs.2 != rhs.2 { return lhs.2 < rhs.2 }
            return lhs.0 < rhs.0
        }
        .map(\.0)
    }

    mutating func onTick(_ actions: inout [GossipAction]) {
        tickCount += 1
        for (peer, byShard) in pendingAnnouncements.sorted(by: { $0.key < $1.key }) {
            for (shard, entries) in byShard.sorted(by: { $0.key < $1.key }) {
                actions.append(.send(to: peer, .ihave(shard: shard, entries: entries)))
            }
        }
        pendingAnnouncements = [:]
        requestDeferredWants(&actions)
        retryHandoffs(&actions)
        if configuration.reconcileEveryTicks > 0, tickCount % configuration.reconcileEveryTicks == 0 {
            startReconciliation(&actions)
        }
    }

    /// How long an IWANT stays outstanding before the id may be asked for again.
    var requestTimeoutMilliseconds: UInt64 { max(4 * paceMilliseconds, 100) }

    /// Marks `id` as requested unless a request is still outstanding; true when the caller should ask.
    mutating func shouldRequest(_ id: Hash256) -> Bool {
        if let at = requested[id], now < at + requestTimeoutMilliseconds { return false }
        requested[id] = now
        return true
    }

    mutating func announce(_ version: RecordVersion, shard: ShardID, to peer: PublicKey) {
        pendingAnnouncements[peer, default: [:]][shard, default: []].append(version)
    }

    mutating func enqueue(_ record: MemoryRecord, shard: ShardID, to peer: PublicKey, request: Bool, kind: PushKind) {
        guard peer != identity else { return }
        if outbox[peer]?.contains(where: { $0.record.id == record.id && $0.kind == kind }) == true { return }
        outbox[peer, default: []].append(
            OutboundRecord(
                record: record, shard: shard, isRequest: request, kind: kind,
                bytes: record.canonicalBytes.count))
    }

    /// Sends queued records by priority, at most the per-tick byte budget per peer; the rest wait.
    mutating func flushOutbox(_ actions: inout [GossipAction]) {
        for peer in outbox.keys.sorted() {
            var queue = outbox[peer]!.sorted { $0.precedes($1) }
            var budget = configuration.maxQueuedBytesPerPeerPerTick
            var batch: [OutboundRecord] = []
            var sentCount = 0
            for item in queue {
                if item.bytes > budget && sentCount > 0 { break }
                budget -= item.bytes
                batch.append(item)
                sentCount += 1
            }
            queue.removeFirst(sentCount)
            outbox[peer] = queue.isEmpty ? nil : queue
            // One message per (shard, kind) group, at most maxRecordsPerMessage records each.
            var groups: [(key: ShardID, kind: PushKind, records: [MemoryRecord])] = []
            for item in batch {
                if let index = groups.firstIndex(where: {
                    $0.key == item.shard && $0.kind == item.kind
                        && $0.records.count < configuration.maxRecordsPerMessage
                }) {
                    groups[index].records.append(item.record)
                } else {
                    groups.append((item.shard, item.kind, [item.record]))
                }
            }
            for group in groups {
                actions.append(.send(to: peer, .push(shard: group.key, records: group.records, kind: group.kind)))
            }
        }
    }

    mutating func penalize(_ peer: PublicKey, _ penalty: Int, _ error: MeshError, _ actions: inout [GossipAction]) {
        var state = peers[peer] ?? PeerState(rttMilliseconds: .max)
        state.score -= penalty
        actions.append(.rejected(from: peer, error))
        logger.debug("gossip: rejected data", metadata: ["peer": "\(peer.short)", "error": "\(error)"])
        if !state.isGraylisted && state.score <= configuration.scoring.graylistThreshold {
            state.isGraylisted = true
            actions.append(.graylisted(peer))
            outbox[peer] = nil
            pendingAnnouncements[peer] = nil
        }
        peers[peer] = state
    }

    mutating func reward(_ peer: PublicKey) {
        guard var state = peers[peer] else { return }
        state.score = min(configuration.scoring.maxScore, state.score + configuration.scoring.usefulRecordReward)
        peers[peer] = state
    }
}
