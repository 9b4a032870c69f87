import HMNPrimitives

/// Pending transactions waiting for a block: bounded, deduplicated by id, and per sender a gapless
/// run of nonces starting at the sender's committed nonce.
///
/// Admission rejects what can never apply, each with a typed error: malformed or oversize bytes,
/// another chain, a bad signature, an unknown sender, a stale, duplicate or skipped nonce, and
/// anything the sender cannot afford once its earlier pending transactions are counted. After a
/// block commits, ``update(after:)`` drops what the block included and what it made stale.
public struct Mempool: Sendable {
    /// Most transactions held.
    public let capacity: Int
    /// Transactions in arrival order (per sender, arrival order is nonce order).
    private var order: [Hash256] = []
    private var entries: [Hash256: SignedTransaction] = [:]
    private var bySender: [PublicKey: [Hash256]] = [:]
    /// Per sender, the scratch state after its pending run (valid until the next commit or
    /// removal touching the sender). Admission used to replay the sender's whole pending run for
    /// every new transaction — quadratic in a busy sender's backlog, and 56 % of a node's CPU in
    /// the saturation profile of 2026-12-07; with the projection it applies just the new one.
    private var projections: [PublicKey: Projection] = [:]

    struct Projection: Sendable {
        var scratch = LedgerState.scratch()
        var supply = SupplyChange()
    }

    /// An empty mempool.
    public init(capacity: Int) {
        self.capacity = capacity
    }

    /// Number of pending transactions.
    public var count: Int { entries.count }
    /// Whether the transaction is pending.
    public func contains(_ id: Hash256) -> Bool { entries[id] != nil }

    /// Pending transactions in proposal order.
    public var transactions: [SignedTransaction] { order.compactMap { entries[$0] } }

    /// Admits a transaction given the ledger's committed state; returns its id.
    @discardableResult
    public mutating func add(_ bytes: [UInt8], ledger: Ledger) throws(LedgerError) -> Hash256 {
        // Before decoding: under overload most offers meet a full mempool, and refusing them should
        // cost nothing (the same check runs again below for decoded offers).
        try checkCapacity()
        let transaction = try SignedTransaction.decode(bytes, maxBytes: Int(ledger.parameters.maxTransactionBytes))
        try add(transaction, ledger: ledger)
        return transaction.id
    }

    /// Admits a decoded transaction given the ledger's committed state.
    public mutating func add(_ transaction: SignedTransaction, ledger: Ledger) throws(LedgerError) {
        let id = transaction.id
        let size = transaction.canonicalBytes.count
        guard size <= Int(ledger.parameters.maxTransactionBytes) else {
            throw LedgerError(
                .oversize, "transaction of \(size) bytes exceeds \(ledger.parameters.maxTransactionBytes)")
        }
        guard transaction.transaction.chainID == ledger.chainID else {
            throw LedgerError(.wrongChain, "transaction is for chain '\(transaction.transaction.chainID)'")
        }
        guard entries[id] == nil else {
            throw LedgerError(.duplicateTransaction, "transaction \(id.short) is already pending")
        }
        try checkCapacity()
        // Through the ledger's memo: the block that later carries it will not verify it again.
        try ledger.signatureVerifier.verify(transaction)
        let pendingIDs = bySender[transaction.sender] ?? []
        if let committed = ledger.account(transaction.sender),
            transaction.nonce >= committed.nonce, transaction.nonce < committed.nonce + UInt64(pendingIDs.count)
        {
            throw LedgerError(
                .replayedNonce, "nonce \(transaction.nonce) of \(transaction.sender.short) is already pending")
        }
        var projection: Projection
        if let known = projections[transaction.sender] {
            projection = known
        } else {
            projection = Projection()
            try Self.extend(&projection, with: pendingIDs.compactMap { entries[$0] }, ledger: ledger)
        }
        try Self.extend(&projection, with: [transaction], ledger: ledger)
        projections[transaction.sender] = projection
        order.append(id)
        entries[id] = transaction
        bySender[transaction.sender, default: []].append(id)
    }

    private func checkCapacity() throws(LedgerError) {
        guard entries.count < capacity else {
            throw LedgerError(.mempoolFull, "mempool holds its capacity of \(capacity) transactions")
        }
    }

    /// Drops transactions the newly committed block included or made invalid (stale nonce, no
    /// longer affordable); a sender's later nonces go with the first one dropped.
    ///
    /// - Parameter changedAccounts: the accounts the block changed, when known. A pending transfer
    ///   depends only on its sender's and recipient's accounts, so a sender whose transfers touch
    ///   no changed account is not replayed: re-checking every pending transaction after every
    ///   block cost time proportional to the whole mempool per block, and under a backlog that made
    ///   rounds slower than their timeouts. Senders with any other kind of pending transaction
    ///   (which may depend on Layer-2 or proof state) are always replayed. nil replays everyone.
    public mutating func update(after ledger: Ledger, changedAccounts: Set<PublicKey>? = nil) {
        // A projection was computed against the previous state. It still holds where the block
        // touched neither the sender nor anyone its pending transfers pay (a transfer does not
        // depend on the height), which is exactly the senders skipped below; the others get the
        // projection their replay builds, so the next admission does not replay the run again.
        if changedAccounts == nil { projections.removeAll(keepingCapacity: true) }
        var dropped = Set<Hash256>()
        for (sender, allIDs) in bySender {
            if let changedAccounts, !changedAccounts.contains(sender),
                !allIDs.contains(where: { id in
                    guard case .transfer(let recipient, _) = entries[id]!.body else { return true }
                    return changedAccounts.contains(recipient)
                })
            {
                continue
            }
            // Included or otherwise stale nonces go first; the rest must still replay in order.
            let nextNonce = ledger.account(sender)?.nonce ?? 0
            let stale = allIDs.filter { entries[$0]!.nonce < nextNonce }
            dropped.formUnion(stale)
            let ids = allIDs.filter { entries[$0]!.nonce >= nextNonce }
            let pending = ids.compactMap { entries[$0] }
            let (valid, projection) = Self.replayValidPrefix(pending, ledger: ledger)
            for id in ids.dropFirst(valid) { dropped.insert(id) }
            bySender[sender] = valid == 0 ? nil : Array(ids.prefix(valid))
            projections[sender] = valid == 0 ? nil : projection
        }
        guard !dropped.isEmpty else { return }
        for id in dropped { entries[id] = nil }
        order.removeAll { dropped.contains($0) }
    }

    /// Removes specific transactions (e.g. left out of a proposal because they can no longer apply),
    /// with the same sender's later nonces.
    public mutating func remove(_ ids: some Sequence<Hash256>) {
        var dropped = Set<Hash256>()
        for id in ids {
            guard let transaction = entries[id], let run = bySender[transaction.sender],
                let position = run.firstIndex(of: id)
            else { continue }
            dropped.formUnion(run[position...])
            bySender[transaction.sender] = position == 0 ? nil : Array(run[..<position])
            projections[transaction.sender] = nil
        }
        for id in dropped { entries[id] = nil }
        order.removeAll { dropped.contains($0) }
    }

    /// Applies `transactions` (one sender's, in nonce order) to a fresh projection until the first
    /// that fails: how many applied, and the projection after them.
    static func replayValidPrefix(
        _ transactions: [SignedTransaction], ledger: Ledger
    ) -> (count: Int, projection: Projection) {
        var projection = Projection()
        for (index, transaction) in transactions.enumerated() {
            // On failure the projection may hold part of the failed transaction; rebuild it from
            // the valid prefix (rare: only when a commit invalidates a pending transaction).
            do {
                try extend(&projection, with: [transaction], ledger: ledger)
            } catch {
                var clean = Projection()
                try? extend(&clean, with: Array(transactions.prefix(index)), ledger: ledger)
                return (index, clean)
            }
        }
        return (transactions.count, projection)
    }

    /// Applies `transactions` to the projection, loading what they touch from the ledger on first
    /// use; throws the first failure and leaves the projection as it was before that transaction
    /// only when the caller discards it (admission keeps a copy).
    static func extend(
        _ projection: inout Projection, with transactions: [SignedTransaction], ledger: Ledger
    ) throws(LedgerError) {
        let context = ExecutionContext(
            chainID: ledger.chainID, height: ledger.height + 1,
            parameters: ledger.parameters, engine: ledger.layer2)
        for transaction in transactions {
            func load(_ key: PublicKey) {
                if projection.scratch.account(key) == nil, let account = ledger.account(key) {
                    projection.scratch.setAccount(account, for: key)
                }
            }
            load(transaction.sender)
            switch transaction.body {
            case .transfer(let recipient, _): load(recipient)
            case .mint(.t1(let proofID, _)):
                if let entry = ledger.state.memoryProofs[proofID], projection.scratch.memoryProofs[proofID] == nil {
                    projection.scratch.setMemoryProof(entry, for: proofID)
                }
            case .memoryProof(let proof):
                if let entry = ledger.state.memoryProofs[proof.proofID] {
                    projection.scratch.setMemoryProof(entry, for: proof.proofID)
                }
            default: break
            }
            _ = try projection.scratch.apply(transaction, context, supply: &projection.supply)
        }
    }
}
