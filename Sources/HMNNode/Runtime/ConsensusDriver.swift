#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import HMNCoherence
import HMNConsensus
import HMNLedger
import HMNPrimitives
import Logging
import Synchronization

/// The shell around HMNConsensus's I/O-free ``ConsensusEngine`` (the Instance/Shell split of
/// swift-cluster-membership's SWIM): an actor that owns the engine, the application and the
/// write-ahead log, feeds the engine its events (start, peer messages, fired timers) and executes
/// the actions it returns, in order — persisting a signed vote (fsync) before anything that follows
/// is sent, scheduling timers on an injected clock, and reporting each commit.
///
/// Restart and recovery come from the engine: it is built from the application's committed
/// position and the WAL's records, replays the current height and resumes; a node that is behind
/// catches up through the engine's block sync (blocks fetched from peers that speak about later
/// heights, each verified against its commit certificate).
public actor ConsensusDriver {
    private var engine: ConsensusEngine
    private let application: any NodeApplication
    private let wal: any WriteAheadLog
    private let signingKey: SigningKey
    private let timerClock: TimerClock
    private let nowMilliseconds: @Sendable () -> UInt64
    private let cal: CALEngine?
    private let logger: Logger
    private let outbound: AsyncStream<OutboundMessage>.Continuation
    private let commits: AsyncStream<CommitNotice>.Continuation
    /// Pending timeouts (see ``TimeoutQueue``) and the tasks sleeping until some of their deadlines.
    private var timeouts = TimeoutQueue()
    private var sleepers: [UInt64: (task: Task<Void, Never>, deadline: Duration)] = [:]
    private var nextSleeperID: UInt64 = 0
    /// More sleepers than this: the one due last is cancelled.
    private static let maxSleepers = 4
    /// The latest deadline a completed sleep reached: on a clock whose sleeps outrun its `now`
    /// (a test's compressed clock) time is at least there.
    private var reachedDeadline: Duration = .zero
    /// The engine's height and round when obsolete timeouts were last dropped.
    private var timeoutPosition: (height: UInt64, round: UInt32) = (0, 0)
    /// Completed timer sleeps: each is one wake-up of this actor for a due timeout.
    public private(set) var timerWakeups = 0
    private var roundZeroStart: [UInt64: UInt64] = [:]
    private var started = false
    private var stopped = false
    public private(set) var haltError: ConsensusError?
    public private(set) var lastFinalityMilliseconds: UInt64?
    /// Commit times of recent heights committed through consensus (bounded, see ``CommitTiming``).
    private var timings: [UInt64: CommitTiming] = [:]
    private var latestTimedHeight: UInt64 = 0
    public private(set) var blocksSynced = 0
    /// Called on this actor right after each commit, before its ``CommitNotice`` is built.
    private var commitHook: (@Sendable (_ height: UInt64, _ application: any NodeApplication) -> Void)?

    /// Messages to send, in order. Single consumer (the node's sender).
    public nonisolated let outboundMessages: AsyncStream<OutboundMessage>
    /// One notice per committed block. Single consumer (the node's services).
    public nonisolated let commitNotices: AsyncStream<CommitNotice>
    public nonisolated let publicKey: PublicKey
    /// The application's stateless admission step (``NodeApplication/transactionPreparer``), run
    /// off this actor by ``prepare(_:)``.
    private nonisolated let transactionPreparer: TransactionPreparer?
    /// The mempool's size as of this actor's last event or admission, readable off the actor.
    private nonisolated let pendingGauge = Atomic<Int>(0)
    /// No proposal or vote is signed at or below this height (0: none; set after `hmn reset`).
    public var signingFloorHeight: UInt64 { engine.signingFloorHeight }

    /// Builds the engine from the application's committed position and the WAL's records.
    ///
    /// - Parameters:
    ///   - clock: the clock timers sleep on (tests may pass a fast or manual one).
    ///   - nowMilliseconds: wall time in milliseconds since the Unix epoch, for block times.
    ///   - signingFloorHeight: sign nothing at heights up to this one (set after `hmn reset`; see
    ///     `ConsensusEngine.signingFloorHeight`).
    public init(
        configuration: ConsensusConfiguration, signingKey: SigningKey, application: sending any NodeApplication,
        wal: sending any WriteAheadLog, clock: any Clock<Duration> = ContinuousClock(),
        nowMilliseconds: @escaping @Sendable () -> UInt64 = WallClock.nowMilliseconds, cal: CALEngine? = nil,
        signingFloorHeight: UInt64 = 0, logger: Logger
    ) throws(ConsensusError) {
        let records = try wal.records()
        engine = try ConsensusEngine(
            configuration: configuration, signingKey: signingKey, application: application, walRecords: records,
            signingFloorHeight: signingFloorHeight, logger: logger)
        self.transactionPreparer = application.transactionPreparer
        self.application = application
        self.wal = wal
        self.signingKey = signingKey
        self.publicKey = signingKey.publicKey
        self.timerClock = TimerClock(clock)
        self.nowMilliseconds = nowMilliseconds
        self.cal = cal
        self.logger = logger
        (outboundMessages, outbound) = AsyncStream.makeStream(of: OutboundMessage.self)
        (commitNotices, commits) = AsyncStream.makeStream(of: CommitNotice.self)
    }

    // MARK: Events

    /// Starts (or resumes) consensus. Idempotent.
    public func start() {
        guard !started, !stopped else { return }
        started = true
        logger.info(
            "consensus starting",
            metadata: ["height": "\(engine.height)", "appHeight": "\(application.height)"])
        drive(.start)
    }

    /// Hands the engine a consensus message from an authenticated peer.
    public func deliver(_ message: ConsensusMessage, from peer: PublicKey) {
        guard started, !stopped else { return }
        drive(.message(message, from: peer))
    }

    /// Pools verified equivocation evidence for this node's next proposal (see
    /// ``ConsensusEvent/evidence(_:)``).
    public func submitEvidence(_ evidence: DuplicateVoteEvidence) {
        guard started, !stopped else { return }
        drive(.evidence(evidence))
    }

    /// Stops timers, finishes the streams and closes the application's storage. Idempotent.
    public func stop() {
        guard !stopped else { return }
        stopped = true
        for sleeper in sleepers.values { sleeper.task.cancel() }
        sleepers = [:]
        timeouts = TimeoutQueue()
        outbound.finish()
        commits.finish()
        application.close()
        logger.info("consensus stopped", metadata: ["height": "\(application.height)"])
    }

    private func drive(_ event: ConsensusEvent) {
        let actions = engine.handle(event, now: nowMilliseconds(), application: application)
        execute(actions)
        publishPending()
        dropObsoleteTimeouts()
    }

    /// Pending transactions as of this actor's last event or admission: the API refuses
    /// submissions past its backlog from this, without a hop onto the actor.
    public nonisolated var pendingTransactionCount: Int { pendingGauge.load(ordering: .relaxed) }

    private func publishPending() { pendingGauge.store(application.mempoolSize, ordering: .relaxed) }

    // MARK: Actions

    private func execute(_ actions: [ConsensusAction]) {
        for action in actions {
            guard !stopped else { return }
            switch action {
            case .persist(let record):
                do {
                    try wal.append(record)
                } catch {
                    // Sending what could not be persisted would risk a double sign after a crash.
                    halt(ConsensusError(.walIO, "WAL append failed: \(error.message)"))
                    return
                }
                if case .roundStarted(let height, 0) = record { roundZeroStart[height] = nowMilliseconds() }
            case .checkpoint(let snapshot):
                do {
                    try wal.checkpoint(snapshot)
                } catch {
                    halt(ConsensusError(.walIO, "WAL checkpoint failed: \(error.message)"))
                    return
                }
            case .broadcast(let message):
                outbound.yield(.broadcast(NodeMessage.consensus(message).canonicalBytes))
            case .send(let message, let peer):
                outbound.yield(.send(NodeMessage.consensus(message).canonicalBytes, to: peer))
            case .scheduleTimeout(let timeout, let delay):
                schedule(timeout, afterMilliseconds: delay)
            case .finalized(let finalized):
                committed(finalized)
            case .verdict(let height, let round, let blockID, let accepted):
                if !accepted {
                    logger.warning(
                        "rejected a proposal",
                        metadata: ["height": "\(height)", "round": "\(round)", "block": "\(blockID.short)"])
                }
            case .evidence(let evidence):
                logger.warning(
                    "equivocation evidence", metadata: ["validator": "\(evidence.validator.short)"])
            case .halted(let error):
                halt(error)
            }
        }
    }

    private func halt(_ error: ConsensusError) {
        haltError = error
        logger.critical("consensus halted", metadata: ["error": "\(error)"])
    }

    // MARK: Timers

    private var timerNow: Duration { max(timerClock.elapsed(), reachedDeadline) }

    private func schedule(_ timeout: ConsensusTimeout, afterMilliseconds delay: UInt64) {
        timeouts.insert(timeout, deadline: timerNow + .milliseconds(Int64(clamping: delay)))
        armTimer()
    }

    /// Makes sure a task sleeps until the earliest deadline at the latest. A running sleeper due
    /// no later serves it. Otherwise a new one starts, and the later ones are left to run out:
    /// cancelling a sleep wakes its task as firing does, and the next height's epoch delay (the
    /// usual earlier deadline) would otherwise cancel a sleeper every height.
    private func armTimer() {
        guard !stopped, let earliest = timeouts.earliestDeadline else { return }
        if sleepers.values.contains(where: { $0.deadline <= earliest }) { return }
        if sleepers.count >= Self.maxSleepers, let latest = sleepers.max(by: { $0.value.deadline < $1.value.deadline })
        {
            latest.value.task.cancel()
            sleepers[latest.key] = nil
        }
        let id = nextSleeperID
        nextSleeperID += 1
        let duration = max(.zero, earliest - timerNow)
        let clock = timerClock
        let task = Task { [weak self] in
            do {
                try await clock.sleep(duration)
            } catch {
                return
            }
            await self?.timerElapsed(sleeper: id)
        }
        sleepers[id] = (task, earliest)
    }

    private func timerElapsed(sleeper id: UInt64) {
        guard let finished = sleepers.removeValue(forKey: id) else { return }
        timerWakeups += 1
        reachedDeadline = max(reachedDeadline, finished.deadline)
        for timeout in timeouts.popDue(through: timerNow) {
            guard started, !stopped else { return }
            drive(.timeout(timeout))
        }
        armTimer()
    }

    /// Drops the timeouts the engine would ignore once it has moved to another height or round,
    /// so that no sleep is spent on them (most timeouts of a decided height are still pending).
    private func dropObsoleteTimeouts() {
        let position = (engine.height, engine.round)
        guard position != timeoutPosition else { return }
        timeoutPosition = position
        timeouts.removeAll { engine.isObsolete($0) }
    }

    /// Sets the function called on this actor right after each commit (block sync included), with
    /// the application already holding the block: the node answers the long polls the block
    /// resolves there, without another hop onto this actor behind the next height's work.
    public func setCommitHook(
        _ hook: @escaping @Sendable (_ height: UInt64, _ application: any NodeApplication) -> Void
    ) {
        commitHook = hook
    }

    private func committed(_ finalized: FinalizedHeight) {
        commitHook?(finalized.height, application)
        let now = nowMilliseconds()
        let latency = roundZeroStart[finalized.height].map { now >= $0 ? now - $0 : 0 }
        roundZeroStart = roundZeroStart.filter { $0.key > finalized.height }
        if finalized.viaBlockSync {
            blocksSynced += 1
        } else {
            lastFinalityMilliseconds = latency
            timings[finalized.height] = CommitTiming(
                committedAtMilliseconds: now, finalityMilliseconds: latency, round: finalized.commit.round)
            latestTimedHeight = finalized.height
            // Pruned in batches (at twice the window), not on every commit: the lookup hides the rest.
            if timings.count > 2 * CommitTiming.retainedHeights {
                timings = timings.filter { isRetained($0.key) }
            }
        }
        if let cal, let engine = application.layer2 as? CoherenceLayer2Engine, let outcome = engine.lastOutcome,
            outcome.height == finalized.height
        {
            cal.record(outcome, rounds: finalized.commit.round, mempoolSize: application.mempoolSize)
        }
        let notice = CommitNotice(
            height: finalized.height, blockID: finalized.block.id, round: finalized.commit.round,
            viaBlockSync: finalized.viaBlockSync, transactionCount: finalized.response.transactionResults.count,
            lambda: application.lambda, coherence: application.coherence,
            nextHeightIsEmergency: application.nextHeightIsEmergency,
            finalityMilliseconds: finalized.viaBlockSync ? nil : latency, mempoolSize: application.mempoolSize,
            validators: (try? application.validatorStatuses()) ?? [],
            signatureVerifications: application.signatureVerificationCount,
            shardMapProposals: (try? application.shardMapProposals(in: finalized.height...finalized.height)) ?? [])
        commits.yield(notice)
    }

    /// When this node committed `height` through consensus, if it is recent.
    public func commitTiming(height: UInt64) -> CommitTiming? { isRetained(height) ? timings[height] : nil }

    /// Whether `height` is within the last ``CommitTiming/retainedHeights`` heights committed here.
    private func isRetained(_ height: UInt64) -> Bool {
        height + UInt64(CommitTiming.retainedHeights) > latestTimedHeight
    }

    // MARK: Application access

    /// Mempool admission through the application (`checkTransaction`).
    ///
    /// - Parameter backlogLimit: refuse, as `mempoolFull` and before any decoding, while the
    ///   mempool holds this many transactions or more (client submissions; nil for gossip).
    public func checkTransaction(_ bytes: [UInt8], backlogLimit: Int? = nil) -> TransactionCheck {
        if let refusal = refusal(backlogLimit: backlogLimit) { return refusal }
        defer { publishPending() }
        return admitted(application.checkTransaction(bytes))
    }

    /// Why nothing more is admitted now (the node stops, or holds `backlogLimit`), if so.
    private func refusal(backlogLimit: Int?) -> TransactionCheck? {
        guard !stopped else { return .rejected(code: "unavailable", message: "the node is stopping") }
        if let backlogLimit, application.mempoolSize >= backlogLimit {
            return .rejected(
                code: LedgerError.Code.mempoolFull.rawValue,
                message: Self.backlogMessage(held: application.mempoolSize, limit: backlogLimit))
        }
        return nil
    }

    /// The refusal of a submission past the backlog.
    private static func backlogMessage(held: Int, limit: Int) -> String {
        "this node holds \(held) pending transactions, its limit for new submissions (\(limit)); "
            + "retry after the next commit"
    }

    /// Wakes a height that waits for a transaction once one is admitted.
    private func admitted(_ check: TransactionCheck) -> TransactionCheck {
        if case .accepted = check, started, engine.isWaitingForTransactions { drive(.transactionsAvailable) }
        return check
    }

    /// A transaction on its way to admission: the bytes it arrived as and, when the application
    /// has a ``NodeApplication/transactionPreparer``, the transaction decoded and its signature
    /// checked off this actor.
    public struct AdmissionCandidate: Sendable {
        public let bytes: [UInt8]
        let prepared: SignedTransaction?
    }

    /// The stateless half of admission, on the caller's thread: decoding and the signature check
    /// (remembered by the application's verifier, so admission does not verify again). A failure
    /// is the refusal admission would give; without a preparer the bytes pass as they are.
    public nonisolated func prepare(_ bytes: [UInt8]) -> Result<AdmissionCandidate, LedgerError> {
        guard let transactionPreparer else { return .success(AdmissionCandidate(bytes: bytes, prepared: nil)) }
        do {
            return .success(AdmissionCandidate(bytes: bytes, prepared: try transactionPreparer.prepare(bytes)))
        } catch {
            return .failure(error)
        }
    }

    /// The stateful half of admission for ``prepare(_:)``'s candidates, in order, in one call on
    /// this actor; `backlogLimit` as in ``checkTransaction(_:backlogLimit:)`` (nil for gossip).
    public func checkTransactions(_ list: [AdmissionCandidate], backlogLimit: Int?) -> [TransactionCheck] {
        defer { publishPending() }
        return list.map { candidate in
            if let refusal = refusal(backlogLimit: backlogLimit) { return refusal }
            guard let prepared = candidate.prepared else {
                return admitted(application.checkTransaction(candidate.bytes))
            }
            return admitted(application.checkTransaction(prepared: prepared))
        }
    }

    /// Up to `limit` pending transactions, oldest first, as gossip bytes (empty once stopped).
    public func pendingTransactionBytes(limit: Int) -> [[UInt8]] {
        stopped ? [] : application.pendingTransactionBytes(limit: limit)
    }

    /// Signs `body` with the node key at the next free nonce (committed nonce plus the node's own
    /// pending transactions) and admits it to the mempool. Returns the canonical bytes to gossip.
    public func submitOwnTransaction(_ body: TransactionBody) -> Result<(id: Hash256, bytes: [UInt8]), NodeError> {
        guard !stopped else { return .failure(NodeError(.unavailable, "the node is stopping")) }
        let me = signingKey.publicKey
        guard let account = application.account(me) else {
            return .failure(NodeError(.rejected, "the node's key \(me.short) has no account to pay from"))
        }
        let nonce = account.nonce + UInt64(application.pendingCount(from: me))
        let transaction = SignedTransaction.make(
            chainID: application.chainID, key: signingKey, nonce: nonce, body: body)
        let bytes = transaction.canonicalBytes
        defer { publishPending() }
        switch admitted(application.checkTransaction(bytes)) {
        case .accepted(let id): return .success((id, bytes))
        case .rejected(let code, let message): return .failure(NodeError(.rejected, "\(code): \(message)"))
        }
    }

    /// Runs `body` with the application on this actor (reads for the API and the services).
    /// Throws ``NodeError/Code/unavailable`` once the driver is stopped (the ledger is closed).
    public func read<T: Sendable>(_ body: @Sendable (any NodeApplication) throws -> T) throws -> T {
        guard !stopped else { throw NodeError(.unavailable, "the node is stopping") }
        return try body(application)
    }

    /// The engine's position: the height being decided and its round.
    public var position: (height: UInt64, round: UInt32) { (engine.height, engine.round) }

    public var isStopped: Bool { stopped }
}

/// Wall-clock time for block headers.
public enum WallClock {
    /// Milliseconds since the Unix epoch.
    @Sendable public static func nowMilliseconds() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return UInt64(spec.tv_sec) * 1000 + UInt64(spec.tv_nsec) / 1_000_000
    }
}
