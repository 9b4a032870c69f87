import HMNPrimitives
import Synchronization

/// Verifies transaction signatures and remembers which ones passed, so a node checks each
/// signature once: at admission, not again when it builds, checks or executes the block that
/// carries the transaction.
///
/// Ed25519 verification dominates a node's CPU under load (≈13k/s per core). Before this cache a
/// transaction was verified at admission and again in the proposal (built or checked), i.e. twice
/// per node. The memo is keyed by the transaction id (the hash of everything the signature covers,
/// memory-proof author signature included) **and** the signature bytes, so a transaction carrying a
/// different (forged) signature under a known id is verified afresh. Only successes are
/// remembered; a failing signature is verified every time it is offered, which costs what it
/// cost before.
///
/// The memo is bounded by two generations: when the current one fills, it becomes the previous
/// one and the oldest entries are forgotten, so a transaction admitted shortly before a flood is
/// still remembered when its block arrives; forgetting only costs a repeated verification.
public final class SignatureVerifier: Sendable {
    /// Entries per generation (two generations are kept).
    public let capacity: Int
    private let memo: Mutex<Generations>
    private let verifications = Atomic<UInt64>(0)

    private struct Key: Hashable {
        var id: Hash256
        var signature: Signature
    }

    private struct Generations {
        var current: Set<Key> = []
        var previous: Set<Key> = []
    }

    /// A verifier remembering up to about `2 × capacity` verified signatures.
    public init(capacity: Int = 1 << 17) {
        self.capacity = max(1, capacity)
        self.memo = Mutex(Generations())
    }

    /// How many transactions had their signatures actually checked (memo misses), since start.
    /// Exported as `hmn_signature_verifications_total`.
    public var verificationCount: UInt64 { verifications.load(ordering: .relaxed) }

    /// Whether this transaction's signatures verified here before.
    public func isKnownValid(_ transaction: SignedTransaction) -> Bool {
        let key = Key(id: transaction.id, signature: transaction.signature)
        return memo.withLock { $0.current.contains(key) || $0.previous.contains(key) }
    }

    /// Checks the transaction's signatures unless they verified here before; remembers a success.
    public func verify(_ transaction: SignedTransaction) throws(LedgerError) {
        let key = Key(id: transaction.id, signature: transaction.signature)
        if memo.withLock({ $0.current.contains(key) || $0.previous.contains(key) }) { return }
        verifications.add(1, ordering: .relaxed)
        try transaction.verifySignatures()
        remember(key)
    }

    /// Like ``verify(_:)`` but answers instead of throwing (for parallel batches).
    func isValid(_ transaction: SignedTransaction) -> Bool {
        do {
            try verify(transaction)
            return true
        } catch {
            return false
        }
    }

    private func remember(_ key: Key) {
        memo.withLock { memo in
            if memo.current.count >= capacity {
                memo.previous = memo.current
                memo.current = Set(minimumCapacity: capacity)
            }
            memo.current.insert(key)
        }
    }
}
