import HMNLedger
import HMNPrimitives
import Synchronization

/// Callers waiting for transactions to commit (`GET /v1/transactions/{id}?waitMilliseconds=…`):
/// a long poll in place of a client asking again every few milliseconds, which on a small machine
/// costs the node more than the commit it waits for. CometBFT's `broadcast_tx_commit` and etcd's
/// put, which answers once the entry is committed, serve the same need.
///
/// A caller first ``register(_:)``s, then checks whether the transaction is already committed,
/// then ``wait(_:milliseconds:)``s: a commit between the check and the wait marks the slot
/// resolved, so it is never missed. Right after each commit, on the consensus actor
/// (`ConsensusDriver.setCommitHook(_:)`), the node reads the records of the block's waited-for
/// transactions (``isWaiting(for:)``) from one read of the block and hands them to
/// ``resolve(_:)``: no hop back onto the actor, and sixteen waiters cost one read, not sixteen.
/// Every continuation is resumed exactly once.
final class CommitWaiters: Sendable {
    /// At most this many waiters at once; more are refused, so a flood of long polls holds
    /// bounded memory.
    static let capacity = 10_000

    private struct Slot {
        var id: Hash256
        var continuation: CheckedContinuation<TransactionRecord?, Never>?
        var resolved: TransactionRecord?
    }

    private struct State {
        var slots: [UInt64: Slot] = [:]
        var unresolved: [Hash256: Set<UInt64>] = [:]
        var nextToken: UInt64 = 0
    }

    private let state = Mutex(State())

    /// True when no one waits for an uncommitted transaction (the commit loop then skips reading
    /// the block's ids).
    var isEmpty: Bool { state.withLock { $0.unresolved.isEmpty } }

    /// Reserves a slot for a waiter on `id`; nil when ``capacity`` slots are taken.
    func register(_ id: Hash256) -> UInt64? {
        state.withLock { state in
            guard state.slots.count < Self.capacity else { return nil }
            state.nextToken += 1
            state.slots[state.nextToken] = Slot(id: id)
            state.unresolved[id, default: []].insert(state.nextToken)
            return state.nextToken
        }
    }

    /// Waits until the slot's transaction commits (its record) or `milliseconds` pass (nil), and
    /// frees the slot.
    func wait(_ token: UInt64, milliseconds: UInt64) async -> TransactionRecord? {
        let deadline = Task {
            try? await Task.sleep(for: .milliseconds(Int64(clamping: milliseconds)))
            self.finish(token)
        }
        let record = await withCheckedContinuation { (continuation: CheckedContinuation<TransactionRecord?, Never>) in
            let immediate: TransactionRecord?? = state.withLock { state in
                guard var slot = state.slots[token] else { return .some(nil) }
                if let resolved = slot.resolved {
                    state.slots[token] = nil
                    return .some(resolved)
                }
                slot.continuation = continuation
                state.slots[token] = slot
                return nil
            }
            if let immediate { continuation.resume(returning: immediate) }
        }
        deadline.cancel()
        return record
    }

    /// Frees a slot that will not wait (the transaction was already committed).
    func cancel(_ token: UInt64) { finish(token) }

    /// Whether someone waits for this transaction.
    func isWaiting(for id: Hash256) -> Bool {
        state.withLock { $0.unresolved[id] != nil }
    }

    /// Hands each record to the slots waiting for its transaction, resuming those already waiting.
    func resolve(_ records: [TransactionRecord]) {
        let resumed: [(CheckedContinuation<TransactionRecord?, Never>, TransactionRecord)] = state.withLock { state in
            guard !state.unresolved.isEmpty else { return [] }
            var resumed: [(CheckedContinuation<TransactionRecord?, Never>, TransactionRecord)] = []
            for record in records {
                guard let tokens = state.unresolved.removeValue(forKey: record.transaction.id) else { continue }
                for token in tokens {
                    guard var slot = state.slots[token] else { continue }
                    if let continuation = slot.continuation {
                        state.slots[token] = nil
                        resumed.append((continuation, record))
                    } else {
                        slot.resolved = record
                        state.slots[token] = slot
                    }
                }
            }
            return resumed
        }
        for (continuation, record) in resumed { continuation.resume(returning: record) }
    }

    /// Removes the slot and resumes its waiter, if one is waiting, with nil.
    private func finish(_ token: UInt64) {
        let continuation: CheckedContinuation<TransactionRecord?, Never>? = state.withLock { state in
            guard let slot = state.slots.removeValue(forKey: token) else { return nil }
            state.unresolved[slot.id]?.remove(token)
            if state.unresolved[slot.id]?.isEmpty == true { state.unresolved[slot.id] = nil }
            return slot.continuation
        }
        continuation?.resume(returning: nil)
    }
}
