import HMNLedger
import HMNMesh
import HMNNode
import HMNPrimitives
import Logging
import Synchronization

/// An in-memory ``NodeAPI`` that validates for real: transactions go through a real ``Mempool``
/// against a real ``Ledger`` (SQLite `:memory:`, one validator), blocks are committed with real
/// certificates, memory records are checked (dimension, finite components, versions, proof
/// signatures). Only consensus and the network are missing.
actor FakeNode: NodeAPI {
    static let chainID = "hmn-api-test"
    static let dimension = 4
    static let validatorKey = SigningKey.derived(from: "api-test-validator")
    static let userKeys = (0..<3).map { SigningKey.derived(from: "api-test-user-\($0)") }
    static let quiet = Logger(label: "hmn.api.test", factory: { _ in SwiftLogNoOpLogHandler() })

    private let ledger: Ledger
    private var mempool: Mempool
    private let signer: LocalCommitSigner
    private var lastCertificate: CommitCertificate?
    private var time: UInt64
    private var records: [Hash256: MemoryRecord] = [:]
    /// When set, every call throws it (for the status-mapping tests).
    private var failure: NodeError?

    init(mempoolCapacity: Int = 100) throws {
        var accounts = [GenesisAccount(publicKey: Self.validatorKey.publicKey, balance: 1_000, stake: 10_000)]
        accounts += Self.userKeys.map { GenesisAccount(publicKey: $0.publicKey, balance: 1_000_000) }
        let genesis = Genesis(chainID: Self.chainID, genesisTimeMilliseconds: 1_700_000_000_000, accounts: accounts)
        ledger = try Ledger(path: ":memory:", genesis: genesis, logger: Self.quiet)
        mempool = Mempool(capacity: mempoolCapacity)
        signer = LocalCommitSigner(keys: [Self.validatorKey])
        time = genesis.genesisTimeMilliseconds
    }

    func failEveryCall(with error: NodeError?) { failure = error }

    /// What ``submissionRefusal()`` answers (a full backlog, catching up).
    private nonisolated let refusal = Mutex<NodeError?>(nil)
    nonisolated func refuseSubmissions(with error: NodeError?) { refusal.withLock { $0 = error } }
    nonisolated func submissionRefusal() -> NodeError? { refusal.withLock { $0 } }

    /// Proposes a block from the mempool and commits it with the validator's certificate.
    @discardableResult
    func commitBlock() throws -> Hash256 {
        time += 1_000
        let (proposal, _) = try ledger.propose(
            timeMilliseconds: time, proposer: Self.validatorKey.publicKey, candidates: mempool.transactions,
            lastCommit: lastCertificate)
        let certificate = try signer.certificate(for: proposal, ledger: ledger)
        try ledger.commit(proposal, certificate: certificate)
        lastCertificate = certificate
        mempool.update(after: ledger)
        timings[ledger.height] = CommitTiming(committedAtMilliseconds: time + 7, finalityMilliseconds: 7, round: 0)
        return proposal.id
    }

    /// Commit times the fake "observed" (block time + 7 ms), like a node that committed every block itself.
    private var timings: [UInt64: CommitTiming] = [:]

    func commitTiming(height: UInt64) async -> CommitTiming? { timings[height] }

    /// What a refused call must leave unchanged.
    struct Snapshot: Equatable {
        var height: UInt64
        var mempool: [Hash256]
        var records: [Hash256: MemoryRecord]
    }

    func snapshot() -> Snapshot {
        Snapshot(height: ledger.height, mempool: mempool.transactions.map(\.id), records: records)
    }

    func nextNonce(_ key: PublicKey) -> UInt64 {
        (ledger.account(key)?.nonce ?? 0) + UInt64(mempool.transactions.filter { $0.sender == key }.count)
    }

    // MARK: NodeAPI

    func submitTransaction(_ bytes: [UInt8]) async throws(NodeError) -> Hash256 {
        if let failure { throw failure }
        do {
            return try mempool.add(bytes, ledger: ledger)
        } catch {
            throw Self.nodeError(error)
        }
    }

    func transaction(id: Hash256) async throws(NodeError) -> TransactionRecord? {
        if let failure { throw failure }
        do { return try ledger.transaction(withID: id) } catch { throw Self.nodeError(error) }
    }

    /// When set, a commit wait commits a block first (a block that lands during the wait); when
    /// not, a wait answers at once, like the protocol's default for nodes that cannot wait.
    private var commitsDuringWaits = false
    func commitDuringWaits(_ on: Bool) { commitsDuringWaits = on }
    /// Commit waits asked for (those above 0 ms), in milliseconds.
    private(set) var waits: [UInt64] = []

    func transaction(id: Hash256, waitMilliseconds: UInt64) async throws(NodeError) -> TransactionRecord? {
        if let failure { throw failure }
        if waitMilliseconds > 0 { waits.append(waitMilliseconds) }
        if waitMilliseconds > 0, commitsDuringWaits, try await transaction(id: id) == nil {
            do { try commitBlock() } catch { throw NodeError(.internalError, "commit during a wait: \(error)") }
        }
        return try await transaction(id: id)
    }

    func block(atHeight height: UInt64) async throws(NodeError) -> StoredBlock? {
        if let failure { throw failure }
        do { return try ledger.block(atHeight: height) } catch { throw Self.nodeError(error) }
    }

    func block(id: Hash256) async throws(NodeError) -> StoredBlock? {
        if let failure { throw failure }
        do { return try ledger.block(withID: id) } catch { throw Self.nodeError(error) }
    }

    func account(_ key: PublicKey) async throws(NodeError) -> Account? {
        if let failure { throw failure }
        return ledger.account(key)
    }

    func status() async -> NodeStatus {
        let validators = (try? ledger.validators(atHeight: ledger.height + 1)) ?? []
        return NodeStatus(
            chainID: Self.chainID, nodeKey: Self.validatorKey.publicKey, height: ledger.height,
            lastBlockID: ledger.height == 0 ? .zero : ledger.tip.blockID, round: 0,
            lambda: FixedPoint(raw: 1_000_000), coherence: FixedPoint(raw: 950_000), nextHeightIsEmergency: false,
            lastFinalityMilliseconds: ledger.height == 0 ? nil : 42,
            validators: validators.map {
                ValidatorStatus(key: $0.publicKey, power: $0.power, psi: FixedPoint(raw: 900_000))
            },
            peers: [Self.userKeys[0].publicKey], mempoolSize: mempool.count, memoryRecords: records.count)
    }

    func putMemory(_ record: MemoryRecord) async throws(NodeError) -> MemoryPutResult {
        if let failure { throw failure }
        guard record.vector.count == Self.dimension else {
            throw NodeError(.invalidVector, "vector has \(record.vector.count) components, store dimension is 4")
        }
        guard record.vector.allSatisfy(\.isFinite) else {
            throw NodeError(.invalidVector, "vector has a non-finite component")
        }
        if let existing = records[record.id], existing.version >= record.version {
            throw NodeError(.rejected, "version \(record.version) is not above the stored \(existing.version)")
        }
        let critical = record.importance >= MemoryProof.criticalThreshold
        if let proof = record.proof {
            do {
                try proof.verify(for: record, chainID: Self.chainID)
            } catch {
                throw NodeError(.badSignature, error.message)
            }
        } else if critical {
            throw NodeError(.rejected, "a critical record (importance ≥ 0.8) must carry a memory proof")
        }
        records[record.id] = record
        return MemoryPutResult(
            id: record.id, proofSubmitted: critical && record.proof != nil,
            proofTransactionID: critical ? record.proof?.proofID : nil, shard: 0,
            replicas: Self.userKeys.prefix(2).map(\.publicKey))
    }

    func searchMemory(_ query: MemorySearchQuery) async throws(NodeError) -> MemorySearchResult {
        if let failure { throw failure }
        guard query.vector.count == Self.dimension else {
            throw NodeError(.invalidVector, "query has \(query.vector.count) components, store dimension is 4")
        }
        let hits = records.values
            .filter { query.author == nil || $0.author == query.author }
            .filter { query.minimumRPHV == nil || $0.importance >= query.minimumRPHV! }
            .map { record in
                MemorySearchHit(
                    record: record,
                    distance: zip(record.vector, query.vector).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) })
            }
            .sorted { ($0.distance, $0.record.id) < ($1.distance, $1.record.id) }
        return MemorySearchResult(hits: Array(hits.prefix(query.k)), servedShards: [0], routing: "direct")
    }

    func memoryRecord(id: Hash256) async throws(NodeError) -> MemoryRecord? {
        if let failure { throw failure }
        return records[id]
    }

    /// Two shards of the 4-dimensional test space; this node hosts shard 0, which holds every record.
    private var shards = true
    func stopSharding() { shards = false }

    func memoryShards() async -> MemoryShardsStatus? {
        guard shards else { return nil }
        let keys = Self.userKeys.map(\.publicKey)
        return MemoryShardsStatus(
            mapVersion: 3, replicationFactor: 2,
            shards: [
                .init(id: 0, replicas: [keys[0], keys[1]], hostedHere: true, records: records.count, queries: 5),
                .init(id: 1, replicas: [keys[1], keys[2]], hostedHere: false, records: 0),
            ], handingOff: 1, storeRecords: records.count + 1)
    }

    func memoryProof(id: Hash256) async throws(NodeError) -> MemoryProofStatus? {
        if let failure { throw failure }
        guard let proof = records[id]?.proof else { return nil }
        return MemoryProofStatus(proof: proof, committedHeight: nil, transactionID: nil)
    }

    static func nodeError(_ error: LedgerError) -> NodeError {
        switch error.code {
        case .malformed, .oversize, .badKey: NodeError(.malformed, error.message)
        case .badSignature: NodeError(.badSignature, error.message)
        case .wrongChain: NodeError(.wrongChain, error.message)
        case .mempoolFull: NodeError(.overloaded, error.message)
        case .corrupt: NodeError(.internalError, error.message)
        default: NodeError(.rejected, error.message)
        }
    }
}
