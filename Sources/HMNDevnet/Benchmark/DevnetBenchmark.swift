import Foundation
import HMNNode
import HMNNodeHTTP
import HMNPrimitives

/// The node figures of `Docs/PERFORMANCE.md`, measured on real `hmn start` processes on loopback
/// through their HTTP APIs (`hmn-bench node`).
///
/// Phases, each on a fresh testnet in ``Configuration/directory``:
/// 1. **steady** — open-loop transfers at ``Configuration/steadyRate`` per second from funded senders;
/// 2. **saturation** — every sender submits as fast as the nodes accept (429 → back off, retry);
/// 3. **memory** — records put on one node at a time until every replica of their shard holds them
///    (``ReplicationProbe``);
/// 4. **emergency** — a testnet with stakes 3:3:3:4; the heaviest validator is killed, so C(h) =
///    9/13 ≈ 0.69 and Ĉ falls below 0.7 within a few blocks; the next block must be an emergency block.
///
/// Commit times come from each node's own record (`localCommit` of `GET /v1/blocks/{h}`), on the
/// same machine clock as the client's submission time, so no figure depends on a polling interval
/// except the memory phase's (1 ms).
public struct DevnetBenchmark: Sendable {
    public struct Configuration: Sendable {
        /// The `hmn` executable the node processes run.
        public var executable: String
        /// Where the testnets are created (removed afterwards unless ``keepDirectories``).
        public var directory: String
        public var basePort = 27_000
        public var validators = 4
        public var senders = 16
        public var steadyRate = 20.0
        public var steadySeconds = 30
        public var saturationSeconds = 30
        public var memoryWrites = 40
        public var emergencyRuns = 3
        public var seed: UInt64 = 1
        public var keepDirectories = false
        /// Timing preset of the load testnet (the emergency drills always use the standard one).
        public var profile: ChainProfile = .standard
        /// Open-loop phases of the batch load generator, offered transactions per second.
        public var openLoopRates: [Double] = [1_000, 2_000]
        public var openLoopSeconds = 15
        /// The batch load generator's shape (open-loop and saturation phases).
        public var load = LoadGenerator.Plan()
        /// The load testnet's round-0 propose timeout (nil: the node default, 1,000 ms).
        public var proposeTimeoutMilliseconds: UInt64?
        /// The load testnet's `maxProposalTransactions` (nil: the node default, 8,192).
        public var maxProposalTransactions: Int?
        /// The load testnet's `submissionBacklog` (nil: twice the proposal size).
        public var submissionBacklog: Int?

        public init(executable: String, directory: String) {
            self.executable = executable
            self.directory = directory
        }
    }

    public let configuration: Configuration

    public init(_ configuration: Configuration) {
        self.configuration = configuration
    }

    /// Runs every phase; `log` receives progress lines.
    public func run(log: @Sendable (String) -> Void) async throws(DevnetError) -> DevnetBenchmarkReport {
        let c = configuration
        let verifiesBefore = Self.signatureVerificationsPerSecond()
        log("raw Ed25519 verify, one thread: \(Int(verifiesBefore))/s")

        var loadOptions = Testnet.Options()
        loadOptions.apply(c.profile)
        if let propose = c.proposeTimeoutMilliseconds { loadOptions.timeouts.proposeMilliseconds = propose }
        loadOptions.maxProposalTransactions = c.maxProposalTransactions
        loadOptions.submissionBacklog = c.submissionBacklog
        let cluster = try startCluster(name: "load", basePort: c.basePort, options: loadOptions)
        let result: LoadPhases
        do {
            result = try await loadPhases(cluster, log: log)
        } catch {
            await finish(cluster)
            throw error
        }
        await finish(cluster)
        // Measured again with the testnet gone; the higher of the two is the comparison, so that a
        // moment when other work slowed the host does not flatter the ratios.
        let verifiesAfter = Self.signatureVerificationsPerSecond()
        let verifies = max(verifiesBefore, verifiesAfter)
        log(
            "raw Ed25519 verify, one thread, after the load phases: \(Int(verifiesAfter))/s (the ratios use \(Int(verifies))/s)"
        )

        var runs: [EmergencyRunReport] = []
        for run in 0..<c.emergencyRuns {
            var options = Testnet.Options()
            options.stakes = [30_000, 30_000, 30_000, 40_000]
            let drill = try startCluster(
                name: "emergency-\(run)", basePort: c.basePort + 20 + 10 * run, options: options)
            do {
                let report = try await emergencyDrill(drill)
                log(
                    "emergency \(run + 1): Ĉ \(report.coherence) at h\(report.detectionHeight) → emergency block in "
                        + report.latencies.map { LatencySummary.ms($0) }.joined(separator: " / ")
                        + " (round \(report.round), \(report.actions) actions, \(Int(report.secondsFromKill)) s after the kill)"
                )
                runs.append(report)
            } catch {
                log("emergency \(run + 1): \(error)")
            }
            await finish(drill)
        }
        return DevnetBenchmarkReport(
            date: ISO8601DateFormatter().string(from: Date()), validators: c.validators, profile: c.profile.rawValue,
            steady: result.steady, openLoop: result.openLoop, saturation: result.saturation, memory: result.memory,
            emergencyRuns: runs, emergencyLatency: LatencySummary(runs.flatMap(\.latencies)),
            apiRoundTrip: result.roundTrip, signatureVerificationsPerSecond: verifies,
            verificationsPerCommittedTransaction: result.verificationsPerCommitted)
    }

    // MARK: Clusters

    private func startCluster(name: String, basePort: Int, options: Testnet.Options) throws(DevnetError)
        -> LocalCluster
    {
        let directory = (configuration.directory as NSString).appendingPathComponent(name)
        try? FileManager.default.removeItem(atPath: directory)
        let count = options.stakes?.count ?? configuration.validators
        let cluster = try LocalCluster.create(
            validators: count, directory: directory, basePort: basePort, executable: configuration.executable,
            options: options)
        try cluster.startAll()
        return cluster
    }

    private func finish(_ cluster: LocalCluster) async {
        await cluster.stopAll(grace: .seconds(10))
        if !configuration.keepDirectories { try? FileManager.default.removeItem(atPath: cluster.directory) }
    }

    // MARK: Load phases

    struct LoadPhases {
        var steady: TransactionPhaseReport
        var openLoop: [TransactionPhaseReport]
        var saturation: TransactionPhaseReport
        var memory: MemoryPhaseReport
        var roundTrip: LatencySummary
        var verificationsPerCommitted: [Double]
    }

    private func loadPhases(_ cluster: LocalCluster, log: @Sendable (String) -> Void) async throws(DevnetError)
        -> LoadPhases
    {
        let c = configuration
        try await cluster.waitForHeight(2, timeout: .seconds(90))
        let pool = SenderPool(cluster: cluster, count: c.senders, seed: c.seed)
        try await pool.fund(amount: 10_000_000)
        let generator = LoadGenerator(cluster: cluster, plan: c.load)
        try await generator.fund(amount: 1_000_000)
        log("funded \(c.senders) + \(generator.senders.count) senders")

        let roundTrip = await Self.healthRoundTrips(cluster.clients[0], count: 200)
        log("GET /health round trip: \(roundTrip)")

        var from = await minimumHeight(cluster)
        var start = Self.nowMilliseconds()
        await pool.offer(rate: c.steadyRate, for: .seconds(c.steadySeconds))
        let steady = try await analyze(
            "steady", offered: c.steadyRate, submissions: await pool.submissions, counters: await pool.counters,
            cluster: cluster, fromHeight: from, window: (start, Self.nowMilliseconds()))
        log(
            "steady \(c.steadyRate)/s: finality \(steady.finality); rounds \(steady.roundLatency); "
                + "\(Int(steady.committedPerSecond)) tx/s committed")

        var openLoop: [TransactionPhaseReport] = []
        for rate in c.openLoopRates {
            // Twice what the schedule sends: the phase is bounded by its schedule, and connections
            // do not share their senders (with 10 % more, some ran out: 9,512 sent of 10,000 due).
            let senders = c.load.lanes * c.load.sendersPerLane
            let perSender = Int((rate * Double(c.openLoopSeconds) * 2 / Double(max(1, senders))).rounded(.up))
            let load = try await generator.presign(perSender: perSender)
            log("open loop \(Int(rate)) tx/s: \(load.presignedCount) transfers signed ahead")
            from = await minimumHeight(cluster)
            start = Self.nowMilliseconds()
            let phaseStart = start
            let due = await load.openLoop(rate: rate, for: .seconds(c.openLoopSeconds)) { totals in
                Self.progress("open \(Int(rate))/s", totals, since: phaseStart)
            }
            var report = try await analyze(
                "open loop \(Int(rate))/s", offered: rate, submissions: load.submissions,
                counters: Self.counters(load.currentTotals), cluster: cluster, fromHeight: from,
                window: (start, Self.nowMilliseconds()))
            report.sent = load.currentTotals.sent
            report.due = due
            log(
                "open loop: offered \(Int(rate)) tx/s, sent \(load.currentTotals.sent) of \(due) due, "
                    + "accepted \(report.accepted), \(Int(report.committedPerSecond)) tx/s committed; finality \(report.finality)"
            )
            openLoop.append(report)
        }

        let load = try await generator.presign()
        log(
            "saturation: \(c.load.lanes) connections × batches of \(c.load.batchSize); "
                + "\(load.presignedCount) transfers signed ahead")
        from = await minimumHeight(cluster)
        start = Self.nowMilliseconds()
        let saturationStart = start
        await load.closedLoop(for: .seconds(c.saturationSeconds)) { totals in
            Self.progress("saturation", totals, since: saturationStart)
        }
        var saturation = try await analyze(
            "saturation", offered: nil, submissions: load.submissions, counters: Self.counters(load.currentTotals),
            cluster: cluster, fromHeight: from, window: (start, Self.nowMilliseconds()))
        saturation.sent = load.currentTotals.sent
        saturation.exhaustedConnections = load.exhaustedLanes
        saturation.loadExhausted = load.exhaustedLanes >= c.load.lanes
        log(
            "saturation: sent \(load.currentTotals.sent), accepted \(saturation.accepted), "
                + "\(Int(saturation.committedPerSecond)) tx/s committed, finality \(saturation.finality); "
                + "rounds \(saturation.roundLatency); \(saturation.backPressure) × back-pressure")
        for failure in load.failures.prefix(5) { log("  refused: \(failure)") }
        if saturation.loadExhausted == true {
            log(
                "saturation: every connection ran out of signed transfers before the phase ended: the committed "
                    + "rate is a lower bound (raise --transactions-per-sender)")
        } else if load.exhaustedLanes > 0 {
            // Each connection submits to one node; those whose node had room drain their senders
            // first, while the others keep the backlogs full.
            log("saturation: \(load.exhaustedLanes) of \(c.load.lanes) connections ran out of signed transfers")
        }

        let verifications = await Self.verificationsPerCommitted(cluster)
        log(
            "signature verifications per committed transaction, per node: "
                + verifications.map { "\((($0 * 100).rounded()) / 100)" }.joined(separator: ", "))

        let memory = await memoryPhase(cluster)
        log("memory write → all replicas of its shard: \(memory.toAll)")
        return LoadPhases(
            steady: steady, openLoop: openLoop, saturation: saturation, memory: memory, roundTrip: roundTrip,
            verificationsPerCommitted: verifications)
    }

    static func counters(_ totals: LoadGenerator.Totals) -> SenderPool.Counters {
        var counters = SenderPool.Counters()
        counters.accepted = totals.accepted
        counters.backPressure = totals.backPressure
        counters.failed = totals.failed
        return counters
    }

    /// One progress line on stderr (stdout carries the report).
    static func progress(_ phase: String, _ totals: LoadGenerator.Totals, since start: Double) {
        let seconds = max(0.001, (nowMilliseconds() - start) / 1_000)
        let line =
            "[\(phase)] \(Int(seconds)) s: sent \(totals.sent) (\(Int(Double(totals.sent) / seconds))/s), "
            + "accepted \(totals.accepted) (\(Int(Double(totals.accepted) / seconds))/s), "
            + "\(totals.backPressure) back-pressure, \(totals.failed) refused, \(totals.requests) requests\n"
        FileHandle.standardError.write(Data(line.utf8))
    }

    /// `hmn_signature_verifications_total / hmn_committed_transactions_total` from each node's `/metrics`.
    static func verificationsPerCommitted(_ cluster: LocalCluster) async -> [Double] {
        var ratios: [Double] = []
        for client in cluster.clients {
            guard let text = try? await client.metrics() else {
                ratios.append(.nan)
                continue
            }
            func value(_ name: String) -> Double {
                for line in text.split(separator: "\n") where line.hasPrefix(name + " ") {
                    return Double(line.split(separator: " ").last ?? "") ?? 0
                }
                return 0
            }
            let committed = value("hmn_committed_transactions_total")
            ratios.append(committed > 0 ? value("hmn_signature_verifications_total") / committed : .nan)
        }
        return ratios
    }

    private func minimumHeight(_ cluster: LocalCluster) async -> UInt64 {
        await cluster.statuses().map { $0?.height ?? 0 }.min() ?? 0
    }

    /// Waits for the mempools to drain, then matches every accepted submission with the block that
    /// holds it and with the submitting node's commit time of that block.
    private func analyze(
        _ name: String, offered: Double?, submissions: [SenderPool.Submission], counters: SenderPool.Counters,
        cluster: LocalCluster, fromHeight: UInt64, window: (start: Double, end: Double)
    ) async throws(DevnetError) -> TransactionPhaseReport {
        try? await cluster.wait(for: "the mempools to drain", timeout: .seconds(60)) {
            await cluster.statuses().allSatisfy { ($0?.mempoolSize ?? 1) == 0 }
        }
        let tip = await minimumHeight(cluster)
        var heightOf: [String: UInt64] = [:]
        var timings: [[UInt64: CommitTimingJSON]] = Array(repeating: [:], count: cluster.count)
        var transactionsAt: [UInt64: Int] = [:]
        if tip > fromHeight {
            for height in (fromHeight + 1)...tip {
                for (index, client) in cluster.clients.enumerated() {
                    let block: BlockJSON
                    do {
                        block = try await client.block(height: height)
                    } catch {
                        throw DevnetError(.node, "node\(index): block \(height): \(error)")
                    }
                    if let timing = block.localCommit { timings[index][height] = timing }
                    if index == 0 {
                        transactionsAt[height] = block.transactions.count
                        for transaction in block.transactions { heightOf[transaction.id] = height }
                    }
                }
            }
        }
        var finality: [Double] = []
        var committed = 0
        for submission in submissions {
            guard let height = heightOf[submission.id.hex] else { continue }
            committed += 1
            if let timing = timings[submission.node][height] {
                finality.append(Double(timing.committedAtMilliseconds) - submission.submittedAtMilliseconds)
            }
        }
        let rounds = timings.flatMap {
            $0.values.compactMap { timing in timing.finalityMilliseconds.map { Double($0) } }
        }
        let node0 = timings[0].sorted { $0.key < $1.key }
        let intervals = zip(node0, node0.dropFirst()).compactMap { previous, next in
            next.key == previous.key + 1
                ? Double(next.value.committedAtMilliseconds) - Double(previous.value.committedAtMilliseconds) : nil
        }
        let inWindow = node0.filter {
            Double($0.value.committedAtMilliseconds) >= window.start
                && Double($0.value.committedAtMilliseconds) <= window.end
        }
        let seconds = (window.end - window.start) / 1_000
        let committedInWindow = inWindow.reduce(0) { $0 + (transactionsAt[$1.key] ?? 0) }
        return TransactionPhaseReport(
            name: name, offeredPerSecond: offered, seconds: seconds, accepted: counters.accepted,
            backPressure: counters.backPressure, failed: counters.failed, committed: committed,
            notCommitted: submissions.count - committed,
            committedPerSecond: seconds > 0 ? Double(committedInWindow) / seconds : 0,
            finality: LatencySummary(finality), roundLatency: LatencySummary(rounds),
            blockInterval: LatencySummary(intervals), blocks: node0.count,
            largestBlockTransactions: transactionsAt.values.max() ?? 0)
    }

    // MARK: Memory

    private func memoryPhase(_ cluster: LocalCluster) async -> MemoryPhaseReport {
        var generator = SeededGenerator(seed: configuration.seed &+ 7)
        let dimension = cluster.configurations[0].vectorDimension
        let vectors = (0..<configuration.memoryWrites).map { _ in
            (0..<dimension).map { _ in Float.random(in: -1...1, using: &generator) }
        }
        return await ReplicationProbe(cluster: cluster).measure(vectors: vectors, seed: configuration.seed &+ 8)
    }

    // MARK: Emergency

    /// Kills the validator holding 4/13 of the power and waits for the first block that carries
    /// Layer-2 actions: the emergency block after the height whose Ĉ fell below the threshold.
    private func emergencyDrill(_ cluster: LocalCluster) async throws(DevnetError) -> EmergencyRunReport {
        try await cluster.waitForHeight(3, timeout: .seconds(90))
        let heavy = cluster.count - 1
        let live = Array(0..<heavy)
        cluster.nodes[heavy].send(SIGKILL)
        let killedAt = Self.nowMilliseconds()
        let client = cluster.clients[0]
        var checked = (await cluster.statuses()[0]?.height) ?? 0
        let deadline = ContinuousClock.now + .seconds(240)
        while ContinuousClock.now < deadline {
            let height = (try? await client.health().height) ?? checked
            while checked < height {
                checked += 1
                guard let block = try? await client.block(height: checked), !block.actions.isEmpty, checked > 1 else {
                    continue
                }
                return try await emergencyReport(
                    cluster, emergencyHeight: checked, block: block, live: live, killedAt: killedAt)
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
        throw DevnetError(.timeout, "no emergency block within 240 s of killing node\(heavy)")
    }

    private func emergencyReport(
        _ cluster: LocalCluster, emergencyHeight: UInt64, block: BlockJSON, live: [Int], killedAt: Double
    ) async throws(DevnetError) -> EmergencyRunReport {
        var latencies: [Double] = []
        var coherence = 0.0
        for index in live {
            let client = cluster.clients[index]
            do {
                let detection = try await client.block(height: emergencyHeight - 1)
                let emergency = try await client.block(height: emergencyHeight)
                if index == live[0] { coherence = Double(detection.header.coherence.ppm ?? 0) / 1e6 }
                guard let before = detection.localCommit, let after = emergency.localCommit else { continue }
                latencies.append(Double(after.committedAtMilliseconds) - Double(before.committedAtMilliseconds))
            } catch {
                throw DevnetError(.node, "node\(index): \(error)")
            }
        }
        return EmergencyRunReport(
            detectionHeight: emergencyHeight - 1, coherence: coherence, latencies: latencies,
            round: block.localCommit?.round ?? block.certificate.round,
            finalityMilliseconds: block.localCommit?.finalityMilliseconds, actions: block.actions.count,
            secondsFromKill: (Double(block.localCommit?.committedAtMilliseconds ?? 0) - killedAt) / 1_000)
    }

    // MARK: Measurement helpers

    static func nowMilliseconds() -> Double { Date().timeIntervalSince1970 * 1_000 }

    static func healthRoundTrips(_ client: NodeClient, count: Int) async -> LatencySummary {
        var samples: [Double] = []
        for _ in 0..<count {
            let start = nowMilliseconds()
            if (try? await client.health()) != nil { samples.append(nowMilliseconds() - start) }
        }
        return LatencySummary(samples)
    }

    /// Raw libsodium verification of one signed 100-byte message, one thread, for about a second.
    static func signatureVerificationsPerSecond() -> Double {
        let key = SigningKey.generate()
        let message = [UInt8](repeating: 7, count: 100)
        let signature = key.sign(message)
        let start = ContinuousClock.now
        var count = 0
        while ContinuousClock.now - start < .seconds(1) {
            for _ in 0..<200 where key.publicKey.isValidSignature(signature, for: message) { count += 1 }
        }
        let elapsed = ContinuousClock.now - start
        return Double(count) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
    }
}
