import HMNPrimitives

/// Layer-2 record of one validator: its score Ψ (SPEC §4).
public struct ValidatorCoherence: Hashable, Sendable, CanonicalCodable {
    public var publicKey: PublicKey
    /// Ψ in [0, 1].
    public var psi: FixedPoint
    /// True once the validator has appeared in a block's validator set. A joined validator is
    /// inactive (kept at its starting Ψ, never scored) until then; an active validator that no
    /// longer appears in the set has left and its record is dropped.
    public var active: Bool

    public init(publicKey: PublicKey, psi: FixedPoint, active: Bool) {
        self.publicKey = publicKey
        self.psi = psi
        self.active = active
    }

    public init(from decoder: inout CanonicalDecoder) throws(CodecError) {
        publicKey = try decoder.decode()
        let start = decoder.offset
        psi = try decoder.decode()
        active = try decoder.decode()
        guard (FixedPoint.zero...FixedPoint.one).contains(psi) else {
            throw CodecError(.invalidValue, offset: start, "Ψ \(psi) of \(publicKey.short) is outside [0, 1]")
        }
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.encode(publicKey)
        encoder.encode(psi)
        encoder.encode(active)
    }
}
