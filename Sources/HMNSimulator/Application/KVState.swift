import HMNCoherence
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
    /// The exact Layer-2 state (Ĉ, λ, Ψ, the pending emergency plan), advanced by
    /// `CoherenceState.applying` on every block and encoded here, so the app hash covers it.
    public var coherenceState: CoherenceState
    public var nextBlockDelayMilliseconds: UInt64
    /// Committed equivocations (pruned after the evidence age), so one offence is punished once.
    public var committedEvidence: [DuplicateVoteEvidence] = []
    public var emergencyHeights: [UInt64] = []
    public var slashedByEvidence: [PublicKey] = []

    init(chainID: String, genesis: [ValidatorPower], parameters: CoherenceParameters) throws(CoherenceError) {
        self.chainID = chainID
        let sorted = genesis.sorted { $0.publicKey < $1.publicKey }
        validators = sorted
        nextValidators = sorted
        coherenceState = try CoherenceState.genesis(validators: sorted.map(\.publicKey), parameters: parameters)
        nextBlockDelayMilliseconds = EpochDelay.milliseconds(lambda: parameters.initialLambda, parameters: parameters)
    }

    /// Ĉ after the last block.
    public var coherence: FixedPoint { coherenceState.coherence }
    /// λ after the last block.
    public var lambda: FixedPoint { coherenceState.lambda }
    /// Whether `height + 1` is an emergency height.
    public var nextIsEmergency: Bool { coherenceState.nextHeightIsEmergency }
    /// The exact actions block `height + 1` must carry (empty unless it is an emergency height).
    public var requiredActions: [EmergencyAction] {
        coherenceState.requiredEmergencyActions(atHeight: height + 1).map {
            EmergencyAction(kind: $0.kind == .slash ? .slash : .boost, validator: $0.validator, amount: $0.amount)
        }
    }

    func validators(atHeight height: UInt64) -> [ValidatorPower]? {
        history.first { $0.height == height }?.validators
    }

    func psi(of key: PublicKey) -> FixedPoint? { coherenceState.psi(of: key) }

    public init(from decoder: inout CanonicalDecoder) throws(CodecError) {
        chainID = try decoder.decode(String.self, maxLength: 256)
        height = try decoder.decode()
        lastBlockID = try decoder.decode()
        entries = try decoder.decodeArray(maxCount: 100_000)
        validators = try decoder.decodeArray(maxCount: 10_000)
        nextValidators = try decoder.decodeArray(maxCount: 10_000)
        history = try decoder.decodeArray(maxCount: 10_000)
        coherenceState = try decoder.decode()
        nextBlockDelayMilliseconds = try decoder.decode()
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
        encoder.encode(coherenceState)
        encoder.encode(nextBlockDelayMilliseconds)
        encoder.encode(committedEvidence)
        encoder.encode(UInt32(emergencyHeights.count))
        for height in emergencyHeights { encoder.encode(height) }
        encoder.encode(slashedByEvidence)
    }
}
