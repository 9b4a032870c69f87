import Foundation
import HMNNodeHTTP
import HMNPrimitives
import Logging

/// One run of a ``FaultCampaign`` on its cluster: the phases between creating the testnet and
/// tearing it down.
struct CampaignSession: Sendable {
    let campaign: FaultCampaign
    let cluster: LocalCluster
    let network: NamespaceNetwork?
    let started: ContinuousClock.Instant
    /// Short timeouts, so a frozen node does not hold the load or the monitor for long.
    let fastClients: [NodeClient]
    /// Long timeouts for the final reads.
    let slowClients: [NodeClient]
    let recorder: CampaignRecorder
    let load: CampaignLoad

    var settings: FaultPlan.Settings { campaign.plan.settings }
    var logger: Logger { campaign.logger }

    init(campaign: FaultCampaign, cluster: LocalCluster, network: NamespaceNetwork?, started: ContinuousClock.Instant) {
        self.campaign = campaign
        self.cluster = cluster
        self.network = network
        self.started = started
        fastClients = cluster.clients.map { NodeClient(baseURL: $0.baseURL, timeoutSeconds: 2) }
        slowClients = cluster.clients.map { NodeClient(baseURL: $0.baseURL, timeoutSeconds: 15) }
        recorder = CampaignRecorder(clients: fastClients, started: started)
        var generator = SeededGenerator(seed: campaign.plan.settings.seed ^ 0x5EED_10AD)
        let senders = (0..<campaign.senders).map { _ in
            // Any 32 bytes are a valid seed.
            try! SigningKey(
                seed: (0..<SigningKey.seedByteCount).map { _ in UInt8.random(in: 0...255, using: &generator) })
        }
        load = CampaignLoad(
            clients: fastClients, chainID: cluster.chainID, faucet: cluster.faucet, senders: senders, started: started)
    }

    func execute(into report: inout CampaignReport, stopRequested: @escaping @Sendable () -> Bool)
        async throws(DevnetError)
    {
        try cluster.startAll()
        try await cluster.waitForHeight(1, timeout: campaign.recoveryTimeout)
        logger.info("campaign: chain is running; funding \(campaign.senders) senders")
        try await load.fundSenders(amount: 1_000_000, via: 0)
        await recorder.sample()
        report.heights.atFaultStart = await recorder.maxHeight
        await recorder.resetStallClock()
        logger.info(
            """
            campaign: \(campaign.plan.faults.count) faults over \(settings.durationSeconds) s \
            from height \(report.heights.atFaultStart)
            """
        )

        let devnet = DevnetLoad(cluster: cluster, seed: settings.seed)
        let dimension = cluster.configurations[0].vectorDimension
        let stop = CampaignStop()
        let applied = await withTaskGroup(of: Void.self) { group in
            group.addTask { await recorder.run(updating: load, stop: stop) }
            for index in 0..<campaign.senders {
                group.addTask { await load.runSender(index, seed: settings.seed &+ UInt64(index) &* 7_919, stop: stop) }
            }
            group.addTask {
                await load.runMemories(
                    devnet, dimension: dimension, interval: .seconds(3), seed: settings.seed, stop: stop)
            }
            let applied = await applyFaults(stopRequested: stopRequested)
            // A flag, not cancelAll(): see CampaignStop.
            stop.set()
            await group.waitForAll()
            return applied
        }
        report.faults = applied.sorted { $0.index < $1.index }
        report.notes += applied.filter { !$0.note.isEmpty }.map {
            "fault \($0.index) (\($0.kind.rawValue) \($0.nodes)): \($0.note)"
        }
        report.heights.atFaultEnd = await recorder.maxHeight
        report.heights.longestStallSeconds = await recorder.longestStall.seconds
        logger.info("campaign: faults done at height \(report.heights.atFaultEnd); healing")

        try await heal(into: &report)
        try await restartEveryNode(into: &report)
        try await check(into: &report)
        await checkMemories(await devnet.memories.map(\.hex), into: &report)
    }

    /// Applies the plan's faults at their offsets, each in its own task; returns what was applied.
    private func applyFaults(stopRequested: @escaping @Sendable () -> Bool) async -> [CampaignReport.AppliedFault] {
        // The plan's offsets count from here, once the chain runs and the senders are funded.
        let phaseStart = ContinuousClock.now
        let end = phaseStart + .seconds(settings.durationSeconds)
        return await withTaskGroup(of: CampaignReport.AppliedFault.self) { group in
            for fault in campaign.plan.faults {
                let due = phaseStart + .milliseconds(Int64(fault.atMilliseconds))
                await CampaignStop.sleep(due - ContinuousClock.now, unless: stopRequested)
                if stopRequested() { break }
                group.addTask { await apply(fault, phaseStart: phaseStart, stopRequested: stopRequested) }
            }
            await CampaignStop.sleep(end - ContinuousClock.now, unless: stopRequested)
            var applied: [CampaignReport.AppliedFault] = []
            for await fault in group { applied.append(fault) }
            return applied
        }
    }

    /// Applies one fault and undoes it after its down time.
    private func apply(
        _ fault: PlannedFault, phaseStart: ContinuousClock.Instant, stopRequested: @escaping @Sendable () -> Bool
    ) async -> CampaignReport.AppliedFault {
        let at = (ContinuousClock.now - phaseStart).milliseconds
        let down = Duration.milliseconds(Int64(fault.downMilliseconds))
        var notes: [String] = []
        logger.info(
            "campaign: fault \(fault.index) \(fault.kind.rawValue) on \(fault.nodes) for \(fault.downMilliseconds) ms")
        switch fault.kind {
        case .crash, .restart:
            for node in fault.nodes {
                await recorder.recordCrash(node)
                if fault.kind == .crash {
                    cluster.nodes[node].send(SIGKILL)
                    _ = await cluster.nodes[node].waitForExit(timeout: .seconds(5))
                } else if !(await cluster.nodes[node].stop(grace: .seconds(15))) {
                    notes.append("node\(node) ignored SIGTERM for 15 s and was killed")
                }
            }
            await CampaignStop.sleep(down, unless: stopRequested)
            for node in fault.nodes {
                do { try cluster.nodes[node].start() } catch { notes.append("restart of node\(node) failed: \(error)") }
            }
        case .pause:
            for node in fault.nodes { cluster.nodes[node].send(SIGSTOP) }
            await CampaignStop.sleep(down, unless: stopRequested)
            for node in fault.nodes { cluster.nodes[node].send(SIGCONT) }
        case .partition, .deafen:
            guard let network else {
                notes.append("skipped: no network namespaces")
                break
            }
            let oneWay = fault.kind == .deafen
            do { try oneWay ? network.deafen(fault.nodes) : network.partition(fault.nodes) } catch {
                notes.append("\(error)")
            }
            await CampaignStop.sleep(down, unless: stopRequested)
            if oneWay {
                network.hear(fault.nodes)
            } else {
                do { try network.heal(fault.nodes) } catch { notes.append("\(error)") }
            }
        }
        return CampaignReport.AppliedFault(
            index: fault.index, kind: fault.kind, nodes: fault.nodes, atMilliseconds: at,
            downMilliseconds: fault.downMilliseconds, note: notes.joined(separator: "; "))
    }

    /// Continues every frozen node, reconnects every namespace, starts every stopped node, waits
    /// for all to reach the height the chain had, and gives acknowledged transactions time to commit.
    private func heal(into report: inout CampaignReport) async throws(DevnetError) {
        for node in cluster.nodes { node.send(SIGCONT) }
        do { try network?.healAll() } catch { report.notes.append("heal: \(error)") }
        try cluster.startAll()
        let target = report.heights.atFaultEnd
        do {
            try await cluster.waitForHeight(target, timeout: campaign.recoveryTimeout)
        } catch {
            let heights = await recorder.sample()
            report.violations.append(
                CampaignViolation(
                    .nodeDidNotRecover,
                    "after the heal not every node reached height \(target): answering \(heights), \(error)"))
        }
        // Acknowledged transactions not yet seen committed get a settle window.
        let deadline = ContinuousClock.now + campaign.settleTimeout
        var pending = await load.acknowledged.filter { $0.seenCommittedAtMilliseconds == nil }.map(\.id)
        while !pending.isEmpty, ContinuousClock.now < deadline {
            var still: [String] = []
            for id in pending {
                if let hash = try? Hash256(hex: id), (try? await slowClients[0].transaction(id: hash)) != nil {
                    await load.markSeen(id)
                } else {
                    still.append(id)
                }
            }
            pending = still
            if !pending.isEmpty { try? await Task.sleep(for: .seconds(1)) }
        }
    }

    /// Stops every node gracefully (recording exit statuses), starts them all again — every node
    /// reopens and re-checks its ledger — and waits for two more heights on all of them.
    private func restartEveryNode(into report: inout CampaignReport) async throws(DevnetError) {
        await recorder.sample()
        let before = await recorder.maxHeight
        await cluster.stopAll(grace: .seconds(20))
        report.exitStatuses = cluster.nodes.map(\.terminationStatus)
        for (node, status) in report.exitStatuses.enumerated() where status != 0 {
            report.notes.append("node\(node) exited with status \(status.map(String.init) ?? "?") on SIGTERM")
        }
        try cluster.startAll()
        logger.info("campaign: restarted every node; waiting for height \(before + 2) on all")
        do {
            try await cluster.waitForHeight(before + 2, timeout: campaign.recoveryTimeout)
        } catch {
            await recorder.sample()
            report.violations.append(
                CampaignViolation(
                    .nodeDidNotRecover,
                    "after restarting every node, not all reached height \(before + 2): "
                        + "heights \(await recorder.heights)"
                ))
        }
    }

    /// Runs `body` with every node's index and client at once; the results in node order.
    private func onEveryNode<T: Sendable>(_ body: @escaping @Sendable (Int, NodeClient) async -> T) async -> [T] {
        await withTaskGroup(of: (Int, T).self) { group in
            for (node, client) in slowClients.enumerated() { group.addTask { (node, await body(node, client)) } }
            var results = [T?](repeating: nil, count: slowClients.count)
            for await (node, result) in group { results[node] = result }
            return results.map { $0! }
        }
    }

    /// Reads every height and every acknowledged transaction from every node and runs the checker.
    private func check(into report: inout CampaignReport) async throws(DevnetError) {
        await recorder.sample()
        let heights = await recorder.heights
        let checked = heights.compactMap { $0 }.min() ?? 0
        report.heights.checked = checked
        logger.info("campaign: comparing heights 1…\(checked) on \(cluster.count) nodes")
        let chains = await onEveryNode { _, client in
            var records: [HeightRecord] = []
            guard checked >= 1 else { return records }
            for height in 1...checked {
                guard let block = try? await client.block(height: height) else { continue }
                records.append(
                    HeightRecord(
                        height: block.height, blockID: block.id, stateRoot: block.header.stateRoot,
                        layer2Root: block.header.layer2Root))
            }
            return records
        }
        report.violations += CampaignChecker.checkChains(chains, through: checked)

        let acknowledged = await load.acknowledged
        let indeterminate = await load.indeterminate
        let lookups = acknowledged + indeterminate
        logger.info(
            """
            campaign: looking up \(acknowledged.count) acknowledged and \(indeterminate.count) indeterminate \
            transactions on every node
            """
        )
        let locations = await onEveryNode { _, client in
            var found: [String: String] = [:]
            for transaction in lookups {
                guard let id = try? Hash256(hex: transaction.id), let record = try? await client.transaction(id: id)
                else { continue }
                found[transaction.id] = record.blockId
            }
            return found
        }
        let crashes = await recorder.crashes
        let outcome = CampaignChecker.checkTransactions(
            acknowledged, indeterminate: indeterminate, locations: locations, crashes: crashes)
        report.violations += outcome.violations
        report.transactions.acknowledged = acknowledged.count
        report.transactions.seenCommitted = acknowledged.filter { $0.seenCommittedAtMilliseconds != nil }.count
        report.transactions.committed = outcome.committed
        report.transactions.lostWithCrashedNode = outcome.lostWithCrashedNode
        report.transactions.superseded = outcome.superseded
        let byID = Dictionary(acknowledged.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for id in outcome.lostWithCrashedNodeIDs {
            guard let transaction = byID[id] else { continue }
            let crash = crashes[transaction.node]?.first { $0 >= transaction.acknowledgedAtMilliseconds } ?? 0
            report.notes.append(
                "transaction \(id.prefix(16)) (sender \(transaction.sender.prefix(8)) nonce \(transaction.nonce)) "
                    + "acknowledged by node\(transaction.node) at \(transaction.acknowledgedAtMilliseconds) ms "
                    + "died with "
                    + "its mempool (node killed or restarted at \(crash) ms)")
        }
        for id in outcome.supersededIDs {
            guard let transaction = byID[id] else { continue }
            report.notes.append(
                "transaction \(id.prefix(16)) acknowledged by node\(transaction.node) at "
                    + "\(transaction.acknowledgedAtMilliseconds) ms lost nonce \(transaction.nonce) of sender "
                    + "\(transaction.sender.prefix(8)) to another committed transaction"
            )
        }
        report.transactions.refused = await load.refused
        report.transactions.indeterminate = indeterminate.count
        report.transactions.indeterminateCommitted = outcome.indeterminateCommitted

        report.violations += CampaignChecker.checkLiveness(
            from: report.heights.atFaultStart, to: report.heights.atFaultEnd,
            longestStallSeconds: report.heights.longestStallSeconds, limitSeconds: campaign.stallLimit.seconds,
            withinTolerance: settings.withinTolerance)
    }

    /// Waits (up to the recovery timeout) until every node holds every acknowledged memory record,
    /// asking each node only for the ids it lacked last time, then runs the checker.
    private func checkMemories(_ acknowledged: [String], into report: inout CampaignReport) async {
        report.transactions.memoriesAcknowledged = acknowledged.count
        logger.info("campaign: looking up \(acknowledged.count) acknowledged memory records on every node")
        var held = [Set<String>](repeating: [], count: slowClients.count)
        let deadline = ContinuousClock.now + campaign.recoveryTimeout
        while true {
            let known = held
            let found = await onEveryNode { node, client in
                var present: Set<String> = []
                for id in acknowledged where !known[node].contains(id) {
                    guard let hash = try? Hash256(hex: id), (try? await client.memoryRecord(id: hash)) != nil
                    else { continue }
                    present.insert(id)
                }
                return present
            }
            for node in held.indices { held[node].formUnion(found[node]) }
            let complete = held.allSatisfy { $0.count == acknowledged.count }
            if complete || ContinuousClock.now >= deadline { break }
            try? await Task.sleep(for: .seconds(1))
        }
        let outcome = CampaignChecker.checkMemories(acknowledged, held: held)
        report.transactions.memoriesOnEveryNode = outcome.replicated
        report.violations += outcome.violations
    }

    /// Continues and stops every node (SIGKILL after a grace period).
    func shutDown() async {
        for node in cluster.nodes { node.send(SIGCONT) }
        await cluster.stopAll(grace: .seconds(15))
    }
}
