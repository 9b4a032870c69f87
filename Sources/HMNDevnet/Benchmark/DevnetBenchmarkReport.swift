import Foundation
import HMNPrimitives

/// Latency samples in milliseconds, summarised with nearest-rank percentiles.
public struct LatencySummary: Codable, Hashable, Sendable, CustomStringConvertible {
    public var count: Int
    public var p50: Double?
    public var p99: Double?
    public var max: Double?
    public var mean: Double?

    public init(_ samples: [Double]) {
        let sorted = samples.sorted()
        count = sorted.count
        p50 = Percentile.nearestRank(sorted: sorted, 0.5)
        p99 = Percentile.nearestRank(sorted: sorted, 0.99)
        max = sorted.last
        mean = sorted.isEmpty ? nil : sorted.reduce(0, +) / Double(sorted.count)
    }

    public var description: String {
        guard let p50, let p99, let max else { return "no samples" }
        return "p50 \(Self.ms(p50)) · p99 \(Self.ms(p99)) · max \(Self.ms(max)) (n = \(count))"
    }

    static func ms(_ value: Double) -> String {
        value >= 100 ? "\(Int(value.rounded())) ms" : "\((value * 10).rounded() / 10) ms"
    }
}

/// One load phase of ``DevnetBenchmark``: what was offered, what committed, and how fast.
public struct TransactionPhaseReport: Codable, Hashable, Sendable {
    public var name: String
    /// Offered transactions per second (nil for the closed-loop saturation phase).
    public var offeredPerSecond: Double?
    public var seconds: Double
    public var accepted: Int
    /// 429 answers (mempool full) that made a sender wait and retry.
    public var backPressure: Int
    public var failed: Int
    public var committed: Int
    /// Accepted but not found in any block after the drain wait.
    public var notCommitted: Int
    /// Transactions in blocks committed (on node 0) during the phase, per second of the phase.
    public var committedPerSecond: Double
    /// Submission (client clock) to commit on the node it was submitted to (that node's clock).
    public var finality: LatencySummary
    /// Per block and node: round 0 start to commit (the epoch delay excluded).
    public var roundLatency: LatencySummary
    /// Between consecutive commits on node 0 (epoch delay included).
    public var blockInterval: LatencySummary
    public var blocks: Int
    public var largestBlockTransactions: Int
    /// Batch load generator: transactions sent, and (open loop) due by the schedule.
    public var sent: Int?
    public var due: Int?
    /// Closed loop: connections that ran out of signed transfers before the phase ended.
    public var exhaustedConnections: Int?
    /// Closed loop: every connection ran out before the phase ended, so ``committedPerSecond``
    /// measured the load generator and is only a lower bound of the chain's rate.
    public var loadExhausted: Bool?
}

/// Memory records put on one node, until every node holds them.
public struct MemoryPhaseReport: Codable, Hashable, Sendable {
    public var writes: Int
    /// Put request sent → the last replica of the record's shard holds it (polled every 1 ms).
    public var toAll: LatencySummary
    /// Put request sent → each replica other than the writer holds the record.
    public var perReplica: LatencySummary
    /// Writes some replica had not received after 10 s.
    public var notReplicated: Int
}

/// One emergency drill: the heaviest validator is killed, Ĉ falls below the threshold, and the
/// next block is an emergency block (no epoch delay, timeouts at 25 %).
public struct EmergencyRunReport: Codable, Hashable, Sendable {
    /// The height whose Ĉ fell below the threshold (the emergency block is the next).
    public var detectionHeight: UInt64
    public var coherence: Double
    /// Per live node: commit of the detection block → commit of the emergency block (node clocks).
    public var latencies: [Double]
    /// The emergency block's round and its round-0-to-commit latency on node 0.
    public var round: UInt32
    public var finalityMilliseconds: UInt64?
    /// Slashes and boosts the emergency block carried.
    public var actions: Int
    /// From the kill to the emergency block (how long Ĉ took to fall), seconds.
    public var secondsFromKill: Double
}

/// Everything ``DevnetBenchmark`` measured.
public struct DevnetBenchmarkReport: Codable, Hashable, Sendable {
    public var date: String
    public var validators: Int
    /// The load testnet's timing profile (`standard`, `low-latency`).
    public var profile: String
    public var steady: TransactionPhaseReport
    /// Open-loop phases of the batch load generator, one per offered rate.
    public var openLoop: [TransactionPhaseReport]
    /// Closed loop: many connections, batches, as fast as the nodes answer.
    public var saturation: TransactionPhaseReport
    public var memory: MemoryPhaseReport
    public var emergencyRuns: [EmergencyRunReport]
    public var emergencyLatency: LatencySummary
    /// `GET /health` round trips to node 0: the floor under every latency measured through the API.
    public var apiRoundTrip: LatencySummary
    /// Raw single-thread Ed25519 verifications per second on this machine, same run: the comparison
    /// for the saturation throughput (the higher of a measurement before and one after the load
    /// phases).
    public var signatureVerificationsPerSecond: Double
    /// Per node, from `/metrics` after the load phases: signatures verified per committed transaction.
    public var verificationsPerCommittedTransaction: [Double]
}
