/// What a validator's CAL engine knows locally when it proposes λ (SPEC §5).
///
/// Policies run locally, so the observation uses `Double`; only the proposal that goes into the
/// vote is fixed-point (see ``LambdaPolicy/proposeLambda(_:)``). Construction rejects NaN,
/// infinities and out-of-range values with ``CoherenceError/Code/invalidObservation``, so a policy
/// never sees garbage.
public struct LambdaObservation: Hashable, Sendable {
    /// Ĉ of recent heights, oldest first; the last element is the newest. Non-empty, each in [0, 1].
    public let coherenceHistory: [Double]
    /// Share of the voting power that signed each recent commit, oldest first; each in [0, 1].
    public let participation: [Double]
    /// Consensus rounds each recent height needed (0 = decided in the first round), oldest first.
    public let roundsOfLastHeights: [UInt32]
    /// Records waiting to be gossiped by this node.
    public let gossipBacklog: Int
    /// Transactions waiting in this node's mempool.
    public let mempoolSize: Int
    /// The chain's current λ (the last block's), in `lambdaRange`.
    public let currentLambda: Double
    /// `[λmin, λmax]` of the chain's parameters.
    public let lambdaRange: ClosedRange<Double>

    public init(
        coherenceHistory: [Double],
        participation: [Double] = [],
        roundsOfLastHeights: [UInt32] = [],
        gossipBacklog: Int = 0,
        mempoolSize: Int = 0,
        currentLambda: Double,
        parameters: CoherenceParameters = .standard
    ) throws(CoherenceError) {
        guard !coherenceHistory.isEmpty else {
            throw CoherenceError(.invalidObservation, "coherenceHistory must hold at least the latest Ĉ")
        }
        for (index, value) in coherenceHistory.enumerated() where !(value.isFinite && (0...1).contains(value)) {
            throw CoherenceError(
                .invalidObservation, "coherenceHistory[\(index)] = \(value) is not a finite value in [0, 1]")
        }
        for (index, value) in participation.enumerated() where !(value.isFinite && (0...1).contains(value)) {
            throw CoherenceError(
                .invalidObservation, "participation[\(index)] = \(value) is not a finite value in [0, 1]")
        }
        guard gossipBacklog >= 0 else {
            throw CoherenceError(.invalidObservation, "gossipBacklog must be ≥ 0, got \(gossipBacklog)")
        }
        guard mempoolSize >= 0 else {
            throw CoherenceError(.invalidObservation, "mempoolSize must be ≥ 0, got \(mempoolSize)")
        }
        let range = parameters.lambdaMin.doubleValue...parameters.lambdaMax.doubleValue
        guard currentLambda.isFinite, range.contains(currentLambda) else {
            throw CoherenceError(.invalidObservation, "currentLambda \(currentLambda) is not finite and in \(range)")
        }
        self.coherenceHistory = coherenceHistory
        self.participation = participation
        self.roundsOfLastHeights = roundsOfLastHeights
        self.gossipBacklog = gossipBacklog
        self.mempoolSize = mempoolSize
        self.currentLambda = currentLambda
        self.lambdaRange = range
    }

    /// The newest Ĉ.
    public var latestCoherence: Double { coherenceHistory[coherenceHistory.count - 1] }

    /// The Ĉ before the newest, or the newest if there is only one.
    public var previousCoherence: Double {
        coherenceHistory.count >= 2 ? coherenceHistory[coherenceHistory.count - 2] : latestCoherence
    }
}
