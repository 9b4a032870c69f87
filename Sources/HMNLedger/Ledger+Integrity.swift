import HMNPrimitives

extension Ledger {
    /// Checks the stored ledger before it is trusted, as a node does when it opens: SQLite's
    /// `quick_check` of the file's pages and b-trees (or the slower `integrity_check`, which also
    /// cross-checks every index against its table), then ``verifyChain(from:verifyingSignatures:)``
    /// over every block (row hashes, body roots, links, times, the transaction index, the state
    /// against the last header, the block id index), with or without re-verifying the commit
    /// signatures, and every stored validator set against its row checksum.
    ///
    /// The per-read checks already keep damaged rows from being served; this finds damage before
    /// a peer or a client asks for the row, so a node can refuse to start on it.
    ///
    /// - Returns: the number of blocks checked.
    /// - Throws: ``LedgerError/Code/corrupt`` naming the file and the first problem found.
    @discardableResult
    public func checkStorage(verifyingSignatures: Bool = false, integrityCheck: Bool = false) throws(LedgerError)
        -> UInt64
    {
        let pragma = integrityCheck ? "integrity_check" : "quick_check"
        var problems: [String] = []
        do {
            if integrityCheck {
                let statement = try store.database.statement("PRAGMA integrity_check")
                while try statement.step() {
                    let line = statement.text(0) ?? ""
                    if line != "ok" { problems.append(line) }
                }
            } else {
                problems = try store.database.quickCheck()
            }
        } catch {
            throw LedgerError.from(error)
        }
        guard problems.isEmpty else {
            throw LedgerError(
                .corrupt,
                "SQLite \(pragma) of \(path) found \(problems.count) problem(s): "
                    + problems.prefix(3).joined(separator: "; "))
        }
        let checked = try verifyChain(verifyingSignatures: verifyingSignatures)
        _ = try store.verifyValidatorSets()
        return checked
    }

    /// Every transaction of `block` has its index row, pointing at this block and position, with a
    /// result that decodes (a damaged id would otherwise make a committed transaction unfindable).
    /// Rows that belong to no block are found by one count at the end of ``verifyChain``.
    func verifyTransactionIndex(of block: Block) throws(LedgerError) {
        let height = block.height
        for (position, transaction) in block.transactions.enumerated() {
            let location: (UInt64, Int, [UInt8])?
            do {
                location = try store.transactionLocation(transaction.id)
            } catch {
                throw LedgerError(error.code, "transaction index of block \(height): \(error.message)")
            }
            guard let (indexedHeight, indexedPosition, result) = location,
                indexedHeight == height, indexedPosition == position
            else {
                throw LedgerError(
                    .corrupt, "transaction index of block \(height) lacks \(transaction.id.short) at \(position)")
            }
            do {
                _ = try TransactionResult(canonicalBytes: result)
            } catch {
                throw LedgerError(.corrupt, "result of transaction \(transaction.id.short) does not decode")
            }
        }
    }
}
