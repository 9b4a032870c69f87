import HMNPrimitives

/// One stake change an emergency block must carry (SPEC §6), or an equivocation slash (SPEC §4).
///
/// Lists of actions are sorted by validator key, then kind, so one list has one encoding and
/// honest validators can compare a proposal's list with their own byte for byte.
public struct EmergencyAction: Hashable, Sendable, Comparable, CanonicalCodable {
    public enum Kind: UInt8, Hashable, Sendable, CanonicalCodable {
        /// Stake removed: `stake × slashRate × (1 − Ψ/ψlow)`.
        case slash = 1
        /// T4 boost minted to the validator: `stake × boostRate × (Ψ − ψhigh)/(1 − ψhigh)`.
        case boost = 2

        public init(from decoder: inout CanonicalDecoder) throws(CodecError) {
            let start = decoder.offset
            let tag = try decoder.decode(UInt8.self)
            guard let kind = Kind(rawValue: tag) else {
                throw CodecError(.unknownTag, offset: start, "unknown emergency action kind \(tag)")
            }
            self = kind
        }

        public func encode(to encoder: inout CanonicalEncoder) { encoder.encode(rawValue) }
    }

    public var validator: PublicKey
    public var kind: Kind
    /// In base units.
    public var amount: UInt64

    public init(validator: PublicKey, kind: Kind, amount: UInt64) {
        self.validator = validator
        self.kind = kind
        self.amount = amount
    }

    public static func < (lhs: EmergencyAction, rhs: EmergencyAction) -> Bool {
        if lhs.validator != rhs.validator { return lhs.validator < rhs.validator }
        return lhs.kind.rawValue < rhs.kind.rawValue
    }

    public init(from decoder: inout CanonicalDecoder) throws(CodecError) {
        validator = try decoder.decode()
        kind = try decoder.decode()
        amount = try decoder.decode()
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.encode(validator)
        encoder.encode(kind)
        encoder.encode(amount)
    }
}

/// The actions decided at height `height − 1` for the emergency height `height`.
public struct EmergencyPlan: Hashable, Sendable, CanonicalCodable {
    /// Most actions a plan can hold when decoding (two per validator).
    public static let maxActions = 2 * CoherenceState.maxValidators

    /// The emergency height these actions belong to.
    public var height: UInt64
    /// Sorted (see ``EmergencyAction``).
    public var actions: [EmergencyAction]

    public init(height: UInt64, actions: [EmergencyAction]) {
        self.height = height
        self.actions = actions.sorted()
    }

    public init(from decoder: inout CanonicalDecoder) throws(CodecError) {
        height = try decoder.decode()
        let start = decoder.offset
        actions = try decoder.decodeArray(maxCount: Self.maxActions)
        guard zip(actions, actions.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw CodecError(.invalidValue, offset: start, "emergency actions must be strictly sorted")
        }
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.encode(height)
        encoder.encode(actions)
    }
}
