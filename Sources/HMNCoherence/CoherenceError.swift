/// Why a coherence computation refused its input.
///
/// Every rejection is typed and names the field at fault; nothing is clamped silently and a
/// refused call changes nothing (all transitions are pure functions of their arguments).
public struct CoherenceError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A stable, machine-readable reason.
    public enum Code: String, Hashable, Sendable {
        /// A ``CoherenceParameters`` field is outside its documented range or out of order.
        case invalidParameter
        /// A policy observation holds NaN, an infinity or an out-of-range value.
        case invalidObservation
        /// A λ policy returned NaN or an infinity.
        case invalidPolicyOutput
        /// The block's validator set is empty.
        case emptyValidatorSet
        /// The total voting power (or stake) does not fit in `UInt64`.
        case powerOverflow
        /// A validator key appears twice where keys must be unique.
        case duplicateValidator
        /// A key (signer, equivocator, stake holder, …) is not a known validator.
        case unknownValidator
        /// The facts do not follow the state (wrong height, time going backwards, missing commit, …).
        case inconsistentFacts
        /// A memory-record input (importance, replicas, time, proof value) is invalid.
        case invalidRecord
        /// A proposal carries an emergency action list other than the one the chain implies.
        case emergencyActionMismatch
        /// A genesis or decoded state breaks an invariant (unsorted validators, Ψ outside [0, 1], …).
        case invalidState
    }

    public var code: Code
    /// What was wrong, naming the field and value involved.
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "CoherenceError.\(code.rawValue): \(message)" }
}
