import HMNPrimitives
import Metrics

/// The node's metrics, emitted through swift-metrics (the HTTP front end bootstraps a Prometheus
/// backend; without one they are no-ops). Names are part of the operator contract
/// (Docs/OPERATIONS.md): `hmn_height`, `hmn_round`, `hmn_commit_latency_seconds`, `hmn_lambda`,
/// `hmn_coherence`, `hmn_psi{validator}`, `hmn_gossip_bytes_total{direction}`,
/// `hmn_send_queue_depth`, `hmn_mempool_size`, `hmn_peers`, `hmn_memory_records`.
public struct NodeMetrics: Sendable {
    let height = Gauge(label: "hmn_height")
    let round = Gauge(label: "hmn_round")
    let commitLatency = Metrics.Timer(label: "hmn_commit_latency_seconds", preferredDisplayUnit: .seconds)
    let lambda = Gauge(label: "hmn_lambda")
    let coherence = Gauge(label: "hmn_coherence")
    let gossipIn = Counter(label: "hmn_gossip_bytes_total", dimensions: [("direction", "in")])
    let gossipOut = Counter(label: "hmn_gossip_bytes_total", dimensions: [("direction", "out")])
    let sendQueueDepth = Gauge(label: "hmn_send_queue_depth")
    let mempoolSize = Gauge(label: "hmn_mempool_size")
    let peers = Gauge(label: "hmn_peers")
    let memoryRecords = Gauge(label: "hmn_memory_records")

    public init() {}

    func committed(_ notice: CommitNotice) {
        height.record(Double(notice.height))
        round.record(Double(notice.round))
        lambda.record(notice.lambda.doubleValue)
        coherence.record(notice.coherence.doubleValue)
        mempoolSize.record(Double(notice.mempoolSize))
        if let milliseconds = notice.finalityMilliseconds {
            commitLatency.recordMilliseconds(Int64(clamping: milliseconds))
        }
        for validator in notice.validators {
            Gauge(label: "hmn_psi", dimensions: [("validator", String(validator.key.hex.prefix(8)))])
                .record(validator.psi.doubleValue)
        }
    }
}
