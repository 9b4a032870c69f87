import HMNPrimitives

/// The ledger's current state: every account and every committed memory proof, with the
/// state root over both.
///
/// A value type: block execution works on a copy and the ledger swaps it in only when the block
/// commits, which is what makes a block apply whole or not at all. Leaf hashes are cached and
/// updated as entries change, so a block costs one Merkle pass over the cached leaves, not a
/// re-encoding of every account.
public struct LedgerState: Sendable {
    public private(set) var accounts: [PublicKey: Account] = [:]
    public private(set) var memoryProofs: [Hash256: MemoryProofEntry] = [:]

    private var accountLeaves: [PublicKey: Hash256] = [:]
    private var sortedAccountKeys: [PublicKey] = []
    private var proofLeaves: [Hash256: Hash256] = [:]
    private var sortedProofIDs: [Hash256] = []
    /// Accounts with unbonding entries (derived, so each block's release visits only these).
    public private(set) var unbondingAccounts: Set<PublicKey> = []

    /// Keys changed since the last ``clearChanges()``: what the store must write.
    public private(set) var changedAccounts: Set<PublicKey> = []
    public private(set) var changedProofs: Set<Hash256> = []
    /// A scratch state (mempool admission) keeps no leaf hashes, sorted keys or change sets: it is
    /// never hashed or stored, and hashing each account it touched was 14 % of admission's CPU in
    /// the saturation profile of 2026-12-07. Its roots are meaningless.
    private var isScratch = false

    /// An empty state.
    public init() {}

    /// An empty scratch state: the rules apply exactly as on any state, but nothing is hashed.
    static func scratch() -> LedgerState {
        var state = LedgerState()
        state.isScratch = true
        return state
    }

    /// The state a genesis document describes.
    public init(genesis: Genesis) {
        for entry in genesis.accounts {
            setAccount(Account(balance: entry.balance, stake: entry.stake), for: entry.publicKey)
        }
    }

    /// The account with `key`, or nil.
    public func account(_ key: PublicKey) -> Account? { accounts[key] }

    /// Stores an account and updates its cached leaf hash.
    public mutating func setAccount(_ account: Account, for key: PublicKey) {
        if isScratch {
            accounts[key] = account
            return
        }
        if accounts.updateValue(account, forKey: key) == nil {
            sortedAccountKeys.insert(key, at: Self.insertionIndex(of: key, in: sortedAccountKeys))
        }
        accountLeaves[key] = MerkleTree.leafHash(key.bytes + account.canonicalBytes)
        changedAccounts.insert(key)
        if account.unbonding.isEmpty { unbondingAccounts.remove(key) } else { unbondingAccounts.insert(key) }
    }

    /// Stores a committed memory proof and updates its cached leaf hash.
    public mutating func setMemoryProof(_ entry: MemoryProofEntry, for proofID: Hash256) {
        if isScratch {
            memoryProofs[proofID] = entry
            return
        }
        if memoryProofs.updateValue(entry, forKey: proofID) == nil {
            sortedProofIDs.insert(proofID, at: Self.insertionIndex(of: proofID, in: sortedProofIDs))
        }
        proofLeaves[proofID] = MerkleTree.leafHash(proofID.bytes + entry.canonicalBytes)
        changedProofs.insert(proofID)
    }

    /// Forgets which entries changed (after they were written).
    public mutating func clearChanges() {
        changedAccounts.removeAll(keepingCapacity: true)
        changedProofs.removeAll(keepingCapacity: true)
    }

    /// Merkle root over account leaves `key ‖ account`, sorted by key.
    public var accountsRoot: Hash256 { MerkleTree.root(leafHashes: sortedAccountKeys.map { accountLeaves[$0]! }) }

    /// Merkle root over memory-proof leaves `proofID ‖ entry`, sorted by proof id.
    public var memoryProofsRoot: Hash256 { MerkleTree.root(leafHashes: sortedProofIDs.map { proofLeaves[$0]! }) }

    /// `H("hmn/state/v1" ‖ accountsRoot ‖ memoryProofsRoot)`: the app hash and header state root.
    public var stateRoot: Hash256 {
        Hash256.of(parts: [Array("hmn/state/v1".utf8), accountsRoot.bytes, memoryProofsRoot.bytes])
    }

    /// Inclusion proof of an account in ``accountsRoot`` (leaf bytes `key ‖ account.canonicalBytes`).
    public func accountProof(_ key: PublicKey) -> MerkleProof? {
        let index = Self.insertionIndex(of: key, in: sortedAccountKeys)
        guard index < sortedAccountKeys.count, sortedAccountKeys[index] == key else { return nil }
        return MerkleTree.proof(index: index, leafHashes: sortedAccountKeys.map { accountLeaves[$0]! })
    }

    /// Accounts with stake ≥ `minStake`, sorted by key; power = stake (SPEC §6).
    public func validators(minStake: UInt64) -> [ValidatorPower] {
        sortedAccountKeys.compactMap { key in
            let stake = accounts[key]!.stake
            return stake >= minStake ? ValidatorPower(publicKey: key, power: stake) : nil
        }
    }

    /// Every non-zero stake, sorted by key.
    public var stakes: [ValidatorPower] {
        sortedAccountKeys.compactMap { key in
            let stake = accounts[key]!.stake
            return stake > 0 ? ValidatorPower(publicKey: key, power: stake) : nil
        }
    }

    /// Σ (balance + stake + unbonding) over all accounts, exact.
    public var totalSupply: UInt128 {
        accounts.values.reduce(UInt128(0)) { $0 + UInt128($1.balance) + UInt128($1.stake) + $1.unbondingTotal }
    }

    static func insertionIndex<T: Comparable>(of key: T, in sorted: [T]) -> Int {
        var low = 0
        var high = sorted.count
        while low < high {
            let mid = (low + high) / 2
            if sorted[mid] < key { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
