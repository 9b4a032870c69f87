/// Reconnection delays: exponential growth with "equal jitter" (half fixed, half random).
///
/// The jitter spreads the redials of many nodes that lost the same peer at the same instant; the
/// fixed half keeps a lower bound so a flapping peer is never hammered. Randomness is injected so
/// that tests and the simulator replay exactly.
public struct Backoff: Sendable, Hashable {
    /// The delay before the first retry (before jitter).
    public var initialDelay: Duration
    /// The cap on the delay (before jitter).
    public var maximumDelay: Duration

    public init(initialDelay: Duration = .milliseconds(100), maximumDelay: Duration = .seconds(10)) {
        precondition(initialDelay > .zero && maximumDelay >= initialDelay, "backoff delays out of order")
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
    }

    /// The un-jittered delay after `attempt` consecutive failures: `min(max, initial · 2^attempt)`.
    public func ceiling(attempt: Int) -> Duration {
        let initial = Self.nanoseconds(initialDelay)
        let maximum = Self.nanoseconds(maximumDelay)
        let shift = min(max(attempt, 0), 62)
        let (scaled, overflow) = initial.multipliedReportingOverflow(by: Int64(1) << shift)
        return .nanoseconds(overflow ? maximum : min(scaled, maximum))
    }

    /// The delay to wait after `attempt` consecutive failures: uniform in `[ceiling/2, ceiling]`.
    public func delay(attempt: Int, using generator: inout some RandomNumberGenerator) -> Duration {
        let ceiling = Self.nanoseconds(ceiling(attempt: attempt))
        let half = ceiling / 2
        return .nanoseconds(half + Int64.random(in: 0...(ceiling - half), using: &generator))
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
