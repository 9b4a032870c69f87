import HMNPrimitives
import Metrics
import Synchronization

/// The node's metrics, emitted through swift-metrics (the HTTP front end bootstraps a Prometheus
/// backend; without one they are no-ops). Names are part of the operator contract
/// (Docs/OPERATIONS.md): `hmn_height`, `hmn_round`, `hmn_commit_latency_seconds`, `hmn_lambda`,
/// `hmn_coherence`, `hmn_psi{validator}`, `hmn_gossip_bytes_total{direction}`,
/// `hmn_send_queue_depth`, `hmn_mempool_size`, `hmn_peers`, `hmn_memory_records`,
/// `hmn_memory_gossip_records_total{outcome}`, `hmn_signature_verifications_total`,
/// `hmn_committed_transactions_total`.
public struct NodeMetrics: Sendable {
    let factory: any MetricsFactory
    let height: Gauge
    let round: Gauge
    let commitLatency: Metrics.Timer
    let lambda: Gauge
    let coherence: Gauge
    let gossipIn: Counter
    let gossipOut: Counter
    let sendQueueDepth: Gauge
    let mempoolSize: Gauge
    let peers: Gauge
    let memoryRecords: Gauge
    /// Records from peers the memory gossip wrote to the store.
    let memoryGossipIntegrated: Counter
    /// Peer gossip the engine refused (undecodable, wrong shape, bad or missing proof).
    let memoryGossipRejected: Counter
    /// Records deleted here because every replica of their shard acknowledged them (a write for a
    /// shard this node does not host, or a shard it stopped hosting).
    let memoryHandedOff: Counter
    /// Searches and reads this node sent to a shard's replica, and those no replica answered.
    let memoryRemoteRequests: Counter
    let memoryRemoteFailures: Counter
    /// The chain's shard layout version (committed splits), and the splits this node proposed.
    let meshLayoutVersion: Gauge
    let meshSplitsProposed: Counter
    /// Transactions whose signatures this node actually verified (memo misses): with the
    /// verify-once memo, about one per committed transaction.
    let signatureVerifications: Counter
    /// Transactions in blocks this node committed.
    let committedTransactions: Counter
    /// The application's verification total last reported (the counter takes increments).
    private let reportedVerifications = ReportedTotal()

    private final class ReportedTotal: Sendable {
        let value = Mutex<UInt64>(0)
    }

    /// Metrics created through `factory` (the global `MetricsSystem.factory` by default; tests
    /// inject a test factory so they need not bootstrap the process-wide system).
    public init(factory: any MetricsFactory = MetricsSystem.factory) {
        self.factory = factory
        height = Gauge(label: "hmn_height", factory: factory)
        round = Gauge(label: "hmn_round", factory: factory)
        commitLatency = Metrics.Timer(
            label: "hmn_commit_latency_seconds", preferredDisplayUnit: .seconds, factory: factory)
        lambda = Gauge(label: "hmn_lambda", factory: factory)
        coherence = Gauge(label: "hmn_coherence", factory: factory)
        gossipIn = Counter(label: "hmn_gossip_bytes_total", dimensions: [("direction", "in")], factory: factory)
        gossipOut = Counter(label: "hmn_gossip_bytes_total", dimensions: [("direction", "out")], factory: factory)
        sendQueueDepth = Gauge(label: "hmn_send_queue_depth", factory: factory)
        mempoolSize = Gauge(label: "hmn_mempool_size", factory: factory)
        peers = Gauge(label: "hmn_peers", factory: factory)
        memoryRecords = Gauge(label: "hmn_memory_records", factory: factory)
        memoryGossipIntegrated = Counter(
            label: "hmn_memory_gossip_records_total", dimensions: [("outcome", "integrated")], factory: factory)
        memoryGossipRejected = Counter(
            label: "hmn_memory_gossip_records_total", dimensions: [("outcome", "rejected")], factory: factory)
        memoryHandedOff = Counter(
            label: "hmn_memory_gossip_records_total", dimensions: [("outcome", "handed_off")], factory: factory)
        memoryRemoteRequests = Counter(
            label: "hmn_memory_remote_requests_total", dimensions: [("outcome", "answered")], factory: factory)
        memoryRemoteFailures = Counter(
            label: "hmn_memory_remote_requests_total", dimensions: [("outcome", "unanswered")], factory: factory)
        meshLayoutVersion = Gauge(label: "hmn_mesh_layout_version", factory: factory)
        meshSplitsProposed = Counter(label: "hmn_mesh_splits_proposed_total", factory: factory)
        signatureVerifications = Counter(label: "hmn_signature_verifications_total", factory: factory)
        committedTransactions = Counter(label: "hmn_committed_transactions_total", factory: factory)
    }

    func committed(_ notice: CommitNotice) {
        height.record(Double(notice.height))
        round.record(Double(notice.round))
        lambda.record(notice.lambda.doubleValue)
        coherence.record(notice.coherence.doubleValue)
        mempoolSize.record(Double(notice.mempoolSize))
        committedTransactions.increment(by: Int64(notice.transactionCount))
        let increase = reportedVerifications.value.withLock { reported in
            let total = notice.signatureVerifications
            defer { reported = max(reported, total) }
            return total > reported ? total - reported : 0
        }
        if increase > 0 { signatureVerifications.increment(by: Int64(clamping: increase)) }
        if let milliseconds = notice.finalityMilliseconds {
            commitLatency.recordMilliseconds(Int64(clamping: milliseconds))
        }
        for validator in notice.validators {
            Gauge(label: "hmn_psi", dimensions: [("validator", String(validator.key.hex.prefix(8)))], factory: factory)
                .record(validator.psi.doubleValue)
        }
    }
}
