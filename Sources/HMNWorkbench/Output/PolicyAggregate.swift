import HMNPrimitives

/// One policy's figures pooled over its seeds: the rows of the summary table and the bars of
/// the comparison chart.
public struct PolicyAggregate: Hashable, Sendable {
    public var policy: PolicySpec
    public var runs: Int
    public var committedHeights: Int
    /// Mean and p99 over every height of every seed (pooled).
    public var meanFinalityMilliseconds: Double?
    public var p99FinalityMilliseconds: UInt64?
    /// All bytes sent over all committed heights.
    public var bytesPerHeight: Double?
    /// Mean per run.
    public var secondsBelowThreshold: Double
    /// Mean over the runs that recovered; `neverRecovered` counts the others.
    public var recoverySeconds: Double?
    public var neverRecovered: Int
    public var recoveryApplies: Bool
    /// Emergency heights, mean per run.
    public var emergenciesPerRun: Double
    public var violations: Int

    /// Pools `results` by policy, in the order policies first appear.
    public static func pool(_ results: [RunResult]) -> [PolicyAggregate] {
        var order: [PolicySpec] = []
        for result in results where !order.contains(result.policy) { order.append(result.policy) }
        return order.map { policy in
            let runs = results.filter { $0.policy == policy }
            let summaries = runs.map(\.summary)
            let latencies = summaries.flatMap(\.latencies)
            let heights = summaries.reduce(0) { $0 + $1.committedHeights }
            let bytes = runs.reduce(0) { $0 + $1.bytesSent }
            var recovered: [UInt64] = []
            var never = 0
            var applies = false
            for summary in summaries {
                switch summary.recovery {
                case .notApplicable: break
                case .recovered(let milliseconds):
                    applies = true
                    recovered.append(milliseconds)
                case .never:
                    applies = true
                    never += 1
                }
            }
            let count = Double(max(runs.count, 1))
            return PolicyAggregate(
                policy: policy, runs: runs.count, committedHeights: heights,
                meanFinalityMilliseconds: RunSummary.mean(latencies),
                p99FinalityMilliseconds: Percentile.nearestRank(latencies, 0.99),
                bytesPerHeight: heights == 0 ? nil : Double(bytes) / Double(heights),
                secondsBelowThreshold: Double(summaries.reduce(0) { $0 + $1.millisecondsBelowThreshold }) / 1_000
                    / count,
                recoverySeconds: RunSummary.mean(recovered).map { $0 / 1_000 }, neverRecovered: never,
                recoveryApplies: applies,
                emergenciesPerRun: Double(summaries.reduce(0) { $0 + $1.emergencies }) / count,
                violations: summaries.reduce(0) { $0 + $1.violations })
        }
    }
}
