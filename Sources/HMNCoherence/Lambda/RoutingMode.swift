import HMNPrimitives

/// How a mesh query is routed (SPEC §9).
public enum RoutingMode: UInt8, Hashable, Sendable, CaseIterable {
    /// `λ ≥ directRoutingFrom` (default 0.7): the query goes to its optimal shard only.
    case direct = 1
    /// `λ < directRoutingFrom`: when the optimal shard's answer is poor, related shards may be
    /// queried too and the results merged.
    case fallbackAllowed = 2

    /// The mode for a λ.
    public init(lambda: FixedPoint, parameters: CoherenceParameters) {
        self = lambda >= parameters.directRoutingFrom ? .direct : .fallbackAllowed
    }
}
