import Synchronization

/// An opt-in, process-wide memo of Ed25519 checks that passed.
///
/// A simulated network checks the same signatures and keys over and over in one process: seven
/// validators verify each vote six times and each commit certificate twice more, and every decoded
/// message re-validates its public key (a prime-order-subgroup check about as costly as a
/// verification). A node process repeats checks too: each precommit is verified on receipt, again
/// in the commit certificate the ledger stores, and again in the next block's last commit. Both
/// checks are pure functions of their inputs, so remembering the inputs that passed — signatures
/// keyed by BLAKE2b-256 of (key, signature, message), keys by their bytes; failures are never
/// remembered — changes no result and removes most of the cost (CometBFT keeps a similar signature
/// cache). Off by default in the library; the workbench's runner and `FullNode.open` (unless its
/// options say otherwise, since 2026-12-07) turn it on. Bounded: each memo is emptied when it
/// reaches its capacity.
public enum VerificationCache {
    private struct Memo {
        var signatures: Set<Hash256> = []
        var keys: Set<[UInt8]> = []
        var capacity = 0
        var hits = 0
    }

    private static let enabled = Atomic<Bool>(false)
    private static let memo = Mutex<Memo>(Memo())

    /// Turns the memo on with room for `capacity` signatures (and as many keys).
    public static func enable(capacity: Int = 1 << 16) {
        memo.withLock { $0 = Memo(capacity: max(capacity, 1)) }
        enabled.store(true, ordering: .releasing)
    }

    /// Turns the memo off and forgets everything.
    public static func disable() {
        enabled.store(false, ordering: .releasing)
        memo.withLock { $0 = Memo() }
    }

    public static var isEnabled: Bool { enabled.load(ordering: .acquiring) }

    /// Checks answered from the memo since it was enabled.
    public static var hits: Int { memo.withLock { $0.hits } }

    /// `verify()` unless the triple is known to verify; remembers it if it does.
    static func isValidSignature(
        key: PublicKey, signature: Signature, message: [UInt8], verify: () -> Bool
    ) -> Bool {
        guard enabled.load(ordering: .acquiring) else { return verify() }
        let id = Hash256.of(parts: [key.bytes, signature.bytes, message])
        let known = memo.withLock { memo -> Bool in
            guard memo.signatures.contains(id) else { return false }
            memo.hits += 1
            return true
        }
        if known { return true }
        guard verify() else { return false }
        memo.withLock { memo in
            if memo.signatures.count >= memo.capacity { memo.signatures.removeAll(keepingCapacity: true) }
            memo.signatures.insert(id)
        }
        return true
    }

    /// `check()` unless these key bytes are known to be a valid key; remembers them if they are.
    static func isValidKey(_ bytes: [UInt8], check: () -> Bool) -> Bool {
        guard enabled.load(ordering: .acquiring) else { return check() }
        let known = memo.withLock { memo -> Bool in
            guard memo.keys.contains(bytes) else { return false }
            memo.hits += 1
            return true
        }
        if known { return true }
        guard check() else { return false }
        memo.withLock { memo in
            if memo.keys.count >= memo.capacity { memo.keys.removeAll(keepingCapacity: true) }
            memo.keys.insert(bytes)
        }
        return true
    }
}
