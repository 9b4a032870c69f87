import HMNLedger
import HMNMesh
import HMNPrimitives
import Logging
import Synchronization

/// Proposes live shard splits (SPEC §9 dynamic sharding). After each commit it looks at the shards
/// this validator hosts as *first* replica (one proposer per shard, so replicas do not race) and,
/// once per ``windowMilliseconds``, at what each held and served: a shard with more records than
/// the genesis `mesh.splitMaxRecords` or more searches per second than `splitMaxQueriesPerSecond` is
/// re-clustered in two by seeded 2-means over its vectors (``ShardSplitPlanner``), and the split is
/// submitted as a `shard-map-proposal` transaction signed by the node key.
///
/// Nothing moves until the proposal is committed: then every node applies it
/// (``MeshGossipReplicator/committed(validators:shardMapProposals:messenger:)``) and the gossip
/// engine hands each record of the old shard to the replicas of the half it now belongs to, keeping
/// it until they acknowledged. A proposal names the layout version it was computed on, so when two
/// land on the same version only the first applies.
public final class ShardSplitAgent: Sendable {
    let driver: ConsensusDriver
    let replicator: MeshGossipReplicator
    let servedQueries: @Sendable () -> [ShardID: UInt64]
    let planner: ShardSplitPlanner
    let nowMilliseconds: @Sendable () -> UInt64
    let logger: Logger
    /// How long searches are counted before a rate is taken.
    public let windowMilliseconds: UInt64
    /// Most vectors a split is trained on (a uniform sample of larger shards).
    public static let maxTrainingVectors = 4_096
    /// How long a submitted proposal is waited for before the agent may propose again.
    public static let pendingTimeoutMilliseconds: UInt64 = 30_000

    private struct State {
        var sample: (atMilliseconds: UInt64, served: [ShardID: UInt64], layoutVersion: UInt64)?
        var pending: (layoutVersion: UInt64, atMilliseconds: UInt64)?
    }
    private let state = Mutex(State())

    /// What the agent saw in its last window, per shard it leads (for status and tests).
    public struct Observation: Hashable, Sendable {
        public var shard: ShardID
        public var records: Int
        public var queriesPerSecond: Double
    }
    private let observed = Mutex<[Observation]>([])

    public init(
        driver: ConsensusDriver, replicator: MeshGossipReplicator,
        servedQueries: @escaping @Sendable () -> [ShardID: UInt64], planner: ShardSplitPlanner,
        windowMilliseconds: UInt64 = 5_000,
        nowMilliseconds: @escaping @Sendable () -> UInt64 = WallClock.nowMilliseconds,
        logger: Logger
    ) {
        self.driver = driver
        self.replicator = replicator
        self.servedQueries = servedQueries
        self.planner = planner
        self.windowMilliseconds = windowMilliseconds
        self.nowMilliseconds = nowMilliseconds
        self.logger = logger
    }

    /// The shards this node leads and their load in the last full window.
    public var lastObservation: [Observation] { observed.withLock { $0 } }

    /// Returns the submitted transaction (to gossip), or nil when no shard needs a split now.
    public func blockCommitted(_ notice: CommitNotice) async -> (id: Hash256, bytes: [UInt8])? {
        let me = driver.publicKey
        guard notice.validators.contains(where: { $0.key == me }) else { return nil }
        let now = nowMilliseconds()
        let served = servedQueries()
        let layout = replicator.layout
        // A window counts searches under one layout only: after a split, the halves' load is
        // measured afresh (the old shard's rate would split them again at once).
        let window: (seconds: Double, before: [ShardID: UInt64])? = state.withLock { state in
            guard let sample = state.sample, now >= sample.atMilliseconds, sample.layoutVersion == layout.version else {
                state.sample = (now, served, layout.version)
                return nil
            }
            guard now - sample.atMilliseconds >= windowMilliseconds else { return nil }
            state.sample = (now, served, layout.version)
            return (Double(now - sample.atMilliseconds) / 1_000, sample.served)
        }
        guard let window, let placement = replicator.placement else { return nil }
        // Counts first (cheap); the vectors only of the shard chosen for a split.
        let counts = replicator.shardRecordCounts.hosted
        var loads: [ShardSplitPlanner.ShardLoad] = []
        var observations: [Observation] = []
        for shard in placement.hosted.sorted() where placement.map.replicas(of: shard).first == me {
            let records = counts[shard] ?? 0
            let queries = Double((served[shard] ?? 0) &- (window.before[shard] ?? 0)) / window.seconds
            observations.append(Observation(shard: shard, records: records, queriesPerSecond: queries))
            let load = ShardSplitPlanner.ShardLoad(
                shard: shard, vectors: [], queriesPerSecond: queries, recordCount: records)
            if planner.isOverloaded(load) { loads.append(load) }
        }
        observed.withLock { $0 = observations }
        // One shard per proposal, the most overloaded first: a proposal names the layout version,
        // and of several in flight at once all but one would be skipped.
        func overload(_ load: ShardSplitPlanner.ShardLoad) -> Double {
            max(
                load.queriesPerSecond / planner.maxQueriesPerSecond,
                Double(load.recordCount) / Double(planner.maxRecords))
        }
        guard var hottest = loads.max(by: { overload($0) < overload($1) }) else { return nil }
        let waiting = state.withLock { state -> Bool in
            if let pending = state.pending, pending.layoutVersion == layout.version,
                now < pending.atMilliseconds + Self.pendingTimeoutMilliseconds
            {
                return true
            }
            state.pending = (layout.version, now)
            return false
        }
        guard !waiting else { return nil }
        var generator = SeededGenerator(seed: layout.version &* 0x9E37_79B9 &+ UInt64(hottest.shard))
        hottest.vectors = Self.sample(replicator.vectors(in: hottest.shard), generator: &generator)
        guard let planned = planner.proposal(map: placement.map, loads: [hottest], generator: &generator) else {
            return nil
        }
        let proposal = ShardMapProposal(baseVersion: layout.version, changes: planned.changes)
        switch await driver.submitOwnTransaction(.shardMapProposal(payload: proposal.transactionPayload)) {
        case .success(let submitted):
            logger.info(
                "shard split proposed",
                metadata: [
                    "shard": "\(hottest.shard)", "records": "\(hottest.recordCount)",
                    "queriesPerSecond": "\(Int(hottest.queriesPerSecond))", "layoutVersion": "\(layout.version)",
                ])
            return submitted
        case .failure(let error):
            logger.warning("shard split refused", metadata: ["shard": "\(hottest.shard)", "error": "\(error)"])
            return nil
        }
    }

    /// Up to ``maxTrainingVectors`` of `vectors`, drawn without replacement (all when fewer).
    static func sample(_ vectors: [[Float]], generator: inout SeededGenerator) -> [[Float]] {
        guard vectors.count > maxTrainingVectors else { return vectors }
        var pool = vectors
        for index in 0..<maxTrainingVectors {
            pool.swapAt(index, index + Int(generator.next() % UInt64(pool.count - index)))
        }
        return Array(pool.prefix(maxTrainingVectors))
    }
}
