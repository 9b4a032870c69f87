import HMNCoherence
import HMNLedger
import HMNPrimitives

/// `genesis.json`: the ledger's ``Genesis`` in JSON, plus the chain-wide coherence settings every
/// node must share (they shape λ's epoch delay, so two nodes with different values would disagree
/// about block timing, never about validity).
///
/// ```json
/// {
///   "chainID": "hmn-devnet",
///   "genesisTimeMilliseconds": 1767225600000,
///   "accounts": [{"publicKey": "<64 hex>", "balance": 1000000, "stake": 10000}],
///   "parameters": {"miningEpochLength": 10, "epochReward": 1000000, "minStake": 1000, ...},
///   "coherence": {"baseEpochMilliseconds": 1000, "minEpochMilliseconds": 50, "meshDigestSettleMilliseconds": 2000},
///   "mesh": {"shards": 4, "replicationFactor": 3}
/// }
/// ```
/// Missing `parameters` fields take ``LedgerParameters``' defaults; missing `coherence` fields the SPEC's
/// (and ``Coherence/defaultMeshDigestSettleMilliseconds``).
public struct GenesisDocument: Hashable, Sendable, Codable {
    public var chainID: String
    public var genesisTimeMilliseconds: UInt64
    public var accounts: [Account]
    public var parameters: Parameters
    public var coherence: Coherence
    /// The memory mesh's shards and replication (``Mesh``).
    public var mesh: Mesh

    public struct Account: Hashable, Sendable, Codable {
        /// Hex of the 32-byte Ed25519 public key.
        public var publicKey: String
        public var balance: UInt64
        public var stake: UInt64

        public init(publicKey: String, balance: UInt64, stake: UInt64) {
            self.publicKey = publicKey
            self.balance = balance
            self.stake = stake
        }
    }

    /// ``LedgerParameters`` in JSON; every field optional.
    public struct Parameters: Hashable, Sendable, Codable {
        public var maxTransactionBytes: UInt32?
        public var maxBlockBytes: UInt32?
        public var mempoolCapacity: UInt32?
        public var epochReward: UInt64?
        public var memoryProofReward: UInt64?
        public var minStake: UInt64?
        public var miningEpochLength: UInt64?
        /// Parts per million.
        public var equivocationSlashRatePPM: Int64?
        public var maxEvidenceAgeBlocks: UInt64?

        public init(_ p: LedgerParameters = LedgerParameters()) {
            maxTransactionBytes = p.maxTransactionBytes
            maxBlockBytes = p.maxBlockBytes
            mempoolCapacity = p.mempoolCapacity
            epochReward = p.epochReward
            memoryProofReward = p.memoryProofReward
            minStake = p.minStake
            miningEpochLength = p.miningEpochLength
            equivocationSlashRatePPM = p.equivocationSlashRate.raw
            maxEvidenceAgeBlocks = p.maxEvidenceAgeBlocks
        }

        public var ledgerParameters: LedgerParameters {
            let d = LedgerParameters()
            return LedgerParameters(
                maxTransactionBytes: maxTransactionBytes ?? d.maxTransactionBytes,
                maxBlockBytes: maxBlockBytes ?? d.maxBlockBytes, mempoolCapacity: mempoolCapacity ?? d.mempoolCapacity,
                epochReward: epochReward ?? d.epochReward, memoryProofReward: memoryProofReward ?? d.memoryProofReward,
                minStake: minStake ?? d.minStake, miningEpochLength: miningEpochLength ?? d.miningEpochLength,
                equivocationSlashRate: equivocationSlashRatePPM.map { FixedPoint(raw: $0) } ?? d.equivocationSlashRate,
                maxEvidenceAgeBlocks: maxEvidenceAgeBlocks ?? d.maxEvidenceAgeBlocks)
        }
    }

    /// Chain-wide coherence settings (SPEC §2 epoch delay, SPEC §3 shard digests); every field optional.
    public struct Coherence: Hashable, Sendable, Codable {
        /// Default of ``meshDigestSettleMilliseconds``: long enough for an eager push and a few
        /// gossip ticks on a loaded node, short enough that a lost record shows within seconds.
        public static let defaultMeshDigestSettleMilliseconds: UInt64 = 2_000
        /// Largest accepted ``meshDigestSettleMilliseconds`` (10 minutes): beyond it the digests
        /// would leave out most of what the mesh holds.
        public static let maxMeshDigestSettleMilliseconds: UInt64 = 600_000
        /// Largest accepted ``emptyBlockWaitMilliseconds`` (1 minute): Ĉ, λ and Ψ advance only with
        /// blocks, so an idle chain must still commit now and then.
        public static let maxEmptyBlockWaitMilliseconds: UInt64 = 60_000

        public var baseEpochMilliseconds: UInt64?
        public var minEpochMilliseconds: UInt64?
        /// How old a memory record must be, relative to the last committed block's time, to count in
        /// the shard digests a precommit carries (the cutoff is that block's time minus this).
        /// 0 counts every record up to the block's time. Default 2,000 ms.
        public var meshDigestSettleMilliseconds: UInt64?
        /// After the epoch delay, how long an idle chain waits for a transaction before it makes
        /// an empty block anyway (`ConsensusConfiguration.emptyBlockWaitMilliseconds`). Absent or 0:
        /// a height starts as soon as the epoch delay ends (SPEC §2). The low-latency profile sets
        /// 1,000 ms, so its idle chain makes about one block a second instead of a hundred.
        public var emptyBlockWaitMilliseconds: UInt64?

        public init(
            baseEpochMilliseconds: UInt64? = nil, minEpochMilliseconds: UInt64? = nil,
            meshDigestSettleMilliseconds: UInt64? = nil, emptyBlockWaitMilliseconds: UInt64? = nil
        ) {
            self.baseEpochMilliseconds = baseEpochMilliseconds
            self.minEpochMilliseconds = minEpochMilliseconds
            self.meshDigestSettleMilliseconds = meshDigestSettleMilliseconds
            self.emptyBlockWaitMilliseconds = emptyBlockWaitMilliseconds
        }
    }

    public init(
        chainID: String, genesisTimeMilliseconds: UInt64, accounts: [Account], parameters: Parameters = Parameters(),
        coherence: Coherence = Coherence(), mesh: Mesh = Mesh()
    ) {
        self.chainID = chainID
        self.genesisTimeMilliseconds = genesisTimeMilliseconds
        self.accounts = accounts
        self.parameters = parameters
        self.coherence = coherence
        self.mesh = mesh
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        chainID = try c.decode(String.self, forKey: .chainID)
        genesisTimeMilliseconds = try c.decode(UInt64.self, forKey: .genesisTimeMilliseconds)
        accounts = try c.decode([Account].self, forKey: .accounts)
        parameters = try c.decodeIfPresent(Parameters.self, forKey: .parameters) ?? Parameters()
        coherence = try c.decodeIfPresent(Coherence.self, forKey: .coherence) ?? Coherence()
        mesh = try c.decodeIfPresent(Mesh.self, forKey: .mesh) ?? Mesh()
    }

    /// The ledger genesis, validated.
    public func genesis() throws(NodeConfigurationError) -> Genesis {
        var accounts: [GenesisAccount] = []
        for (index, account) in self.accounts.enumerated() {
            let key: PublicKey
            do {
                key = try PublicKey(hex: account.publicKey)
            } catch {
                throw NodeConfigurationError(.invalidValue, "accounts[\(index)].publicKey: \(error.message)")
            }
            accounts.append(GenesisAccount(publicKey: key, balance: account.balance, stake: account.stake))
        }
        let genesis = Genesis(
            chainID: chainID, genesisTimeMilliseconds: genesisTimeMilliseconds, accounts: accounts,
            parameters: parameters.ledgerParameters)
        do {
            try genesis.validate()
        } catch {
            throw NodeConfigurationError(.invalidValue, "genesis: \(error.message)")
        }
        return genesis
    }

    /// The chain's coherence parameters: SPEC defaults, this document's overrides, aligned with
    /// the ledger's mining epoch, reward and minimum stake.
    public func coherenceParameters(base: CoherenceParameters = .standard) throws(NodeConfigurationError)
        -> CoherenceParameters
    {
        let ledger = parameters.ledgerParameters
        do {
            return try base.copy(
                baseEpochMilliseconds: coherence.baseEpochMilliseconds,
                minEpochMilliseconds: coherence.minEpochMilliseconds, miningEpochHeights: ledger.miningEpochLength,
                minStake: ledger.minStake, epochReward: ledger.epochReward)
        } catch {
            throw NodeConfigurationError(.invalidValue, "coherence parameters: \(error)")
        }
    }

    /// The chain's wait for a transaction after the epoch delay (``Coherence/emptyBlockWaitMilliseconds``),
    /// validated: 0…``Coherence/maxEmptyBlockWaitMilliseconds``.
    public func emptyBlockWaitMilliseconds() throws(NodeConfigurationError) -> UInt64 {
        let value = coherence.emptyBlockWaitMilliseconds ?? 0
        guard value <= Coherence.maxEmptyBlockWaitMilliseconds else {
            throw NodeConfigurationError(
                .invalidValue,
                "coherence.emptyBlockWaitMilliseconds must be in 0…\(Coherence.maxEmptyBlockWaitMilliseconds), "
                    + "got \(value)")
        }
        return value
    }

    /// The chain's settle window for shard digests (``Coherence/meshDigestSettleMilliseconds``),
    /// validated: 0…``Coherence/maxMeshDigestSettleMilliseconds``.
    public func meshDigestSettleMilliseconds() throws(NodeConfigurationError) -> UInt64 {
        let value = coherence.meshDigestSettleMilliseconds ?? Coherence.defaultMeshDigestSettleMilliseconds
        guard value <= Coherence.maxMeshDigestSettleMilliseconds else {
            throw NodeConfigurationError(
                .invalidValue,
                "coherence.meshDigestSettleMilliseconds must be in 0…\(Coherence.maxMeshDigestSettleMilliseconds), "
                    + "got \(value)")
        }
        return value
    }
}
