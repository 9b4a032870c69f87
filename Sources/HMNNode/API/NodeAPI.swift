import HMNLedger
import HMNMesh
import HMNPrimitives

/// What a running node offers its clients: the HTTP API, the CLI and embedding code all go through
/// this protocol, so a front end never reaches into the layers and a test can serve a fake node.
///
/// Every method is safe to call concurrently. Writes are validated completely before anything is
/// accepted: a rejected call changes nothing and throws a ``NodeError`` naming the problem.
public protocol NodeAPI: Sendable {
    /// Checks a canonically encoded ``SignedTransaction`` (signature, chain id, nonce, balance)
    /// and adds it to the mempool, from where it is gossiped to the other validators.
    /// Returns the transaction id.
    func submitTransaction(_ bytes: [UInt8]) async throws(NodeError) -> Hash256

    /// Checks canonically encoded ``DuplicateVoteEvidence`` (two conflicting votes of one validator
    /// at one height and round, both signatures valid for this chain, recent enough to be used)
    /// and pools it for this node's next proposal, where the ledger judges it against the power the
    /// validator had at that height. Returns the offender and the offence height.
    func submitEvidence(_ bytes: [UInt8]) async throws(NodeError) -> DuplicateVoteEvidence

    /// Submits several transactions in order, each with its own result (a refusal costs only that
    /// item). A node may persist the accepted ones together before answering.
    func submitTransactions(_ batch: [[UInt8]]) async -> [Result<Hash256, NodeError>]

    /// Why this node would refuse any submission right now (its submission backlog is full, or it
    /// is catching up), so that a front end refuses a request before decoding it; nil when it
    /// takes submissions. A hint: each item is still checked on submission.
    func submissionRefusal() -> NodeError?

    /// A committed transaction with its Merkle inclusion proof, or nil when it is not committed.
    func transaction(id: Hash256) async throws(NodeError) -> TransactionRecord?

    /// Like ``transaction(id:)``, but when the transaction is not committed yet, waits up to
    /// `waitMilliseconds` for a block that commits it (a long poll; 0 answers at once). Throws
    /// ``NodeError/Code/malformed`` for a wait beyond the node's limit and
    /// ``NodeError/Code/overloaded`` when too many callers already wait.
    func transaction(id: Hash256, waitMilliseconds: UInt64) async throws(NodeError) -> TransactionRecord?

    /// The committed block at `height`, with its commit certificate, or nil above the tip.
    func block(atHeight height: UInt64) async throws(NodeError) -> StoredBlock?

    /// The committed block whose id is `id`, or nil.
    func block(id: Hash256) async throws(NodeError) -> StoredBlock?

    /// The account of `key` after the last committed block, or nil when it does not exist.
    func account(_ key: PublicKey) async throws(NodeError) -> Account?

    /// Height, λ, Ĉ, validators with Ψ and power, peers.
    func status() async -> NodeStatus

    /// Stores a memory record locally and hands it to the mesh for replication; critical records
    /// (RΦV ≥ 0.8) must carry a valid proof, which the node commits to Layer 1.
    func putMemory(_ record: MemoryRecord) async throws(NodeError) -> MemoryPutResult

    /// The `k` nearest memory records to `query`, with the routing report.
    func searchMemory(_ query: MemorySearchQuery) async throws(NodeError) -> MemorySearchResult

    /// The memory record `id` as it was written (the vector the author sent, not the normalized
    /// copy the index searches), or nil when this node does not hold it. A record merged into
    /// another by compression is answered with the record it was merged into.
    func memoryRecord(id: Hash256) async throws(NodeError) -> MemoryRecord?

    /// A memory record's proof and where it is committed on Layer 1, or nil when unknown.
    func memoryProof(id: Hash256) async throws(NodeError) -> MemoryProofStatus?
    /// The shard map and what this node holds; nil when the node does not shard its memory.
    func memoryShards() async -> MemoryShardsStatus?

    /// When this node committed the block at `height` through consensus (one of the last
    /// ``CommitTiming/retainedHeights`` since it started), or nil.
    func commitTiming(height: UInt64) async -> CommitTiming?
}

extension NodeAPI {
    /// Nodes that cannot wait for commits (fakes, read-only front ends) answer at once.
    public func transaction(id: Hash256, waitMilliseconds: UInt64) async throws(NodeError) -> TransactionRecord? {
        try await transaction(id: id)
    }

    /// Nodes without a consensus engine (fakes, read-only front ends) take no evidence.
    public func submitEvidence(_ bytes: [UInt8]) async throws(NodeError) -> DuplicateVoteEvidence {
        throw NodeError(.unavailable, "this node does not take evidence")
    }

    /// One ``submitTransaction(_:)`` per item.
    public func submitTransactions(_ batch: [[UInt8]]) async -> [Result<Hash256, NodeError>] {
        var results: [Result<Hash256, NodeError>] = []
        for bytes in batch {
            do {
                results.append(.success(try await submitTransaction(bytes)))
            } catch {
                results.append(.failure(error))
            }
        }
        return results
    }

    /// Nodes without a backlog refuse per item only.
    public func submissionRefusal() -> NodeError? { nil }

    /// Nodes that do not record commit times report none.
    public func commitTiming(height: UInt64) async -> CommitTiming? { nil }
    public func memoryShards() async -> MemoryShardsStatus? { nil }
}
