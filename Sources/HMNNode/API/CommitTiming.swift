/// When this node committed a block through consensus, by its own wall clock: what operators and
/// benchmarks need to measure finality without polling.
///
/// Local observations, not part of the block: another node commits the same block at a slightly
/// different time, and a block the node fetched by block sync (or committed before its last restart)
/// has no timing.
public struct CommitTiming: Hashable, Sendable {
    /// Wall-clock time of the commit, milliseconds since the Unix epoch.
    public var committedAtMilliseconds: UInt64
    /// From the start of round 0 of the height to the commit: the consensus latency, excluding the
    /// epoch delay that precedes round 0.
    public var finalityMilliseconds: UInt64?
    /// The round in which the block was committed.
    public var round: UInt32

    public init(committedAtMilliseconds: UInt64, finalityMilliseconds: UInt64?, round: UInt32) {
        self.committedAtMilliseconds = committedAtMilliseconds
        self.finalityMilliseconds = finalityMilliseconds
        self.round = round
    }

    /// How many recent heights a node keeps timings for (a bounded map, oldest dropped first).
    public static let retainedHeights = 10_000
}
