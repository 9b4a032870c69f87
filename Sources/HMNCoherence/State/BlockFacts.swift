import HMNPrimitives

/// The finalized Layer-1 data of one block that the Layer-2 transition reads (SPEC §1, §3).
///
/// Everything here already exists in the consensus layer and the ledger as HMNPrimitives types:
/// the block's height and time, the validator set whose precommits its last commit holds, the last
/// commit itself (signers, λ proposals, shard digests), the equivocators proven by committed
/// `DuplicateVoteEvidence`, validators that joined, their stakes, and the memory proofs it commits.
/// Lists are kept sorted by key so one set of facts has one canonical encoding.
public struct BlockFacts: Hashable, Sendable {
    /// Most entries per list when decoding.
    public static let maxEntries = CoherenceState.maxValidators

    /// The block's height, `state.height + 1`.
    public var height: UInt64
    /// The block's time in milliseconds since the Unix epoch (virtual in simulation); non-decreasing.
    public var timeMilliseconds: UInt64
    /// The validator set that signed the last commit, with voting powers. Non-empty, unique keys.
    public var validators: [ValidatorPower]
    /// The precommits for height − 1 the block carries; nil only at height 1.
    public var lastCommit: CommitCertificate?
    /// Validators proven to have equivocated by evidence committed in this block.
    public var equivocators: [PublicKey]
    /// Validators added to the set by this block (their Ψ starts at `joinPsi`; they are scored once
    /// they appear in ``validators``).
    public var joined: [PublicKey]
    /// Bonded stake per validator at the start of the block, for slash, boost and exit amounts;
    /// nil means stake = voting power. When present it covers exactly the keys of ``validators``.
    public var stakes: [ValidatorPower]?
    /// Critical memory proofs committed in this block, in block order (T1 rewards).
    public var memoryProofs: [MemoryProofFact]

    public init(
        height: UInt64, timeMilliseconds: UInt64, validators: [ValidatorPower], lastCommit: CommitCertificate?,
        equivocators: [PublicKey] = [], joined: [PublicKey] = [], stakes: [ValidatorPower]? = nil,
        memoryProofs: [MemoryProofFact] = []
    ) {
        self.height = height
        self.timeMilliseconds = timeMilliseconds
        self.validators = validators.sorted { $0.publicKey < $1.publicKey }
        self.lastCommit = lastCommit
        self.equivocators = equivocators.sorted()
        self.joined = joined.sorted()
        self.stakes = stakes?.sorted { $0.publicKey < $1.publicKey }
        self.memoryProofs = memoryProofs
    }

    /// Facts whose equivocators come from the evidence committed in the block.
    public init(
        height: UInt64, timeMilliseconds: UInt64, validators: [ValidatorPower], lastCommit: CommitCertificate?,
        evidence: [DuplicateVoteEvidence], joined: [PublicKey] = [], stakes: [ValidatorPower]? = nil,
        memoryProofs: [MemoryProofFact] = []
    ) {
        self.init(
            height: height, timeMilliseconds: timeMilliseconds, validators: validators, lastCommit: lastCommit,
            equivocators: Array(Set(evidence.map(\.validator))), joined: joined, stakes: stakes,
            memoryProofs: memoryProofs)
    }
}

extension BlockFacts: CanonicalCodable {
    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.encode(height)
        encoder.encode(timeMilliseconds)
        encoder.encode(validators)
        encoder.encode(lastCommit)
        encoder.encode(equivocators)
        encoder.encode(joined)
        encoder.encode(stakes.map { StakeList(entries: $0) })
        encoder.encode(memoryProofs)
    }

    public init(from decoder: inout CanonicalDecoder) throws(CodecError) {
        height = try decoder.decode()
        timeMilliseconds = try decoder.decode()
        let start = decoder.offset
        validators = try decoder.decodeArray(maxCount: Self.maxEntries)
        lastCommit = try decoder.decodeOptional()
        equivocators = try decoder.decodeArray(maxCount: Self.maxEntries)
        joined = try decoder.decodeArray(maxCount: Self.maxEntries)
        stakes = try decoder.decodeOptional(StakeList.self)?.entries
        memoryProofs = try decoder.decodeArray(maxCount: Self.maxEntries)
        let sortedKeys = { (keys: [PublicKey]) in zip(keys, keys.dropFirst()).allSatisfy { $0 < $1 } }
        guard sortedKeys(validators.map(\.publicKey)), sortedKeys(equivocators), sortedKeys(joined),
            sortedKeys((stakes ?? []).map(\.publicKey))
        else {
            throw CodecError(.invalidValue, offset: start, "block facts lists must be strictly sorted by key")
        }
    }
}

/// `[ValidatorPower]` as one codable value, so `stakes` can be an encoded optional.
private struct StakeList: CanonicalCodable {
    var entries: [ValidatorPower]

    init(entries: [ValidatorPower]) { self.entries = entries }

    init(from decoder: inout CanonicalDecoder) throws(CodecError) {
        entries = try decoder.decodeArray(maxCount: BlockFacts.maxEntries)
    }

    func encode(to encoder: inout CanonicalEncoder) { encoder.encode(entries) }
}
