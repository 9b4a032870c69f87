/// How many transactions this node puts in its proposals, adapted to how long heights take to
/// commit here: halved when a height took longer than ``targetMilliseconds``, grown by a quarter
/// when one took less than half of it while the limit was what bounded the block (additive
/// increase, multiplicative decrease, as TCP sizes its congestion window).
///
/// Why: every validator executes a proposal inside the round's timeouts. Under a backlog, blocks
/// of the fixed maximum took 0.4–0.6 s on a loaded 2-core machine and some rounds exceeded the 1 s
/// propose timeout; a failed round grows the backlog, the next block is as large, and throughput
/// collapsed (Docs/PERFORMANCE.md). Keeping heights near the target keeps rounds inside their
/// timeouts, and with back-to-back heights throughput is block size ÷ height time either way.
///
/// A proposer's policy, not a validity rule: a block of any size up to the byte limit stays valid.
public struct ProposalSizeController: Hashable, Sendable {
    /// Transactions the next proposal may hold.
    public private(set) var limit: Int
    public let minimum: Int
    public let maximum: Int
    /// Height time (first proposal seen here → commit) the controller aims below.
    public let targetMilliseconds: UInt64

    public init(maximum: Int = 4_096, minimum: Int = 256, targetMilliseconds: UInt64 = 300) {
        precondition(minimum > 0 && minimum <= maximum, "proposal limits out of order")
        self.maximum = maximum
        self.minimum = minimum
        self.targetMilliseconds = targetMilliseconds
        self.limit = maximum
    }

    /// A height committed `milliseconds` after this node first saw its proposal, with `transactions`
    /// in its block. Returns whether the limit changed.
    @discardableResult
    public mutating func observe(milliseconds: UInt64, transactions: Int) -> Bool {
        let before = limit
        if milliseconds > targetMilliseconds {
            limit = max(minimum, limit / 2)
        } else if milliseconds * 2 < targetMilliseconds, transactions >= limit {
            limit = min(maximum, limit + max(1, limit / 4))
        }
        return limit != before
    }
}
