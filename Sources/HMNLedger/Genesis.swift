import HMNPrimitives

/// Chain-wide rules fixed at genesis.
public struct LedgerParameters: Hashable, Sendable, CanonicalCodable {
    /// Largest accepted encoded transaction.
    public var maxTransactionBytes: UInt32
    /// Largest accepted encoded block.
    public var maxBlockBytes: UInt32
    /// Most transactions the mempool holds.
    public var mempoolCapacity: UInt32
    /// Total T0 reward per mining epoch (SPEC §7), split by stake.
    public var epochReward: UInt64
    /// T1 reward for a committed critical memory proof.
    public var memoryProofReward: UInt64
    /// Stake needed to be a validator.
    public var minStake: UInt64
    /// Heights per mining epoch (`M`, SPEC §2).
    public var miningEpochLength: UInt64
    /// Share of stake burned for a proven equivocation (SPEC §4).
    public var equivocationSlashRate: FixedPoint
    /// Evidence older than this many heights is refused.
    public var maxEvidenceAgeBlocks: UInt64

    /// Heights between an unbond and the release of its amount: one more than the evidence age,
    /// so every piece of evidence for an offence committed while the stake was bonded is usable
    /// before the stake can be spent. Derived rather than a genesis field, so it can never be set
    /// shorter than the evidence window (and genesis encodings stay as they were).
    public var unbondingPeriodHeights: UInt64 { maxEvidenceAgeBlocks + 1 }

    /// Creates parameters; the defaults suit tests and small chains.
    public init(
        maxTransactionBytes: UInt32 = 4_096, maxBlockBytes: UInt32 = 8 << 20, mempoolCapacity: UInt32 = 20_000,
        epochReward: UInt64 = 1_000_000, memoryProofReward: UInt64 = 1_000, minStake: UInt64 = 1_000,
        miningEpochLength: UInt64 = 10, equivocationSlashRate: FixedPoint = FixedPoint(raw: 50_000),
        maxEvidenceAgeBlocks: UInt64 = 100
    ) {
        self.maxTransactionBytes = maxTransactionBytes
        self.maxBlockBytes = maxBlockBytes
        self.mempoolCapacity = mempoolCapacity
        self.epochReward = epochReward
        self.memoryProofReward = memoryProofReward
        self.minStake = minStake
        self.miningEpochLength = miningEpochLength
        self.equivocationSlashRate = equivocationSlashRate
        self.maxEvidenceAgeBlocks = maxEvidenceAgeBlocks
    }

    public init(from decoder: inout CanonicalDecoder) throws(CodecError) {
        maxTransactionBytes = try decoder.decode()
        maxBlockBytes = try decoder.decode()
        mempoolCapacity = try decoder.decode()
        epochReward = try decoder.decode()
        memoryProofReward = try decoder.decode()
        minStake = try decoder.decode()
        miningEpochLength = try decoder.decode()
        equivocationSlashRate = try decoder.decode()
        maxEvidenceAgeBlocks = try decoder.decode()
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.encode(maxTransactionBytes)
        encoder.encode(maxBlockBytes)
        encoder.encode(mempoolCapacity)
        encoder.encode(epochReward)
        encoder.encode(memoryProofReward)
        encoder.encode(minStake)
        encoder.encode(miningEpochLength)
        encoder.encode(equivocationSlashRate)
        encoder.encode(maxEvidenceAgeBlocks)
    }
}

/// One initial account.
public struct GenesisAccount: Hashable, Sendable, CanonicalCodable {
    /// The account key.
    public var publicKey: PublicKey
    /// Initial spendable balance.
    public var balance: UInt64
    /// Initial bonded stake (≥ `minStake` makes a genesis validator).
    public var stake: UInt64

    /// Creates a genesis account.
    public init(publicKey: PublicKey, balance: UInt64, stake: UInt64 = 0) {
        self.publicKey = publicKey
        self.balance = balance
        self.stake = stake
    }

    public init(from decoder: inout CanonicalDecoder) throws(CodecError) {
        publicKey = try decoder.decode()
        balance = try decoder.decode()
        stake = try decoder.decode()
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.encode(publicKey)
        encoder.encode(balance)
        encoder.encode(stake)
    }
}

/// The genesis document: everything block 1 builds on. Its hash is block 1's previous hash, so
/// a chain is bound to its genesis.
public struct Genesis: Hashable, Sendable, CanonicalCodable {
    /// Upper bound on genesis accounts, checked when decoding.
    public static let maxAccounts = 1_000_000

    /// The chain id every transaction and vote names (1…64 bytes).
    public var chainID: String
    /// Genesis time; block 1 may not be earlier.
    public var genesisTimeMilliseconds: UInt64
    /// Sorted by key on construction, so one genesis has one encoding.
    public var accounts: [GenesisAccount]
    /// Chain-wide rules.
    public var parameters: LedgerParameters

    /// Creates a genesis document; accounts are sorted by key.
    public init(
        chainID: String, genesisTimeMilliseconds: UInt64, accounts: [GenesisAccount],
        parameters: LedgerParameters = LedgerParameters()
    ) {
        self.chainID = chainID
        self.genesisTimeMilliseconds = genesisTimeMilliseconds
        self.accounts = accounts.sorted { $0.publicKey < $1.publicKey }
        self.parameters = parameters
    }

    /// The genesis hash (block 1's previous hash).
    public var hash: Hash256 { canonicalHash }

    /// Checks the document: a usable chain id, unique accounts, no overflowing supply, sane
    /// parameters and at least one validator.
    public func validate() throws(LedgerError) {
        let idBytes = chainID.utf8.count
        guard idBytes > 0, idBytes <= UnsignedTransaction.maxChainIDBytes else {
            throw LedgerError(.invalidGenesis, "chain id must be 1…\(UnsignedTransaction.maxChainIDBytes) bytes")
        }
        guard zip(accounts, accounts.dropFirst()).allSatisfy({ $0.publicKey < $1.publicKey }) else {
            throw LedgerError(.invalidGenesis, "genesis accounts must be unique (and sorted)")
        }
        var supply: UInt64 = 0
        for account in accounts {
            supply = try Checked.add(supply, account.balance, "genesis supply")
            supply = try Checked.add(supply, account.stake, "genesis supply")
        }
        let p = parameters
        guard p.miningEpochLength > 0, p.minStake > 0, p.maxTransactionBytes >= 128,
            p.maxBlockBytes >= p.maxTransactionBytes, p.mempoolCapacity > 0,
            p.equivocationSlashRate >= .zero, p.equivocationSlashRate <= .one
        else {
            throw LedgerError(.invalidGenesis, "parameters out of range: \(p)")
        }
        guard accounts.contains(where: { $0.stake >= p.minStake }) else {
            throw LedgerError(.invalidGenesis, "no account stakes minStake \(p.minStake): the chain has no validator")
        }
    }

    public init(from decoder: inout CanonicalDecoder) throws(CodecError) {
        chainID = try decoder.decode(String.self, maxLength: UnsignedTransaction.maxChainIDBytes)
        genesisTimeMilliseconds = try decoder.decode()
        accounts = try decoder.decodeArray(maxCount: Self.maxAccounts)
        parameters = try decoder.decode()
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.encode(chainID)
        encoder.encode(genesisTimeMilliseconds)
        encoder.encode(accounts)
        encoder.encode(parameters)
    }
}
