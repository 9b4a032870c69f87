import HMNPrimitives

/// A validator's CAL engine in miniature: it remembers the last heights' Ĉ, participation and
/// round counts, and asks its ``LambdaPolicy`` for the λ proposal of the next precommit.
///
/// The consensus layer (or the simulator) calls ``record(_:rounds:)`` after each finalized block
/// and ``propose(gossipBacklog:mempoolSize:)`` when it builds its vote extension. Pure value type:
/// no clock, no I/O; the backlog and mempool figures are passed in by the shell that knows them.
public struct LambdaProposer: Sendable {
    /// The policy in use; any conforming type, including one written outside this module.
    public var policy: any LambdaPolicy
    /// How many heights of history the observation carries.
    public let window: Int
    public let parameters: CoherenceParameters

    public private(set) var coherenceHistory: [Double] = []
    public private(set) var participationHistory: [Double] = []
    public private(set) var roundsHistory: [UInt32] = []
    /// The chain's λ after the last recorded block.
    public private(set) var currentLambda: FixedPoint

    /// - Throws: ``CoherenceError/Code/invalidParameter`` when `window < 1`.
    public init(
        policy: any LambdaPolicy, window: Int = 16, parameters: CoherenceParameters,
        state: CoherenceState? = nil
    ) throws(CoherenceError) {
        guard window >= 1 else {
            throw CoherenceError(.invalidParameter, "proposer window must be ≥ 1, got \(window)")
        }
        self.policy = policy
        self.window = window
        self.parameters = parameters
        self.currentLambda = state?.lambda ?? parameters.initialLambda
        if let state { coherenceHistory = [state.coherence.doubleValue] }
    }

    /// Records one finalized block: its outcome and how many rounds its height needed.
    public mutating func record(_ outcome: CoherenceOutcome, rounds: UInt32) {
        Self.append(outcome.coherence.doubleValue, to: &coherenceHistory, window: window)
        if let participation = outcome.participation {
            Self.append(participation.doubleValue, to: &participationHistory, window: window)
        }
        Self.append(rounds, to: &roundsHistory, window: window)
        currentLambda = outcome.lambda
    }

    /// The λ proposal for this validator's next precommit.
    ///
    /// - Throws: ``CoherenceError/Code/invalidObservation`` for a negative backlog or mempool size,
    ///   ``CoherenceError/Code/invalidPolicyOutput`` when the policy returns NaN or an infinity.
    public mutating func propose(gossipBacklog: Int = 0, mempoolSize: Int = 0) throws(CoherenceError) -> FixedPoint {
        let observation = try LambdaObservation(
            coherenceHistory: coherenceHistory.isEmpty ? [1.0] : coherenceHistory,
            participation: participationHistory, roundsOfLastHeights: roundsHistory,
            gossipBacklog: gossipBacklog, mempoolSize: mempoolSize,
            currentLambda: currentLambda.doubleValue, parameters: parameters)
        return try policy.proposeLambda(observation)
    }

    private static func append<T>(_ value: T, to history: inout [T], window: Int) {
        history.append(value)
        if history.count > window { history.removeFirst(history.count - window) }
    }
}
