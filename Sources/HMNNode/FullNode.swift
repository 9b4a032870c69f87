import HMNCoherence
import HMNConsensus
import HMNLedger
import HMNMesh
import HMNPrimitives
import HMNTransport
import Logging
import ServiceLifecycle
import Synchronization

/// A full HMN node: the four services of the plan — Layer-1 ledger under BFT consensus, the CAL
/// engine, the mining agent and the memory-mesh service — over one ``MessageTransport``.
///
/// The node composes the layers only through protocols, so each can be replaced: the chain
/// application (``NodeApplication``, HMNLedger's `LedgerApplication`) driven by a
/// ``ConsensusDriver`` around HMNConsensus's engine, the transport (``MessageTransport``: TCP or in
/// memory), the vector store (``MemoryStore``), memory replication (``MemoryReplicator``), the
/// proof sink (``Layer1ProofSink``) and the λ policy (``LambdaPolicy``, inside the ``CALEngine``).
/// ``FullNode/open(home:transport:options:logger:)`` assembles the standard parts from a home
/// directory.
///
/// It is a swift-service-lifecycle `Service`: ``run()`` serves until graceful shutdown or
/// cancellation, then stops consensus, closes the ledger and the vector store (flushing both) and
/// returns. Every ``NodeAPI`` method is safe to call concurrently.
public final class FullNode: Service, NodeAPI, Sendable {
    public let driver: ConsensusDriver
    public let transport: any MessageTransport
    public let memory: MemoryMeshService
    public let cal: CALEngine?
    public let chainID: String
    public let coherenceParameters: CoherenceParameters
    let mining: MiningAgent
    /// Proposes shard splits when this validator leads an overloaded shard (mesh replicator only).
    public let splits: ShardSplitAgent?
    let dialPeers: [PeerAddress]
    let maxMessageBytes: Int
    let metrics: NodeMetrics
    let logger: Logger
    let state = Mutex(RuntimeState())
    let messenger: TransportMessenger
    /// Pending transactions on disk, so an acknowledged one survives a crash (nil: memory only).
    public let journal: MempoolJournal?
    /// Long polls for commits (``transaction(id:waitMilliseconds:)``).
    let commitWaiters = CommitWaiters()
    /// Pending transactions above which submissions are refused (see
    /// ``NodeConfiguration/submissionBacklog``); nil: only the mempool's capacity limits them.
    public let submissionBacklog: Int?
    /// Pending transactions sent to a newly connected peer (a quarter of a per-peer send queue).
    static let maxPendingSentOnConnect = 256

    struct RuntimeState {
        var peers: Set<PublicKey> = []
        var seenTransactions: Set<Hash256> = []
        var droppedMessages = 0
        var droppedTransactionGossip = 0
        /// Transactions handed to the gossip task and not yet admitted (they count against the
        /// submission backlog: otherwise a node whose gossip lags would take more submissions).
        var queuedGossipTransactions = 0
        var lastCommit: CommitNotice?
    }

    /// Composes a node from its parts.
    ///
    /// - Parameters:
    ///   - store: the vector memory store.
    ///   - replicator: how memory records reach peers (default: push to all; ``open(home:transport:options:logger:)``
    ///     uses ``MeshGossipReplicator``).
    ///   - proofSink: where critical proofs go (default: a memory-proof transaction signed by the
    ///     node key through `driver`).
    ///   - dialPeers: peers a ``RunnableTransport`` keeps connections to.
    ///   - journal: where pending transactions are persisted before they are acknowledged (nil:
    ///     the mempool lives in memory only and a crash loses what no block holds yet).
    ///   - submissionBacklog: pending transactions above which ``submitTransactions(_:)`` refuses
    ///     with ``NodeError/Code/overloaded`` (nil: only the mempool's capacity).
    public init(
        driver: ConsensusDriver, transport: any MessageTransport, store: any MemoryStore,
        replicator: any MemoryReplicator = PushToAllReplicator(), proofSink: (any Layer1ProofSink)? = nil,
        cal: CALEngine?, chainID: String, coherenceParameters: CoherenceParameters, dialPeers: [PeerAddress] = [],
        maxMessageBytes: Int = NodeMessage.defaultMaxBytes,
        nowMilliseconds: @escaping @Sendable () -> UInt64 = WallClock.nowMilliseconds,
        metrics: NodeMetrics = NodeMetrics(), journal: MempoolJournal? = nil,
        splitPlanner: ShardSplitPlanner = ShardSplitPlanner(), submissionBacklog: Int? = nil, logger: Logger
    ) {
        self.metrics = metrics
        self.journal = journal
        self.submissionBacklog = submissionBacklog
        let messenger = TransportMessenger(transport: transport, metrics: metrics, logger: logger)
        self.messenger = messenger
        self.memory = MemoryMeshService(
            store: store, replicator: replicator,
            proofSink: proofSink ?? LedgerProofSink(driver: driver, messenger: messenger), chainID: chainID,
            nowMilliseconds: nowMilliseconds, metrics: metrics, logger: logger)
        self.driver = driver
        self.transport = transport
        self.cal = cal
        self.chainID = chainID
        self.coherenceParameters = coherenceParameters
        self.mining = MiningAgent(driver: driver, logger: logger)
        let memory = self.memory
        self.splits = (replicator as? MeshGossipReplicator).map { mesh in
            ShardSplitAgent(
                driver: driver, replicator: mesh, servedQueries: { memory.servedQueriesByShard },
                planner: splitPlanner, nowMilliseconds: nowMilliseconds, logger: logger)
        }
        self.dialPeers = dialPeers
        self.maxMessageBytes = maxMessageBytes
        self.logger = logger
    }

    /// Messages that did not decode and were dropped.
    public var droppedMessageCount: Int { state.withLock { $0.droppedMessages } }

    /// Transaction-gossip messages dropped because the admission queue was full
    /// (``transactionGossipQueueLimit``).
    public var droppedTransactionGossipCount: Int { state.withLock { $0.droppedTransactionGossip } }

    /// Gossiped transactions waiting for admission.
    var queuedGossipTransactionCount: Int { state.withLock { $0.queuedGossipTransactions } }

    /// The last committed block this node reported.
    public var lastCommit: CommitNotice? { state.withLock { $0.lastCommit } }

    // MARK: Service

    public func run() async throws {
        logger.info("node starting", metadata: ["key": "\(transport.localKey.short)", "chain": "\(chainID)"])
        await reloadJournal()
        await withDiscardingTaskGroup { group in
            if let runnable = transport as? any RunnableTransport {
                group.addTask { await runnable.run() }
                for address in dialPeers { await runnable.dial(address) }
            }
            group.addTask { await self.connectionLoop() }
            group.addTask { await self.inboundLoop() }
            group.addTask { await self.outboundLoop() }
            group.addTask { await self.commitLoop() }
            group.addTask { await self.memory.replicator.run(messenger: self.messenger) }
            // Long polls are answered on the consensus actor at the commit itself: through the
            // commit loop they waited for a hop back onto the actor, behind the next height's work.
            let waiters = commitWaiters
            await driver.setCommitHook { height, application in
                guard !waiters.isEmpty else { return }
                let records = try? application.transactionRecords(atHeight: height) { waiters.isWaiting(for: $0) }
                waiters.resolve(records ?? [])
            }
            await driver.start()
            // Serve until graceful shutdown (ServiceGroup) or cancellation.
            try? await gracefulShutdown()
            logger.info("node shutting down")
            // Consensus first (no vote may be signed after this; the ledger is closed), then the
            // network loops, then — with no writer left — the vector store.
            await driver.stop()
            group.cancelAll()
        }
        journal?.close()
        do {
            try memory.store.close()
        } catch {
            logger.error("closing the memory store failed", metadata: ["error": "\(error)"])
        }
        logger.info("node stopped")
    }

    private func connectionLoop() async {
        for await event in transport.connectionEvents {
            let count = state.withLock { state in
                switch event {
                case .connected(let peer): state.peers.insert(peer)
                case .disconnected(let peer): state.peers.remove(peer)
                }
                return state.peers.count
            }
            messenger.setPeers(state.withLock { $0.peers })
            metrics.peers.record(Double(count))
            logger.debug("peer \(event)")
            switch event {
            case .connected(let peer):
                await sendPendingTransactions(to: peer)
                await memory.replicator.peerConnected(peer, messenger: messenger)
            case .disconnected(let peer):
                await memory.replicator.peerDisconnected(peer)
            }
        }
    }

    /// Transactions pending here go to a peer that just connected: a transaction is gossiped once,
    /// on receipt, so a peer that was down, restarting or cut off at that moment never heard of it,
    /// and it would reach the chain only if this node proposed before crashing. The peer drops what
    /// it has already seen by content hash. Bounded per connection (oldest first).
    private func sendPendingTransactions(to peer: PublicKey) async {
        let pending = await driver.pendingTransactionBytes(limit: Self.maxPendingSentOnConnect)
        for chunk in stride(from: 0, to: pending.count, by: NodeMessage.maxTransactionsPerMessage) {
            let list = Array(pending[chunk..<min(pending.count, chunk + NodeMessage.maxTransactionsPerMessage)])
            await messenger.send(.transactions(list), to: peer)
        }
    }

    private func inboundLoop() async {
        // Transaction gossip is admitted on a task of its own: a proposal or a vote must not wait
        // in line behind thousands of gossiped transactions being verified (under load that
        // stretched rounds to seconds). Bounded: past the queue's limit, gossip is dropped — the
        // mempools are full by then anyway, and the entry node keeps and proposes what it
        // acknowledged.
        let (gossip, queue) = AsyncStream.makeStream(
            of: (NodeMessage, PublicKey, Int).self, bufferingPolicy: .bufferingOldest(Self.transactionGossipQueueLimit))
        await withDiscardingTaskGroup { group in
            group.addTask {
                for await (message, peer, count) in gossip {
                    await self.route(message, from: peer)
                    self.state.withLock { $0.queuedGossipTransactions -= count }
                }
            }
            for await inbound in transport.messages {
                guard let message = decode(inbound) else { continue }
                let count: Int
                switch message {
                case .transaction: count = 1
                case .transactions(let list): count = list.count
                default:
                    await route(message, from: inbound.peer)
                    continue
                }
                // A few transactions with nothing queued before them are admitted here, in order,
                // sparing the hop to the gossip task (a sequential client's transaction on its way
                // to the proposer); anything larger, or behind queued gossip, goes to the queue.
                if count <= Self.inlineGossipTransactions, state.withLock({ $0.queuedGossipTransactions == 0 }) {
                    await route(message, from: inbound.peer)
                    continue
                }
                state.withLock { $0.queuedGossipTransactions += count }
                if case .dropped = queue.yield((message, inbound.peer, count)) {
                    state.withLock {
                        $0.queuedGossipTransactions -= count
                        $0.droppedTransactionGossip += 1
                    }
                }
            }
            queue.finish()
        }
    }

    /// Transaction-gossip messages queued for admission at most (each carries up to
    /// ``NodeMessage/maxTransactionsPerMessage`` transactions).
    static let transactionGossipQueueLimit = 256
    /// Gossip messages of at most this many transactions are admitted on the inbound loop itself
    /// when no gossip is queued (a few signature checks delay the next message less than a hop).
    static let inlineGossipTransactions = 8

    /// Decodes and routes one message; garbage is dropped and logged, never fatal.
    func handle(_ inbound: InboundMessage) async {
        guard let message = decode(inbound) else { return }
        await route(message, from: inbound.peer)
    }

    private func decode(_ inbound: InboundMessage) -> NodeMessage? {
        metrics.gossipIn.increment(by: Int64(inbound.bytes.count))
        do {
            return try NodeMessage.decode(inbound.bytes, maxBytes: maxMessageBytes)
        } catch {
            state.withLock { $0.droppedMessages += 1 }
            logger.warning("dropped a bad message", metadata: ["peer": "\(inbound.peer.short)", "error": "\(error)"])
            return nil
        }
    }

    private func route(_ message: NodeMessage, from peer: PublicKey) async {
        switch message {
        case .consensus(let consensus):
            await driver.deliver(consensus, from: peer)
        case .transaction(let bytes):
            await receiveTransactions([bytes], from: peer)
        case .transactions(let list):
            await receiveTransactions(list, from: peer)
        case .memoryRecord(let record):
            await memory.receive(record, from: peer, messenger: messenger)
        case .meshGossip(let bytes):
            await memory.replicator.receiveGossip(bytes, from: peer, messenger: messenger)
        case .memoryRequest(let request):
            await messenger.send(.memoryResponse(memory.answer(request)), to: peer)
        case .memoryResponse(let response):
            memory.requests.resolve(response, from: peer)
        }
    }

    /// Transaction gossip: admit once (dedupe by content hash, then by the mempool's id check) and
    /// relay what was admitted to the other peers in one message, so a transaction reaches every
    /// mempool even without a full mesh.
    private func receiveTransactions(_ list: [[UInt8]], from peer: PublicKey) async {
        let fresh = list.filter { markSeen($0) }
        guard !fresh.isEmpty else { return }
        var accepted: [(id: Hash256, bytes: [UInt8])] = []
        // Decoded and verified here, off the consensus actor; what does not decode would be
        // refused by admission too, so it is dropped here.
        let candidates = fresh.compactMap { try? driver.prepare($0).get() }
        for (candidate, check) in zip(candidates, await admit(candidates, backlogLimit: nil)) {
            if case .accepted(let id) = check { accepted.append((id, candidate.bytes)) }
        }
        guard !accepted.isEmpty else { return }
        // Not awaited: gossip must not wait for disk. Journaled so that a sender's nonce run
        // reloads gapless after a crash (a later nonce acknowledged here may depend on it).
        journal?.appendInBackground(accepted)
        await messenger.broadcast(Self.gossip(accepted.map(\.bytes)), excluding: peer)
    }

    /// One transaction as `transaction`, several as one `transactions` message.
    static func gossip(_ list: [[UInt8]]) -> NodeMessage {
        list.count == 1 ? .transaction(list[0]) : .transactions(list)
    }

    /// True the first time these bytes are seen (bounded memory: the set is reset when large).
    func markSeen(_ bytes: [UInt8]) -> Bool {
        let hash = Hash256.of(bytes)
        return state.withLock { state in
            if state.seenTransactions.count >= 100_000 { state.seenTransactions.removeAll(keepingCapacity: true) }
            return state.seenTransactions.insert(hash).inserted
        }
    }

    private func outboundLoop() async {
        for await message in driver.outboundMessages {
            switch message {
            case .broadcast(let bytes): await messenger.broadcast(bytes: bytes, excluding: nil)
            case .send(let bytes, let peer): await messenger.send(bytes: bytes, to: peer)
            }
        }
    }

    private func commitLoop() async {
        for await notice in driver.commitNotices {
            state.withLock { $0.lastCommit = notice }
            await memory.replicator.lambdaChanged(notice.lambda)
            await memory.replicator.committed(
                validators: notice.validators, shardMapProposals: notice.shardMapProposals, messenger: messenger)
            metrics.committed(notice)
            await pruneJournal()
            metrics.memoryRecords.record(Double(memory.store.count))
            if let runnable = transport as? any RunnableTransport {
                metrics.sendQueueDepth.record(Double(await runnable.sendQueueDepth()))
            }
            logger.info(
                "committed",
                metadata: [
                    "height": "\(notice.height)", "round": "\(notice.round)", "block": "\(notice.blockID.short)",
                    "txs": "\(notice.transactionCount)",
                    "λ": "\(notice.lambda)", "Ĉ": "\(notice.coherence)",
                    "ms": "\(notice.finalityMilliseconds.map(String.init) ?? "sync")",
                ])
            if let minted = await mining.blockCommitted(notice) {
                _ = markSeen(minted.bytes)
                await messenger.broadcast(.transaction(minted.bytes), excluding: nil)
            }
            if let proposed = await splits?.blockCommitted(notice) {
                metrics.meshSplitsProposed.increment()
                _ = markSeen(proposed.bytes)
                await messenger.broadcast(.transaction(proposed.bytes), excluding: nil)
            }
        }
    }
}
