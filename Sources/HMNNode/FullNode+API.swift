import HMNLedger
import HMNMesh
import HMNPrimitives

extension FullNode {
    public func submitTransaction(_ bytes: [UInt8]) async throws(NodeError) -> Hash256 {
        try await submitTransactions([bytes])[0].get()
    }

    /// Admits each item in order, then persists the accepted ones in one journal write (shared
    /// fsync) before answering, then gossips them.
    public func submitTransactions(_ batch: [[UInt8]]) async -> [Result<Hash256, NodeError>] {
        if let error = catchingUp() { return batch.map { _ in .failure(error) } }
        var results = [Result<Hash256, NodeError>?](repeating: nil, count: batch.count)
        var accepted: [(id: Hash256, bytes: [UInt8])] = []
        // Past the backlog an item is refused before it is decoded or verified: under overload most
        // offers are refused, and refusing should cost nothing.
        var room = submissionRoom
        var candidates: [(index: Int, candidate: ConsensusDriver.AdmissionCandidate)] = []
        for (index, bytes) in batch.enumerated() {
            guard bytes.count <= NodeMessage.maxTransactionBytes else {
                results[index] = .failure(
                    NodeError(
                        .malformed, "transaction of \(bytes.count) bytes exceeds \(NodeMessage.maxTransactionBytes)"))
                continue
            }
            guard room > 0 else {
                results[index] = .failure(overloaded())
                continue
            }
            room -= 1
            // Decoding and the signature check run here, off the consensus actor, in parallel with
            // the height being decided; the actor's admission then finds the signature in the memo.
            switch driver.prepare(bytes) {
            case .success(let candidate): candidates.append((index, candidate))
            case .failure(let error):
                results[index] = .failure(NodeError(Self.code(forLedgerRejection: error.code.rawValue), error.message))
            }
        }
        let checks = await admit(candidates.map(\.candidate), backlogLimit: submissionBacklog)
        for (item, check) in zip(candidates, checks) {
            switch check {
            case .accepted(let id):
                accepted.append((id, item.candidate.bytes))
                results[item.index] = .success(id)
            case .rejected(let code, let message):
                results[item.index] = .failure(NodeError(Self.code(forLedgerRejection: code), message))
            }
        }
        let answered = results.map { $0 ?? .failure(NodeError(.internalError, "no admission result")) }
        // Gossip first, then the journal's fsync, then the answer: the peers (and the proposer
        // among them) start on the transaction while the disk works. Durability is unchanged:
        // nothing is acknowledged before it is journaled, and a journal failure already answers
        // that the transaction may still commit.
        for transaction in accepted { _ = markSeen(transaction.bytes) }
        for chunk in stride(from: 0, to: accepted.count, by: NodeMessage.maxTransactionsPerMessage) {
            let list = accepted[chunk..<min(accepted.count, chunk + NodeMessage.maxTransactionsPerMessage)]
            await messenger.broadcast(Self.gossip(list.map(\.bytes)), excluding: nil)
        }
        do {
            try await journalBeforeAcknowledging(accepted)
        } catch {
            return answered.map { result in result.flatMap { _ in .failure(error) } }
        }
        return answered
    }

    public func submissionRefusal() -> NodeError? {
        if let error = catchingUp() { return error }
        return submissionRoom == 0 ? overloaded() : nil
    }

    /// How many more submissions ``submissionBacklog`` takes now. Gossip still waiting for
    /// admission counts: it will be pending in a moment.
    private var submissionRoom: Int {
        guard let submissionBacklog else { return .max }
        return max(0, submissionBacklog - driver.pendingTransactionCount - queuedGossipTransactionCount)
    }

    /// Admission checks nonces and balances against this node's state, which is behind while it
    /// catches up by block sync: an acknowledgement now could promise a transaction the chain has
    /// already made invalid.
    private func catchingUp() -> NodeError? {
        guard let last = lastCommit, last.viaBlockSync else { return nil }
        return NodeError(
            .unavailable,
            "this node is catching up by block sync (at height \(last.height)) and its state is not current; "
                + "retry shortly or submit to another node")
    }

    /// Transactions admitted per hop onto the consensus actor: a consensus message waits behind at
    /// most one chunk of stateful admission checks (tens of microseconds each).
    static let admissionChunk = 64

    /// The stateful half of admission for prepared candidates (submissions and gossip alike), in
    /// order, ``admissionChunk`` per hop onto the consensus actor; one result per candidate.
    func admit(_ candidates: [ConsensusDriver.AdmissionCandidate], backlogLimit: Int?) async -> [TransactionCheck] {
        var checks: [TransactionCheck] = []
        checks.reserveCapacity(candidates.count)
        for chunk in stride(from: 0, to: candidates.count, by: Self.admissionChunk) {
            let slice = Array(candidates[chunk..<min(candidates.count, chunk + Self.admissionChunk)])
            checks += await driver.checkTransactions(slice, backlogLimit: backlogLimit)
        }
        return checks
    }

    /// The refusal of a submission past ``submissionBacklog``.
    private func overloaded() -> NodeError {
        NodeError(
            .overloaded,
            "this node holds its limit of pending transactions for new submissions (\(submissionBacklog ?? 0)); "
                + "retry after the next commit")
    }

    static func code(forLedgerRejection code: String) -> NodeError.Code {
        switch LedgerError.Code(rawValue: code) {
        case .malformed, .oversize, .badKey: .malformed
        case .badSignature: .badSignature
        case .wrongChain: .wrongChain
        case .mempoolFull: .overloaded
        case .storage, .corrupt: .internalError
        default: code == "unavailable" ? .unavailable : .rejected
        }
    }

    public func transaction(id: Hash256) async throws(NodeError) -> TransactionRecord? {
        try await read { try $0.transactionRecord(id: id) }
    }

    public func transaction(id: Hash256, waitMilliseconds: UInt64) async throws(NodeError) -> TransactionRecord? {
        guard waitMilliseconds > 0 else { return try await transaction(id: id) }
        guard waitMilliseconds <= Self.maxCommitWaitMilliseconds else {
            throw NodeError(
                .malformed, "waitMilliseconds must be in 0…\(Self.maxCommitWaitMilliseconds), got \(waitMilliseconds)")
        }
        guard let token = commitWaiters.register(id) else {
            throw NodeError(
                .overloaded, "\(CommitWaiters.capacity) callers already wait for commits here; retry without waiting")
        }
        // Registered before the check, so a commit in between resolves the slot and is not missed.
        let record: TransactionRecord?
        do {
            record = try await transaction(id: id)
        } catch {
            commitWaiters.cancel(token)
            throw error
        }
        if let record {
            commitWaiters.cancel(token)
            return record
        }
        if let record = await commitWaiters.wait(token, milliseconds: waitMilliseconds) { return record }
        // Timed out, or the commit loop could not read the block: one last look.
        return try await transaction(id: id)
    }

    /// Longest accepted `waitMilliseconds` (30 s).
    public static let maxCommitWaitMilliseconds: UInt64 = 30_000

    public func block(atHeight height: UInt64) async throws(NodeError) -> StoredBlock? {
        try await read { try $0.storedBlock(atHeight: height) }
    }

    public func block(id: Hash256) async throws(NodeError) -> StoredBlock? {
        try await read { try $0.storedBlock(id: id) }
    }

    public func commitTiming(height: UInt64) async -> CommitTiming? {
        await driver.commitTiming(height: height)
    }

    public func account(_ key: PublicKey) async throws(NodeError) -> Account? {
        try await read { $0.account(key) }
    }

    public func status() async -> NodeStatus {
        let position = await driver.position
        let finality = await driver.lastFinalityMilliseconds
        let peers = state.withLock { $0.peers }.sorted()
        let key = transport.localKey
        let chainID = self.chainID
        let records = memory.store.count
        let snapshot = try? await driver.read { app in
            NodeStatus(
                chainID: chainID, nodeKey: key, height: app.height, lastBlockID: app.lastBlockID, round: 0,
                lambda: app.lambda, coherence: app.coherence, nextHeightIsEmergency: app.nextHeightIsEmergency,
                lastFinalityMilliseconds: nil, validators: (try? app.validatorStatuses()) ?? [], peers: [],
                mempoolSize: app.mempoolSize, memoryRecords: 0)
        }
        var status =
            snapshot
            ?? NodeStatus(
                chainID: chainID, nodeKey: key, height: lastCommit?.height ?? 0,
                lastBlockID: lastCommit?.blockID ?? .zero,
                round: 0, lambda: lastCommit?.lambda ?? .one, coherence: lastCommit?.coherence ?? .one,
                nextHeightIsEmergency: false, lastFinalityMilliseconds: nil, validators: [], peers: [], mempoolSize: 0,
                memoryRecords: 0)
        status.round = position.round
        status.lastFinalityMilliseconds = finality
        status.peers = peers
        status.memoryRecords = records
        status.syncing = lastCommit?.viaBlockSync ?? false
        return status
    }

    public func putMemory(_ record: MemoryRecord) async throws(NodeError) -> MemoryPutResult {
        try await memory.put(record, messenger: messenger)
    }

    public func searchMemory(_ query: MemorySearchQuery) async throws(NodeError) -> MemorySearchResult {
        let lambda = (try? await driver.read { $0.lambda }) ?? .one
        return try await memory.search(query, lambda: lambda, parameters: coherenceParameters, messenger: messenger)
    }

    public func memoryRecord(id: Hash256) async throws(NodeError) -> MemoryRecord? {
        try await memory.record(id: id, messenger: messenger)
    }

    public func memoryShards() async -> MemoryShardsStatus? {
        guard let placement = memory.replicator.placement else { return nil }
        let mesh = memory.replicator as? MeshGossipReplicator
        let counts = mesh?.shardRecordCounts
        let map = placement.map
        let queries = memory.servedQueriesByShard
        var status = MemoryShardsStatus(
            mapVersion: map.version, replicationFactor: Int(map.replicationFactor),
            shards: map.shards.map { shard in
                MemoryShardsStatus.Shard(
                    id: shard.id, replicas: map.replicas(of: shard.id), hostedHere: placement.hosted.contains(shard.id),
                    records: counts?.hosted[shard.id] ?? 0, queries: queries[shard.id] ?? 0)
            }, handingOff: counts?.handingOff ?? 0, storeRecords: memory.store.count)
        status.layoutVersion = mesh?.layout.version ?? 0
        return status
    }

    public func memoryProof(id: Hash256) async throws(NodeError) -> MemoryProofStatus? {
        guard let (proof, transactionID) = memory.proof(of: id) else { return nil }
        let height = try await read { $0.memoryProofHeight(proofID: proof.proofID) }
        return MemoryProofStatus(proof: proof, committedHeight: height, transactionID: transactionID)
    }

    /// A read on the application, with storage failures and a stopped node mapped to ``NodeError``.
    func read<T: Sendable>(_ body: @Sendable (any NodeApplication) throws -> T) async throws(NodeError) -> T {
        do {
            return try await driver.read(body)
        } catch let error as NodeError {
            throw error
        } catch let error as LedgerError where error.code == .corrupt {
            // The row failed its check and was not served; the operator must resync (`hmn reset`).
            logger.critical("ledger storage is damaged", metadata: ["error": "\(error)"])
            throw NodeError(
                .corruptStorage,
                "\(error.message). Damaged data is not served; stop the node, run `hmn reset` on its home and "
                    + "start it again to resync from peers")
        } catch {
            throw NodeError(.internalError, "\(error)")
        }
    }
}

extension FullNode {
    /// See ``NodeAPI/submitEvidence(_:)``. What the ledger decides when the evidence is proposed
    /// (its age, whether the offender had power at that height, whether that offence was already
    /// punished) is not repeated here: evidence the ledger refuses is left out of the block.
    public func submitEvidence(_ bytes: [UInt8]) async throws(NodeError) -> DuplicateVoteEvidence {
        guard bytes.count <= NodeMessage.maxTransactionBytes else {
            throw NodeError(.malformed, "evidence of \(bytes.count) bytes exceeds \(NodeMessage.maxTransactionBytes)")
        }
        let evidence: DuplicateVoteEvidence
        do {
            evidence = try DuplicateVoteEvidence(canonicalBytes: bytes)
        } catch {
            throw NodeError(.malformed, "evidence does not decode: \(error)")
        }
        do {
            try evidence.verify(chainID: chainID)
        } catch {
            throw NodeError(.badSignature, "evidence does not verify on chain \(chainID): \(error.message)")
        }
        let height = try await read { $0.height }
        guard evidence.height <= height else {
            throw NodeError(
                .rejected, "evidence for height \(evidence.height) is ahead of this node's chain (height \(height))")
        }
        await driver.submitEvidence(evidence)
        logger.warning(
            "equivocation evidence submitted",
            metadata: ["validator": "\(evidence.validator.short)", "height": "\(evidence.height)"])
        return evidence
    }
}
