import HMNPrimitives

/// How often the mesh runs lazy announcements and digest repair (SPEC §9): low λ (turbulent)
/// gossips fast so replicas resync quickly; high λ (calm) gossips rarely to save bandwidth.
/// Eager pushes of new records are not paced: they always go out at once.
public enum GossipPace: UInt8, Hashable, Sendable, CaseIterable, CanonicalCodable {
    /// `λ < gossipHighBelow` (default 0.5): shortest interval (default 10 ms).
    case high = 1
    /// `gossipHighBelow ≤ λ < gossipMediumBelow` (default 0.8): default 50 ms.
    case medium = 2
    /// `λ ≥ gossipMediumBelow`: longest interval (default 250 ms).
    case low = 3

    /// The tier for a λ.
    public init(lambda: FixedPoint, parameters: CoherenceParameters) {
        if lambda < parameters.gossipHighBelow {
            self = .high
        } else if lambda < parameters.gossipMediumBelow {
            self = .medium
        } else {
            self = .low
        }
    }

    /// The tier's gossip interval in milliseconds.
    public func intervalMilliseconds(parameters: CoherenceParameters) -> UInt64 {
        switch self {
        case .high: parameters.gossipHighIntervalMilliseconds
        case .medium: parameters.gossipMediumIntervalMilliseconds
        case .low: parameters.gossipLowIntervalMilliseconds
        }
    }

    public init(from decoder: inout CanonicalDecoder) throws(CodecError) {
        let start = decoder.offset
        let tag = try decoder.decode(UInt8.self)
        guard let pace = GossipPace(rawValue: tag) else {
            throw CodecError(.unknownTag, offset: start, "unknown gossip pace \(tag)")
        }
        self = pace
    }

    public func encode(to encoder: inout CanonicalEncoder) { encoder.encode(rawValue) }
}
