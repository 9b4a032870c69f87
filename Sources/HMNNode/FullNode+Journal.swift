import HMNLedger
import HMNPrimitives

/// The mempool journal's life in the node: reload on start, prune after commits.
extension FullNode {
    /// Re-admits every journaled transaction before consensus starts; what no longer applies
    /// (committed meanwhile, stale) leaves the journal. Peers get the reloaded mempool when they
    /// connect (``sendPendingTransactions(to:)``), so a transaction acknowledged just before a
    /// crash is gossiped again.
    func reloadJournal() async {
        guard let journal else { return }
        let entries: [(id: Hash256, bytes: [UInt8])]
        do {
            entries = try journal.entries()
        } catch {
            logger.error("reading the mempool journal failed", metadata: ["error": "\(error)"])
            return
        }
        guard !entries.isEmpty else { return }
        // Gossip journals without waiting, so rows may be out of nonce order; a sender's nonces
        // must be admitted in order. Nonce order across all senders keeps each sender's order.
        let ordered = entries.enumerated().sorted { left, right in
            let a = Self.nonce(left.element.bytes)
            let b = Self.nonce(right.element.bytes)
            return a != b ? a < b : left.offset < right.offset
        }.map(\.element)
        var refused: [Hash256] = []
        for entry in ordered {
            switch await driver.checkTransaction(entry.bytes) {
            case .accepted: _ = markSeen(entry.bytes)
            case .rejected: refused.append(entry.id)
            }
        }
        journal.remove(refused)
        logger.info(
            "reloaded pending transactions from the mempool journal",
            metadata: ["admitted": "\(entries.count - refused.count)", "dropped": "\(refused.count)"])
    }

    private static func nonce(_ bytes: [UInt8]) -> UInt64 {
        (try? SignedTransaction(canonicalBytes: bytes))?.nonce ?? .max
    }

    /// Deletes journal entries that left the mempool (committed, stale or invalid).
    func pruneJournal() async {
        guard let journal else { return }
        let held = journal.ids
        guard !held.isEmpty else { return }
        guard let gone = try? await driver.read({ app in held.filter { !app.isPending($0) } }) else { return }
        journal.remove(gone)
    }

    /// Writes accepted submissions to the journal and waits until they are durable.
    func journalBeforeAcknowledging(_ accepted: [(id: Hash256, bytes: [UInt8])]) async throws(NodeError) {
        guard let journal, let failure = await journal.append(accepted) else { return }
        logger.error("writing the mempool journal failed", metadata: ["error": "\(failure)"])
        throw NodeError(
            .internalError,
            "the transaction was admitted but could not be persisted (\(failure.message)); it may still commit")
    }
}
