import HMNPrimitives

/// Timeouts and limits of the engine. Defaults suit a LAN; the simulator uses its own.
///
/// Round timeouts grow linearly with the round (Tendermint's `timeoutPropose(r) = base + r·delta`),
/// so after GST some round is long enough for an honest proposer to be heard. On an emergency
/// height (SPEC §6) every round timeout is scaled by ``emergencyTimeoutPercent``.
public struct ConsensusConfiguration: Hashable, Sendable {
    public var proposeTimeoutMilliseconds: UInt64 = 1_000
    public var proposeTimeoutDeltaMilliseconds: UInt64 = 500
    public var prevoteTimeoutMilliseconds: UInt64 = 500
    public var prevoteTimeoutDeltaMilliseconds: UInt64 = 250
    public var precommitTimeoutMilliseconds: UInt64 = 500
    public var precommitTimeoutDeltaMilliseconds: UInt64 = 250
    /// Round timeouts on an emergency height, in percent of the normal ones.
    public var emergencyTimeoutPercent: UInt64 = 25
    /// How often a node re-sends its own proposal and votes of the current round, standing in for
    /// CometBFT's gossip routines so that lost messages are repaired.
    public var gossipIntervalMilliseconds: UInt64 = 500
    /// Minimum time between two block-sync requests for the same height.
    public var syncRetryMilliseconds: UInt64 = 250
    public var maxBlockBytes: Int = 4 << 20
    /// Upper bound on one encoded message, checked before decoding anything else.
    public var maxMessageBytes: Int = 8 << 20
    /// Evidence older than this many heights is dropped from the pool.
    public var evidenceMaxAgeHeights: UInt64 = 100
    /// After the epoch delay, how long a height waits for a pending transaction before it starts
    /// with an empty block anyway (CometBFT's `create_empty_blocks = false` with
    /// `create_empty_blocks_interval`). 0, the default, never waits. An emergency height never
    /// waits, and a proposal or vote for the height from a peer ends the wait, so nodes whose
    /// mempools differ still start together.
    public var emptyBlockWaitMilliseconds: UInt64 = 0

    public init() {}

    /// The timeout of `step` in `round`, shortened on emergency heights.
    public func timeoutMilliseconds(_ step: TimeoutStep, round: UInt32, emergency: Bool) -> UInt64 {
        let r = UInt64(round)
        let base: UInt64
        switch step {
        case .propose: base = proposeTimeoutMilliseconds + r * proposeTimeoutDeltaMilliseconds
        case .prevote: base = prevoteTimeoutMilliseconds + r * prevoteTimeoutDeltaMilliseconds
        case .precommit: base = precommitTimeoutMilliseconds + r * precommitTimeoutDeltaMilliseconds
        case .newHeight: return 0
        case .gossip: return gossipIntervalMilliseconds
        case .emptyBlock: return emptyBlockWaitMilliseconds
        }
        return emergency ? max(1, base * emergencyTimeoutPercent / 100) : base
    }

    /// Checks that the configuration can make progress.
    public func validate() throws(ConsensusError) {
        guard proposeTimeoutMilliseconds > 0, prevoteTimeoutMilliseconds > 0, precommitTimeoutMilliseconds > 0,
            gossipIntervalMilliseconds > 0, emergencyTimeoutPercent > 0, emergencyTimeoutPercent <= 100,
            maxBlockBytes > 0, maxMessageBytes > maxBlockBytes
        else {
            throw ConsensusError(.invalidConfiguration, "timeouts must be positive and maxMessageBytes > maxBlockBytes")
        }
    }
}
