import HMNPrimitives

extension CoherenceState: CanonicalCodable {
    static let versionTag = "hmn/l2-state/v1"

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.encode(Self.versionTag)
        encoder.encode(height)
        encoder.encode(timeMilliseconds)
        encoder.encode(lambda)
        encoder.encode(coherence)
        encoder.encode(validators)
        encoder.encode(lastEmergencyHeight != nil)
        encoder.encode(lastEmergencyHeight ?? 0)
        encoder.encode(pendingEmergency)
        encoder.encode(t1PaidInEpoch)
        encoder.encode(t0Entitlements)
    }

    /// Decodes and checks the invariants: sorted unique validators, Ψ and Ĉ in [0, 1], λ > 0.
    public init(from decoder: inout CanonicalDecoder) throws(CodecError) {
        let start = decoder.offset
        let tag = try decoder.decode(String.self, maxLength: 64)
        guard tag == Self.versionTag else {
            throw CodecError(.unknownTag, offset: start, "unknown L2 state version \(tag)")
        }
        height = try decoder.decode()
        timeMilliseconds = try decoder.decode()
        lambda = try decoder.decode()
        coherence = try decoder.decode()
        let validatorsStart = decoder.offset
        validators = try decoder.decodeArray(maxCount: Self.maxValidators)
        let hasEmergency: Bool = try decoder.decode()
        let emergencyHeight: UInt64 = try decoder.decode()
        lastEmergencyHeight = hasEmergency ? emergencyHeight : nil
        pendingEmergency = try decoder.decodeOptional()
        t1PaidInEpoch = try decoder.decode()
        t0Entitlements = try decoder.decodeArray(maxCount: Self.maxValidators)
        guard zip(validators, validators.dropFirst()).allSatisfy({ $0.publicKey < $1.publicKey }) else {
            throw CodecError(.invalidValue, offset: validatorsStart, "validator records must be strictly sorted")
        }
        guard (FixedPoint.zero...FixedPoint.one).contains(coherence), lambda > .zero else {
            throw CodecError(.invalidValue, offset: start, "Ĉ \(coherence) outside [0, 1] or λ \(lambda) ≤ 0")
        }
        guard hasEmergency || emergencyHeight == 0 else {
            throw CodecError(.invalidValue, offset: start, "absent emergency height must encode as 0")
        }
    }
}
