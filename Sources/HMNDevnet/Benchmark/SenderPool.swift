import Foundation
import HMNLedger
import HMNNodeHTTP
import HMNPrimitives

/// Funded accounts that submit transfers concurrently, for load that a single faucet nonce
/// sequence could not produce.
///
/// Each sender is bound to one node and keeps its own nonce, and submits one transaction at a
/// time: a node's mempool admits a sender's nonces only in order, and two requests in flight from
/// one sender could reach it out of order.
public actor SenderPool {
    /// One submission the node accepted into its mempool.
    public struct Submission: Sendable {
        public var id: Hash256
        public var node: Int
        /// Wall clock before the request was sent, milliseconds since the Unix epoch (the nodes run
        /// on the same machine, so their commit times are on the same clock).
        public var submittedAtMilliseconds: Double
    }

    /// Counts of what the nodes answered.
    public struct Counters: Sendable {
        public var accepted = 0
        /// 429 answers (mempool full): the sender waited and retried the same transaction.
        public var backPressure = 0
        /// Other refusals or transport failures; the sender stopped.
        public var failed = 0
    }

    private let cluster: LocalCluster
    private let keys: [SigningKey]
    private var nonces: [UInt64]
    public private(set) var submissions: [Submission] = []
    public private(set) var counters = Counters()
    public private(set) var failures: [String] = []

    /// `count` sender keys derived from `seed` (they hold nothing until ``fund(amount:)``).
    public init(cluster: LocalCluster, count: Int, seed: UInt64) {
        self.cluster = cluster
        var generator = SeededGenerator(seed: seed)
        keys = (0..<count).map { _ in SigningKey(using: &generator) }
        nonces = Array(repeating: 0, count: count)
    }

    public nonisolated var count: Int { keys.count }

    /// Pays `amount` from the faucet to every sender and waits until the last payment is committed.
    public func fund(amount: UInt64, timeout: Duration = .seconds(60)) async throws(DevnetError) {
        let client = cluster.clients[0]
        do {
            try await client.fundFromFaucet(
                keys.map(\.publicKey), amount: amount, faucet: cluster.faucet, chainID: cluster.chainID,
                timeout: timeout, pollMilliseconds: 50)
        } catch {
            throw DevnetError(error.code, "node0, funding the senders: \(error.message)")
        }
        for (index, key) in keys.enumerated() {
            nonces[index] = (try? await client.account(key.publicKey).nonce) ?? 0
        }
    }

    /// Submits one transfer of 1 unit from sender `index` (to the next sender) through its node.
    /// Retries on back-pressure until `deadline`; returns false when the sender should stop.
    public func submitNext(sender index: Int, deadline: ContinuousClock.Instant) async -> Bool {
        let node = index % cluster.count
        let transaction = SignedTransaction.make(
            chainID: cluster.chainID, key: keys[index], nonce: nonces[index],
            body: .transfer(recipient: keys[(index + 1) % keys.count].publicKey, amount: 1))
        while ContinuousClock.now < deadline {
            let started = Date().timeIntervalSince1970 * 1_000
            do throws(NodeClientError) {
                _ = try await cluster.clients[node].submit(transaction)
                nonces[index] += 1
                counters.accepted += 1
                submissions.append(Submission(id: transaction.id, node: node, submittedAtMilliseconds: started))
                return true
            } catch where error.status == 429 {
                counters.backPressure += 1
                try? await Task.sleep(for: .milliseconds(20))
            } catch {
                counters.failed += 1
                failures.append("sender \(index) via node\(node): \(error)")
                return false
            }
        }
        return false
    }

    /// Open-loop load at `rate` transactions per second in total for `duration`: sender `s` submits
    /// at its own slots `t0 + (k·count + s)/rate`, so the offered load does not depend on how fast
    /// the nodes answer (unless a sender falls behind its slots).
    public nonisolated func offer(rate: Double, for duration: Duration) async {
        let start = ContinuousClock.now
        let end = start + duration
        let senders = count
        await withTaskGroup(of: Void.self) { group in
            for sender in 0..<senders {
                group.addTask {
                    var k = 0
                    while true {
                        let slot = start + .seconds(Double(k * senders + sender) / rate)
                        if slot >= end { return }
                        if slot > .now { try? await Task.sleep(until: slot, clock: .continuous) }
                        guard await self.submitNext(sender: sender, deadline: end) else { return }
                        k += 1
                    }
                }
            }
        }
    }

    /// Closed-loop load as fast as the nodes accept for `duration`: every sender submits its next
    /// transaction as soon as the previous one is answered (backing off on 429).
    public nonisolated func saturate(for duration: Duration) async {
        let end = ContinuousClock.now + duration
        let senders = count
        await withTaskGroup(of: Void.self) { group in
            for sender in 0..<senders {
                group.addTask {
                    while ContinuousClock.now < end {
                        guard await self.submitNext(sender: sender, deadline: end) else { return }
                    }
                }
            }
        }
    }

    /// Forgets recorded submissions and counters (between phases).
    public func reset() {
        submissions = []
        counters = Counters()
        failures = []
    }
}
