import HMNPrimitives

/// The Layer-2 state (SPEC §1): Ĉ, λ, every validator's Ψ, the pending emergency plan and the
/// mint bookkeeping. It is a pure value: ``applying(_:parameters:)`` maps it and one block's
/// ``BlockFacts`` to the next state and a ``CoherenceOutcome``, without I/O or a clock, so every
/// node that holds the same chain holds the same state bit for bit. Its canonical encoding is
/// versioned and its hash, ``root``, is the L2 root that block headers commit to.
public struct CoherenceState: Hashable, Sendable {
    /// Most validator records a state holds (and a decoder accepts).
    public static let maxValidators = 10_000

    /// Height of the last applied block (0 at genesis).
    public internal(set) var height: UInt64
    /// Time of the last applied block, in milliseconds.
    public internal(set) var timeMilliseconds: UInt64
    /// λ(h).
    public internal(set) var lambda: FixedPoint
    /// Ĉ(h), the coherence density.
    public internal(set) var coherence: FixedPoint
    /// Sorted by key, unique.
    public internal(set) var validators: [ValidatorCoherence]
    /// The most recent emergency height, if any (for the cooldown).
    public internal(set) var lastEmergencyHeight: UInt64?
    /// Actions the next height must carry when it is an emergency height.
    public internal(set) var pendingEmergency: EmergencyPlan?
    /// T1 paid so far in the current mining epoch, in base units.
    public internal(set) var t1PaidInEpoch: UInt64
    /// T0 entitlements of the last closed mining epoch (what a Mint T0 transaction must equal).
    public internal(set) var t0Entitlements: [MintAward]

    /// The state before block 1: Ĉ(0) = 1, λ(0) = `initialLambda`, Ψ = `genesisPsi` for each
    /// genesis validator (active from the start).
    ///
    /// - Throws: ``CoherenceError/Code/emptyValidatorSet`` or ``CoherenceError/Code/duplicateValidator``.
    public static func genesis(
        validators keys: [PublicKey], timeMilliseconds: UInt64 = 0, parameters: CoherenceParameters
    ) throws(CoherenceError) -> CoherenceState {
        guard !keys.isEmpty else { throw CoherenceError(.emptyValidatorSet, "genesis needs at least one validator") }
        guard keys.count <= maxValidators else {
            throw CoherenceError(.invalidState, "genesis has \(keys.count) validators, limit \(maxValidators)")
        }
        let sorted = keys.sorted()
        if let duplicate = zip(sorted, sorted.dropFirst()).first(where: { $0 == $1 }) {
            throw CoherenceError(.duplicateValidator, "genesis lists \(duplicate.0.short) twice")
        }
        return CoherenceState(
            height: 0, timeMilliseconds: timeMilliseconds, lambda: parameters.initialLambda, coherence: .one,
            validators: sorted.map { ValidatorCoherence(publicKey: $0, psi: parameters.genesisPsi, active: true) },
            lastEmergencyHeight: nil, pendingEmergency: nil, t1PaidInEpoch: 0, t0Entitlements: [])
    }

    init(
        height: UInt64, timeMilliseconds: UInt64, lambda: FixedPoint, coherence: FixedPoint,
        validators: [ValidatorCoherence], lastEmergencyHeight: UInt64?, pendingEmergency: EmergencyPlan?,
        t1PaidInEpoch: UInt64, t0Entitlements: [MintAward]
    ) {
        self.height = height
        self.timeMilliseconds = timeMilliseconds
        self.lambda = lambda
        self.coherence = coherence
        self.validators = validators
        self.lastEmergencyHeight = lastEmergencyHeight
        self.pendingEmergency = pendingEmergency
        self.t1PaidInEpoch = t1PaidInEpoch
        self.t0Entitlements = t0Entitlements
    }

    /// The L2 root: BLAKE2b-256 of the canonical encoding (which starts with a version tag).
    public var root: Hash256 { canonicalHash }

    /// Ψ of a validator, or nil if it has no record.
    public func psi(of key: PublicKey) -> FixedPoint? {
        record(of: key)?.psi
    }

    /// The record of a validator (binary search over the sorted records).
    public func record(of key: PublicKey) -> ValidatorCoherence? {
        var low = 0
        var high = validators.count
        while low < high {
            let middle = (low + high) / 2
            if validators[middle].publicKey < key { low = middle + 1 } else { high = middle }
        }
        return low < validators.count && validators[low].publicKey == key ? validators[low] : nil
    }

    /// True when the next height is an emergency height.
    public var nextHeightIsEmergency: Bool { pendingEmergency?.height == height + 1 }
}
