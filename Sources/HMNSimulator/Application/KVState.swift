import HMNPrimitives

/// One key-value entry of ``KVState``.
public struct KVEntry: Hashable, Sendable, CanonicalCodable {
    public var key: String
    public var value: String

    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }

    public init(from decoder: inout CanonicalDecoder) throws(CodecError) {
        key = try decoder.decode(String.self, maxLength: 64)
        value = try decoder.decode(String.self, maxLength: 128)
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.encode(key)
        encoder.encode(value)
    }
}

/// A validator's score Ψ (SPEC §4) in the test application.
public struct KVScore: Hashable, Sendable, CanonicalCodable {
    public var validator: PublicKey
    public var psi: FixedPoint

    public init(validator: PublicKey, psi: FixedPoint) {
        self.validator = validator
        self.psi = psi
    }

    public init(from decoder: inout CanonicalDecoder) throws(CodecError) {
        validator = try decoder.decode()
        psi = try decoder.decode()
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.encode(validator)
        encoder.encode(psi)
    }
}

/// The validator set that signed one height (kept to verify last commits and evidence).
public struct KVHeightValidators: Hashable, Sendable, CanonicalCodable {
    public var height: UInt64
    public var validators: [ValidatorPower]

    public init(height: UInt64, validators: [ValidatorPower]) {
        self.height = height
        self.validators = validators
    }

    public init(from decoder: inout CanonicalDecoder) throws(CodecError) {
        height = try decoder.decode()
        validators = try decoder.decodeArray(maxCount: 10_000)
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.encode(height)
        encoder.encode(validators)
    }
}

/// Everything ``KVApplication`` has committed; its canonical hash is the app hash.
public struct KVState: Hashable, Sendable, CanonicalCodable {
    public var chainID: String
    public var height: UInt64 = 0
    public var lastBlockID: Hash256 = .zero
    public var entries: [KVEntry] = []
    /// Validators of `height + 1` and `height + 2`.
    public var validators: [ValidatorPower]
    public var nextValidators: [ValidatorPower]
    public var history: [KVHeightValidators] = []
    public var scores: [KVScore]
    public var coherence: FixedPoint = .one
    public var lambda: FixedPoint = .one
    public var nextBlockDelayMilliseconds: UInt64
    public var nextIsEmergency = false
    public var requiredActions: [EmergencyAction] = []
    public var emergencyCooldownUntil: UInt64 = 0
    /// Committed equivocations (pruned after the evidence age), so one offence is punished once.
    public var committedEvidence: [DuplicateVoteEvidence] = []
    public var emergencyHeights: [UInt64] = []
    public var slashedByEvidence: [PublicKey] = []

    init(chainID: String, genesis: [ValidatorPower], delayMilliseconds: UInt64) {
        self.chainID = chainID
        let sorted = genesis.sorted { $0.publicKey < $1.publicKey }
        validators = sorted
        nextValidators = sorted
        scores = sorted.map { KVScore(validator: $0.publicKey, psi: .one) }
        nextBlockDelayMilliseconds = delayMilliseconds
    }

    func validators(atHeight height: UInt64) -> [ValidatorPower]? {
        history.first { $0.height == height }?.validators
    }

    func psi(of key: PublicKey) -> FixedPoint? { scores.first { $0.validator == key }?.psi }

    public init(from decoder: inout CanonicalDecoder) throws(CodecError) {
        chainID = try decoder.decode(String.self, maxLength: 256)
        height = try decoder.decode()
        lastBlockID = try decoder.decode()
        entries = try decoder.decodeArray(maxCount: 100_000)
        validators = try decoder.decodeArray(maxCount: 10_000)
        nextValidators = try decoder.decodeArray(maxCount: 10_000)
        history = try decoder.decodeArray(maxCount: 10_000)
        scores = try decoder.decodeArray(maxCount: 100_000)
        coherence = try decoder.decode()
        lambda = try decoder.decode()
        nextBlockDelayMilliseconds = try decoder.decode()
        nextIsEmergency = try decoder.decode()
        requiredActions = try decoder.decodeArray(maxCount: KVBlock.maxActions)
        emergencyCooldownUntil = try decoder.decode()
        committedEvidence = try decoder.decodeArray(maxCount: 10_000)
        let count = try decoder.decodeLength(limit: 100_000, what: "emergency heights")
        var heights: [UInt64] = []
        for _ in 0..<count { heights.append(try decoder.decode(UInt64.self)) }
        emergencyHeights = heights
        slashedByEvidence = try decoder.decodeArray(maxCount: 10_000)
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.encode(chainID)
        encoder.encode(height)
        encoder.encode(lastBlockID)
        encoder.encode(entries)
        encoder.encode(validators)
        encoder.encode(nextValidators)
        encoder.encode(history)
        encoder.encode(scores)
        encoder.encode(coherence)
        encoder.encode(lambda)
        encoder.encode(nextBlockDelayMilliseconds)
        encoder.encode(nextIsEmergency)
        encoder.encode(requiredActions)
        encoder.encode(emergencyCooldownUntil)
        encoder.encode(committedEvidence)
        encoder.encode(UInt32(emergencyHeights.count))
        for height in emergencyHeights { encoder.encode(height) }
        encoder.encode(slashedByEvidence)
    }
}
