/// A validator and its voting power (its bonded stake, in base units).
public struct ValidatorPower: Hashable, Sendable, CanonicalCodable {
    public var publicKey: PublicKey
    /// Voting power; 0 in an update removes the validator.
    public var power: UInt64

    public init(publicKey: PublicKey, power: UInt64) {
        self.publicKey = publicKey
        self.power = power
    }

    public init(from decoder: inout CanonicalDecoder) throws(CodecError) {
        publicKey = try decoder.decode()
        power = try decoder.decode()
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.encode(publicKey)
        encoder.encode(power)
    }
}

extension Array where Element == ValidatorPower {
    /// Σ power, or nil if it overflows `UInt64` (a configuration error callers must report).
    public var totalPower: UInt64? {
        var total: UInt64 = 0
        for validator in self {
            let (sum, overflow) = total.addingReportingOverflow(validator.power)
            if overflow { return nil }
            total = sum
        }
        return total
    }
}
