import HMNPrimitives

/// A committed memory proof of a critical record, as Layer 2 needs it for the T1 reward: who
/// proved it and the RΦV the proof states (which the ledger verified when it committed the proof).
public struct MemoryProofFact: Hashable, Sendable, CanonicalCodable {
    public var node: PublicKey
    /// The proof's RΦV; must be critical (≥ criticalValue) and ≤ 1.
    public var value: FixedPoint

    public init(node: PublicKey, value: FixedPoint) {
        self.node = node
        self.value = value
    }

    public init(from decoder: inout CanonicalDecoder) throws(CodecError) {
        node = try decoder.decode()
        value = try decoder.decode()
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.encode(node)
        encoder.encode(value)
    }
}
