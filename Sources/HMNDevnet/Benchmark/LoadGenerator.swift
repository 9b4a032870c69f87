import Dispatch
import Foundation
import HMNLedger
import HMNNodeHTTP
import HMNPrimitives
import Synchronization

/// A load generator that is not the bottleneck: transfers are signed and hex-encoded before the
/// clock starts, go out in batches (`POST /v1/transactions/batch`) over many keep-alive
/// connections, open-loop at a target rate or closed-loop as fast as the nodes answer, and the
/// report sets the offered rate beside the achieved one.
///
/// The load is split into *lanes*. A lane owns its own ``NodeClient`` (its own URLSession, so its
/// own keep-alive connection), a fixed node and a disjoint set of senders, and has one request in
/// flight at a time: a node admits a sender's nonces only in order, so two concurrent requests
/// carrying the same sender could arrive out of order. A batch takes each of the lane's senders'
/// next transactions in turn; after an answer, a sender's cursor advances past its accepted
/// prefix only, and what was refused for back-pressure (`overloaded`) or as a consequence (a later
/// nonce refused because an earlier one was) is sent again in the next batch.
public final class LoadGenerator: Sendable {
    /// Shape of the load.
    public struct Plan: Sendable {
        /// Concurrent connections (one request in flight each).
        public var lanes = 32
        /// Senders per lane.
        public var sendersPerLane = 4
        /// Transactions per request (the API allows 256).
        public var batchSize = 128
        /// Transactions signed ahead per sender for a closed-loop phase (bounds the phase's total:
        /// 128 senders × 2,500 = 320,000, or 10,600 tx/s for 30 s, above what 4 nodes on 2 cores
        /// can verify; with 1,000 a 30 s phase ran out at 4,270 tx/s and measured the generator).
        public var transactionsPerSender = 2_500
        public var seed: UInt64 = 11

        public init() {}
    }

    /// Running totals, read for progress lines while the phase runs.
    public struct Totals: Sendable {
        public var sent = 0
        public var accepted = 0
        public var backPressure = 0
        public var failed = 0
        public var requests = 0
    }

    private let cluster: LocalCluster
    private let plan: Plan
    private let lanes: [Lane]
    private let totals = Mutex(Totals())
    private let records = Mutex<[SenderPool.Submission]>([])
    private let errors = Mutex<[String]>([])
    private let emptyLanes = Atomic<Int>(0)

    /// One connection with its senders and their pre-signed transactions.
    private final class Lane: Sendable {
        let node: Int
        let client: NodeClient
        /// Per sender: (id, hex) in nonce order.
        let transactions: [[(id: Hash256, hex: String)]]
        let cursors: Mutex<[Int]>
        let keys: [SigningKey]

        init(node: Int, client: NodeClient, keys: [SigningKey], transactions: [[(id: Hash256, hex: String)]]) {
            self.node = node
            self.client = client
            self.keys = keys
            self.transactions = transactions
            self.cursors = Mutex(Array(repeating: 0, count: keys.count))
        }
    }

    /// Derives the senders; call ``fund(amount:)`` and then ``presign()`` before a phase.
    public init(cluster: LocalCluster, plan: Plan) {
        self.cluster = cluster
        self.plan = plan
        var generator = SeededGenerator(seed: plan.seed)
        var lanes: [Lane] = []
        for lane in 0..<plan.lanes {
            let node = lane % cluster.count
            let keys = (0..<plan.sendersPerLane).map { _ in SigningKey(using: &generator) }
            let client = NodeClient(port: cluster.configurations[node].httpPort, timeoutSeconds: 30)
            lanes.append(Lane(node: node, client: client, keys: keys, transactions: []))
        }
        self.lanes = lanes
    }

    private init(cluster: LocalCluster, plan: Plan, lanes: [Lane]) {
        self.cluster = cluster
        self.plan = plan
        self.lanes = lanes
    }

    /// Every sender key.
    public var senders: [PublicKey] { lanes.flatMap { $0.keys.map(\.publicKey) } }

    /// Pays every sender from the faucet and waits until the payments are committed.
    public func fund(amount: UInt64) async throws(DevnetError) {
        try await cluster.clients[0].fundFromFaucet(
            senders, amount: amount, faucet: cluster.faucet, chainID: cluster.chainID, timeout: .seconds(120),
            pollMilliseconds: 50)
    }

    /// Connections that ran out of signed transfers before their phase ended. When all did, the
    /// phase measured the generator, and its committed rate is only a lower bound of the chain's.
    public var exhaustedLanes: Int { emptyLanes.load(ordering: .relaxed) }

    /// A generator with every sender's next `perSender` (default ``Plan/transactionsPerSender``)
    /// transfers signed and encoded (on every core), starting at each sender's committed nonce.
    public func presign(perSender count: Int? = nil) async throws(DevnetError) -> LoadGenerator {
        var starts: [[UInt64]] = []
        for lane in lanes {
            var nonces: [UInt64] = []
            for key in lane.keys {
                do {
                    nonces.append(try await cluster.clients[0].account(key.publicKey).nonce)
                } catch {
                    throw DevnetError(.node, "node0: sender account \(key.publicKey.short): \(error)")
                }
            }
            starts.append(nonces)
        }
        let chainID = cluster.chainID
        let perSender = max(1, count ?? plan.transactionsPerSender)
        let recipient = SigningKey.derived(from: "load-generator sink").publicKey
        let signed = lanes.enumerated().map { index, lane in
            let nonces = starts[index]
            return lane.keys.indices.map { sender in
                Self.sign(
                    key: lane.keys[sender], from: nonces[sender], count: perSender, chainID: chainID, to: recipient)
            }
        }
        let ready = zip(lanes, signed).map { lane, transactions in
            Lane(node: lane.node, client: lane.client, keys: lane.keys, transactions: transactions)
        }
        return LoadGenerator(cluster: cluster, plan: plan, lanes: ready)
    }

    private static func sign(
        key: SigningKey, from nonce: UInt64, count: Int, chainID: String, to recipient: PublicKey
    ) -> [(id: Hash256, hex: String)] {
        let result = Mutex([(id: Hash256, hex: String)?](repeating: nil, count: count))
        let workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var local: [(Int, (id: Hash256, hex: String))] = []
            for index in stride(from: worker, to: count, by: workers) {
                let transaction = SignedTransaction.make(
                    chainID: chainID, key: key, nonce: nonce + UInt64(index),
                    body: .transfer(recipient: recipient, amount: 1))
                local.append((index, (transaction.id, Hex.encode(transaction.canonicalBytes))))
            }
            result.withLock { all in for (index, item) in local { all[index] = item } }
        }
        return result.withLock { $0.compactMap { $0 } }
    }

    /// Transactions signed ahead, in total.
    public var presignedCount: Int { lanes.reduce(0) { $0 + $1.transactions.reduce(0) { $0 + $1.count } } }

    /// What was accepted, with submission times (for finality), and the totals.
    public var submissions: [SenderPool.Submission] { records.withLock { $0 } }
    public var currentTotals: Totals { totals.withLock { $0 } }
    public var failures: [String] { errors.withLock { $0 } }

    // MARK: Phases

    /// Open loop: batches are due at `rate` transactions per second in total, lane after lane, for
    /// `duration`, whatever the answers; a lane still waiting for its previous answer sends its
    /// next batch late, and what was due but not sent by the end counts as offered and not sent.
    /// Returns the transactions offered (due).
    public func openLoop(rate: Double, for duration: Duration, progress: @escaping @Sendable (Totals) -> Void)
        async -> Int
    {
        let start = ContinuousClock.now
        let end = start + duration
        let batch = plan.batchSize
        let laneCount = lanes.count
        let interval = Double(batch) / rate  // seconds between batches, all lanes together
        let due = Int((duration.seconds * rate).rounded())
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.reportProgress(until: end, progress) }
            for (index, lane) in lanes.enumerated() {
                group.addTask {
                    var k = 0
                    while true {
                        let slot = start + .seconds(Double(k * laneCount + index) * interval)
                        if slot >= end || ContinuousClock.now >= end { return }
                        if slot > .now { try? await Task.sleep(until: slot, clock: .continuous) }
                        guard await self.submitBatch(lane, size: batch) else { return }
                        k += 1
                    }
                }
            }
        }
        return due
    }

    /// Closed loop: every lane sends its next batch as soon as the previous one is answered.
    public func closedLoop(for duration: Duration, progress: @escaping @Sendable (Totals) -> Void) async {
        let end = ContinuousClock.now + duration
        let batch = plan.batchSize
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.reportProgress(until: end, progress) }
            for lane in lanes {
                group.addTask {
                    while ContinuousClock.now < end {
                        guard await self.submitBatch(lane, size: batch) else { return }
                    }
                }
            }
        }
    }

    private func reportProgress(until end: ContinuousClock.Instant, _ progress: @Sendable (Totals) -> Void) async {
        while ContinuousClock.now < end {
            try? await Task.sleep(for: .seconds(1))
            progress(currentTotals)
        }
    }

    /// One request: up to `size` transactions round-robin over the lane's senders. False when the
    /// lane has nothing left to send or its node fails.
    private func submitBatch(_ lane: Lane, size: Int) async -> Bool {
        let cursors = lane.cursors.withLock { $0 }
        var items: [(sender: Int, index: Int)] = []
        var offset = 0
        while items.count < size {
            var added = false
            for sender in lane.transactions.indices where items.count < size {
                let index = cursors[sender] + offset
                if index < lane.transactions[sender].count {
                    items.append((sender, index))
                    added = true
                }
            }
            if !added { break }
            offset += 1
        }
        guard !items.isEmpty else {
            emptyLanes.add(1, ordering: .relaxed)
            return false
        }
        let started = Date().timeIntervalSince1970 * 1_000
        let response: SubmitTransactionBatchResponse
        do {
            response = try await lane.client.submitBatch(hex: items.map { lane.transactions[$0.sender][$0.index].hex })
        } catch {
            if error.status == 429 {
                // Refused whole for back-pressure (the node's backlog was full): nothing admitted.
                // Back off briefly (Retry-After says 1 s; a shorter pause keeps the next block
                // full) and send the same transactions again.
                totals.withLock {
                    $0.sent += items.count
                    $0.backPressure += 1
                    $0.requests += 1
                }
                try? await Task.sleep(for: .milliseconds(Self.backPressurePauseMilliseconds))
                return true
            }
            totals.withLock {
                $0.failed += items.count
                $0.requests += 1
            }
            errors.withLock { $0.append("node\(lane.node): \(error)") }
            try? await Task.sleep(for: .milliseconds(50))
            return error.status == 503
        }
        var advanced = cursors
        var blocked = Set<Int>()
        var accepted: [SenderPool.Submission] = []
        var backPressure = 0
        var failed = 0
        for (position, result) in response.results.enumerated() where position < items.count {
            let item = items[position]
            if result.status == "pending", !blocked.contains(item.sender), advanced[item.sender] == item.index {
                advanced[item.sender] += 1
                accepted.append(
                    SenderPool.Submission(
                        id: lane.transactions[item.sender][item.index].id, node: lane.node,
                        submittedAtMilliseconds: started))
            } else {
                // Everything after a sender's first refusal goes again next time.
                if !blocked.contains(item.sender) {
                    if result.error?.code == "overloaded" { backPressure += 1 } else { failed += 1 }
                    if failed > 0, result.error?.code != "overloaded" {
                        errors.withLock { $0.append("node\(lane.node): \(result.error?.message ?? result.status)") }
                    }
                }
                blocked.insert(item.sender)
            }
        }
        lane.cursors.withLock { $0 = advanced }
        records.withLock { $0.append(contentsOf: accepted) }
        totals.withLock {
            $0.sent += items.count
            $0.accepted += accepted.count
            $0.backPressure += backPressure
            $0.failed += failed
            $0.requests += 1
        }
        // A full mempool answers in microseconds; re-sending at once only burns the nodes' CPU on
        // decoding refused batches (a 10 ms back-off did, in the saturation profile of 2026-12-07).
        if backPressure > 0 {
            try? await Task.sleep(for: .milliseconds(accepted.isEmpty ? Self.backPressurePauseMilliseconds : 50))
        }
        return true
    }

    /// A lane's pause after a request that admitted nothing for back-pressure.
    static let backPressurePauseMilliseconds = 200
}
