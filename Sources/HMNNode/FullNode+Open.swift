import HMNCoherence
import HMNConsensus
import HMNLedger
import HMNMesh
import HMNPrimitives
import HMNTransport
import Logging

extension FullNode {
    /// Choices a caller may make when opening a node from its home directory.
    public struct Options: Sendable {
        /// The clock consensus timers sleep on.
        public var clock: any Clock<Duration> = ContinuousClock()
        /// Wall time for block headers, in milliseconds since the Unix epoch.
        public var nowMilliseconds: @Sendable () -> UInt64 = WallClock.nowMilliseconds
        /// Overrides the configuration's λ policy (e.g. a researcher's own type).
        public var lambdaPolicy: (any LambdaPolicy)?
        /// How memory records reach peers (default: a ``MeshGossipReplicator`` placing the genesis
        /// `mesh` layout's shards on the validator set).
        public var replicator: (any MemoryReplicator)?
        /// Overrides the configuration's consensus timeouts.
        public var consensus: ConsensusConfiguration?
        /// Where metrics go (default: the process-wide `MetricsSystem`).
        public var metrics: NodeMetrics = NodeMetrics()
        /// Overrides the configuration's peer list (e.g. peers bound to ephemeral ports in tests).
        public var dialPeers: [PeerAddress]?
        /// How much of the ledger is checked before the node starts (default: every block row).
        public var storageCheck: StorageCheck = .standard
        /// Turn on HMNPrimitives' process-wide `VerificationCache` (default true): a node checks
        /// each precommit signature three times (on receipt, in the commit certificate it stores,
        /// and in the next block's last commit) and each decoded key again, and the memo answers
        /// the repeats. It only remembers checks that passed, so no result changes.
        public var verificationCache = true

        public init() {}
    }

    /// Opens (or creates) the node's ledger, WAL and vector store from `home` and composes the
    /// standard node: `LedgerApplication` with the ``CoherenceLayer2Engine``, the configured λ policy
    /// in a ``CALEngine``, a ``ConsensusDriver`` over a `FileWriteAheadLog`, a `VectorStore`.
    ///
    /// Damaged storage is refused with ``NodeError/Code/corruptStorage`` naming the file and the
    /// recovery (`hmn reset`, then resync from peers): a ledger row or SQLite page failing its check
    /// (how much is checked: ``Options/storageCheck``), a consensus WAL damaged before its tail or
    /// not matching the ledger, a memory store whose rows fail their checksum. A torn WAL tail — what a
    /// crash during an append leaves — is dropped and logged, and the node starts.
    public static func open(
        home: NodeHome, transport: any MessageTransport, options: Options = Options(), logger: Logger
    ) throws(NodeError) -> FullNode {
        let configuration = home.configuration
        if options.verificationCache && !VerificationCache.isEnabled { VerificationCache.enable() }
        do {
            let parameters = try home.genesisDocument.coherenceParameters()
            let policy = try options.lambdaPolicy ?? configuration.lambdaPolicy.makePolicy()
            // The CAL engine proposes nothing until the first block this run commits; until then
            // the engine proposes the chain's current λ.
            let cal = try CALEngine(policy: policy, parameters: parameters)
            let engine = CoherenceLayer2Engine(parameters: parameters, cal: cal)
            let ledger = try openLedger(home: home, engine: engine, check: options.storageCheck, logger: logger)
            let floor = try signingFloor(home: home, ledgerHeight: ledger.height, logger: logger)
            let store = try openMemoryStore(home: home, logger: logger)
            let dialPeers = try options.dialPeers ?? configuration.peerAddresses()
            if options.replicator != nil, configuration.faults?.isEmpty == false {
                logger.warning("config.json \"faults\" is ignored: the caller supplied its own memory replicator")
            }
            let application = LedgerApplication(ledger: ledger, logger: logger)
            if let limit = configuration.maxProposalTransactions { application.maxProposalTransactions = limit }
            let replicator =
                try options.replicator
                ?? defaultReplicator(
                    home: home, store: store, validators: try application.validatorStatuses(),
                    shardMapProposals: ledger.height == 0 ? [] : try ledger.shardMapProposals(in: 1...ledger.height),
                    options: options, logger: logger)
            // Precommits carry the replica's settled digests. Only a validator's precommits are
            // extended, so this needs no validator check here (and a node that bonds later reports
            // digests from its first precommit on).
            if let mesh = replicator as? MeshGossipReplicator {
                application.shardDigestSource = ShardDigestSource(
                    settleMilliseconds: try home.genesisDocument.meshDigestSettleMilliseconds()
                ) { cutoff in mesh.settledShardDigests(cutoffMilliseconds: cutoff) }
            }
            let wal = try openWAL(home: home, logger: logger)
            var consensus = options.consensus ?? configuration.timeouts.consensus
            if consensus.emptyBlockWaitMilliseconds == 0 {
                consensus.emptyBlockWaitMilliseconds = try home.genesisDocument.emptyBlockWaitMilliseconds()
            }
            let driver: ConsensusDriver
            do {
                driver = try ConsensusDriver(
                    configuration: consensus, signingKey: home.signingKey,
                    application: application, wal: wal, clock: options.clock,
                    nowMilliseconds: options.nowMilliseconds, cal: cal, signingFloorHeight: floor, logger: logger)
            } catch {
                switch error.code {
                case .walBehindApplication: throw StorageFault.mismatch(error.message, home: home)
                case .walCorrupt: throw StorageFault.wal(error.message, home: home)
                default: throw NodeError(.internalError, "starting consensus in \(home.directory): \(error)")
                }
            }
            let journal = try openJournal(home: home, logger: logger)
            return FullNode(
                driver: driver, transport: transport, store: store, replicator: replicator, cal: cal,
                chainID: home.genesis.chainID, coherenceParameters: parameters,
                dialPeers: dialPeers,
                nowMilliseconds: options.nowMilliseconds, metrics: options.metrics, journal: journal,
                splitPlanner: try home.genesisDocument.meshSplitPlanner(),
                submissionBacklog: configuration.effectiveSubmissionBacklog,
                logger: logger)
        } catch let error as NodeError {
            throw error
        } catch {
            throw NodeError(.internalError, "opening the node in \(home.directory): \(error)")
        }
    }

    /// The standard replicator: a ``MeshGossipReplicator`` placing the genesis `mesh` layout's shards
    /// on `validators`, with the configuration's injected fault, if any (announced loudly).
    static func defaultReplicator(
        home: NodeHome, store: any MemoryStore, validators: [ValidatorStatus],
        shardMapProposals: [CommittedShardMapProposal], options: Options, logger: Logger
    ) throws(NodeError) -> MeshGossipReplicator {
        var gossip = GossipConfiguration(chainID: home.genesis.chainID)
        if let fault = home.configuration.faults?.memory {
            gossip.replicaFault = fault
            let warning =
                "FAULT INJECTION: this node's memory replica is configured to go bad (config.json \"faults\"); "
                + "its shard digests will disagree with the other validators', its Ψ will fall and it may be slashed. "
                + "For tests and drills only: remove \"faults\" and restart to heal it."
            logger.warning("\(warning)", metadata: ["faults.memory": "\(fault.rawValue)"])
        }
        var layout: MeshLayout
        do {
            layout = try home.genesisDocument.meshLayout(dimension: store.dimension)
        } catch {
            throw NodeError(.internalError, "genesis.json mesh: \(error.message)")
        }
        // The shards split since genesis, replayed from the chain as every node replays them.
        layout = layout.applyingCommitted(shardMapProposals, logger: logger)
        return try MeshGossipReplicator(
            store: store, signingKey: home.signingKey, chainID: home.genesis.chainID, layout: layout,
            validators: validators, configuration: gossip, clock: options.clock,
            nowMilliseconds: options.nowMilliseconds, metrics: options.metrics, logger: logger)
    }

    /// Binds the TCP transport a home's configuration describes: its listen address, its key, its
    /// chain, and only the genesis validators and configured peers as allowed keys.
    ///
    /// - Parameter port: overrides the configured listen port (0 picks a free one).
    public static func bindNetworkTransport(home: NodeHome, port: Int? = nil, logger: Logger) async throws
        -> NetworkTransport
    {
        var allowed = Set(home.genesis.accounts.map(\.publicKey))
        for peer in try home.configuration.peerAddresses() { allowed.insert(peer.key) }
        let handshake = HandshakeConfiguration(
            signingKey: home.signingKey, chainID: home.genesis.chainID, allowedPeers: allowed)
        return try await NetworkTransport.bind(
            host: home.configuration.listenHost, port: port ?? home.configuration.listenPort,
            configuration: TransportConfiguration(handshake: handshake, maxMessageBytes: NodeMessage.defaultMaxBytes),
            logger: logger)
    }
}
