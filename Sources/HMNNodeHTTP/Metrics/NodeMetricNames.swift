/// The metric names a node emits through swift-metrics, and what each means (see Docs/API.md).
///
/// HMNNode cannot import this module (it sits above the node), so the node spells the same
/// strings; these constants are for dashboards, tests and documentation.
public enum NodeMetricNames {
    /// Gauge: height of the last committed block.
    public static let height = "hmn_height"
    /// Gauge: consensus round being run for the next height.
    public static let round = "hmn_round"
    /// Timer (histogram, seconds): proposal start to commit of each block, as seen by this node.
    public static let commitLatencySeconds = "hmn_commit_latency_seconds"
    /// Gauge: λ(t) after the last committed block.
    public static let lambda = "hmn_lambda"
    /// Gauge: Ĉ(t) after the last committed block.
    public static let coherence = "hmn_coherence"
    /// Gauge with label `validator` (hex key): Ψ of each validator.
    public static let psi = "hmn_psi"
    /// Counter with label `direction` (`in`/`out`): transport bytes.
    public static let gossipBytesTotal = "hmn_gossip_bytes_total"
    /// Gauge: frames waiting in per-peer send queues, summed.
    public static let sendQueueDepth = "hmn_send_queue_depth"
    /// Gauge: pending transactions in the mempool.
    public static let mempoolSize = "hmn_mempool_size"
    /// Gauge: peers with a live transport session.
    public static let peers = "hmn_peers"
    /// Gauge: memory records held by this node.
    public static let memoryRecords = "hmn_memory_records"
    /// Counter with label `outcome` (`integrated`/`rejected`/`handed_off`): memory records from peers
    /// written to the store, peer gossip refused, and records deleted here once every replica of
    /// their shard acknowledged them.
    public static let memoryGossipRecordsTotal = "hmn_memory_gossip_records_total"
    /// Counter with label `outcome` (`answered`/`unanswered`): searches and reads sent to another
    /// node's shards.
    public static let memoryRemoteRequestsTotal = "hmn_memory_remote_requests_total"
    /// Counter: transactions whose Ed25519 signatures this node actually verified (each is verified
    /// once, at admission or when first seen in a block; about one per committed transaction).
    public static let signatureVerificationsTotal = "hmn_signature_verifications_total"
    /// Counter: transactions in blocks this node committed.
    public static let committedTransactionsTotal = "hmn_committed_transactions_total"
    /// Counter with labels `route`, `method`, `status`: HTTP requests served (counted by this module).
    public static let httpRequestsTotal = "hmn_http_requests_total"

    /// Every name above.
    public static let all = [
        height, round, commitLatencySeconds, lambda, coherence, psi, gossipBytesTotal, sendQueueDepth,
        mempoolSize, peers, memoryRecords, memoryGossipRecordsTotal, memoryRemoteRequestsTotal,
        signatureVerificationsTotal,
        committedTransactionsTotal, httpRequestsTotal,
    ]
}
