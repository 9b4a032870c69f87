import HMNPrimitives

/// A Layer-2 action a block must carry at an emergency height (SPEC §6): a slash of a low-Ψ
/// validator's stake, or a T4 boost minted to a high-Ψ validator's balance.
///
/// The list is not chosen by the proposer: every node recomputes it through its
/// ``Layer2Engine`` and rejects a block whose list differs in any way.
public enum Layer2Action: Hashable, Sendable, CanonicalCodable {
    /// Burns `amount` of the validator's stake.
    case slash(validator: PublicKey, amount: UInt64)
    /// Mints `amount` (tier T4) to the validator's balance.
    case boost(validator: PublicKey, amount: UInt64)

    /// Upper bound on actions per block, checked when decoding.
    public static let maxPerBlock = 10_000

    /// The validator the action concerns.
    public var validator: PublicKey {
        switch self {
        case .slash(let validator, _), .boost(let validator, _): validator
        }
    }

    public init(from decoder: inout CanonicalDecoder) throws(CodecError) {
        let start = decoder.offset
        switch try decoder.decode(UInt8.self) {
        case 1: self = .slash(validator: try decoder.decode(), amount: try decoder.decode())
        case 2: self = .boost(validator: try decoder.decode(), amount: try decoder.decode())
        case let tag: throw CodecError(.unknownTag, offset: start, "unknown Layer-2 action \(tag)")
        }
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        switch self {
        case .slash(let validator, let amount):
            encoder.encode(UInt8(1))
            encoder.encode(validator)
            encoder.encode(amount)
        case .boost(let validator, let amount):
            encoder.encode(UInt8(2))
            encoder.encode(validator)
            encoder.encode(amount)
        }
    }
}
