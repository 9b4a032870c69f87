/// Percentiles of measured samples (latencies, sizes), shared by the simulator, the workbench and
/// the benchmarks so every figure HMN reports uses the same definition.
public enum Percentile {
    /// The nearest-rank percentile: the smallest sample such that at least `fraction` of all samples
    /// are ≤ it (`fraction` in 0…1; 0 gives the minimum). Nil for no samples.
    ///
    /// Nearest rank never interpolates, so a reported p99 is a latency that really occurred.
    public static func nearestRank<Value: Comparable>(_ values: [Value], _ fraction: Double) -> Value? {
        guard !values.isEmpty else { return nil }
        return nearestRank(sorted: values.sorted(), fraction)
    }

    /// ``nearestRank(_:_:)`` over samples already sorted ascending (no copy, for many percentiles).
    public static func nearestRank<Value: Comparable>(sorted: [Value], _ fraction: Double) -> Value? {
        guard !sorted.isEmpty else { return nil }
        let rank = Int((min(max(fraction, 0), 1) * Double(sorted.count)).rounded(.up))
        return sorted[max(0, min(sorted.count - 1, rank - 1))]
    }
}
