import HMNPrimitives
import Synchronization

/// Callers waiting for transactions to commit (`GET /v1/transactions/{id}?waitMilliseconds=…`):
/// a long poll in place of a client asking again every few milliseconds, which on a small machine
/// costs the node more than the commit it waits for. CometBFT's `broadcast_tx_commit` and etcd's
/// put, which answers once the entry is committed, serve the same need.
///
/// A caller first ``register(_:)``s, then checks whether the transaction is already committed,
/// then ``wait(_:milliseconds:)``s: a commit between the check and the wait marks the slot
/// resolved, so it is never missed. The node's commit loop calls ``resolve(_:)`` with each
/// committed block's transaction ids. Every continuation is resumed exactly once.
final class CommitWaiters: Sendable {
    /// At most this many waiters at once; more are refused, so a flood of long polls holds
    /// bounded memory.
    static let capacity = 10_000

    private struct Slot {
        var id: Hash256
        var continuation: CheckedContinuation<Bool, Never>?
        var resolved = false
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

    /// Waits until the slot's transaction commits (true) or `milliseconds` pass (false), and frees
    /// the slot.
    func wait(_ token: UInt64, milliseconds: UInt64) async -> Bool {
        let deadline = Task {
            try? await Task.sleep(for: .milliseconds(Int64(clamping: milliseconds)))
            self.finish(token, committed: false)
        }
        let committed = await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            let immediate: Bool? = state.withLock { state in
                guard var slot = state.slots[token] else { return false }
                if slot.resolved {
                    state.slots[token] = nil
                    return true
                }
                slot.continuation = continuation
                state.slots[token] = slot
                return nil
            }
            if let immediate { continuation.resume(returning: immediate) }
        }
        deadline.cancel()
        return committed
    }

    /// Frees a slot that will not wait (the transaction was already committed).
    func cancel(_ token: UInt64) { finish(token, committed: false) }

    /// Marks every slot on any of `ids` committed and resumes those already waiting.
    func resolve(_ ids: [Hash256]) {
        let resumed: [CheckedContinuation<Bool, Never>] = state.withLock { state in
            guard !state.unresolved.isEmpty else { return [] }
            var resumed: [CheckedContinuation<Bool, Never>] = []
            for id in ids {
                guard let tokens = state.unresolved.removeValue(forKey: id) else { continue }
                for token in tokens {
                    guard var slot = state.slots[token] else { continue }
                    if let continuation = slot.continuation {
                        state.slots[token] = nil
                        resumed.append(continuation)
                    } else {
                        slot.resolved = true
                        state.slots[token] = slot
                    }
                }
            }
            return resumed
        }
        for continuation in resumed { continuation.resume(returning: true) }
    }

    /// Removes the slot and resumes its waiter, if one is waiting, with `committed`.
    private func finish(_ token: UInt64, committed: Bool) {
        let continuation: CheckedContinuation<Bool, Never>? = state.withLock { state in
            guard let slot = state.slots.removeValue(forKey: token) else { return nil }
            state.unresolved[slot.id]?.remove(token)
            if state.unresolved[slot.id]?.isEmpty == true { state.unresolved[slot.id] = nil }
            return slot.continuation
        }
        continuation?.resume(returning: committed)
    }
}
