import HMNPrimitives

/// The figures of one run that the summary table compares across policies and seeds.
public struct RunSummary: Hashable, Sendable {
    /// How a run recovered after its last fault window.
    public enum Recovery: Hashable, Sendable {
        /// The scenario has no fault windows.
        case notApplicable
        /// Ĉ was at or above the recovery level this long after the last fault ended.
        case recovered(milliseconds: UInt64)
        /// Ĉ never got back to the recovery level before the run ended.
        case never
    }

    public var committedHeights: Int
    public var meanFinalityMilliseconds: Double?
    public var p99FinalityMilliseconds: UInt64?
    public var bytesPerHeight: Double?
    /// Virtual time during which the committed Ĉ was below the emergency threshold.
    public var millisecondsBelowThreshold: UInt64
    public var recovery: Recovery
    public var emergencies: Int
    public var slashes: Int
    public var boosts: Int
    public var violations: Int
    /// Finality latencies of every height (for pooled percentiles across seeds).
    public var latencies: [UInt64]

    /// - Parameters:
    ///   - faultsEndMilliseconds: when the last fault window closed (nil: no faults).
    public init(
        samples: [HeightSample], horizonMilliseconds: UInt64, threshold: Double, recoveryCoherence: Double,
        faultsEndMilliseconds: UInt64?, bytesSent: Int, violations: Int
    ) {
        committedHeights = samples.count
        latencies = samples.compactMap(\.finalityLatencyMilliseconds)
        meanFinalityMilliseconds = Self.mean(latencies)
        p99FinalityMilliseconds = Percentile.nearestRank(latencies, 0.99)
        bytesPerHeight = samples.isEmpty ? nil : Double(bytesSent) / Double(samples.count)
        emergencies = samples.filter(\.emergency).count
        slashes = samples.reduce(0) { $0 + $1.slashes }
        boosts = samples.reduce(0) { $0 + $1.boosts }
        self.violations = violations
        // Ĉ is piecewise constant between committed heights (genesis Ĉ = 1 before the first).
        var below: UInt64 = 0
        for (index, sample) in samples.enumerated() where sample.coherence.doubleValue < threshold {
            let end = index + 1 < samples.count ? samples[index + 1].timeMilliseconds : horizonMilliseconds
            below += end - min(end, sample.timeMilliseconds)
        }
        millisecondsBelowThreshold = below
        if let end = faultsEndMilliseconds {
            let before = samples.last { $0.timeMilliseconds <= end }
            if before.map({ $0.coherence.doubleValue >= recoveryCoherence }) ?? true {
                recovery = .recovered(milliseconds: 0)
            } else if let back = samples.first(where: {
                $0.timeMilliseconds > end && $0.coherence.doubleValue >= recoveryCoherence
            }) {
                recovery = .recovered(milliseconds: back.timeMilliseconds - end)
            } else {
                recovery = .never
            }
        } else {
            recovery = .notApplicable
        }
    }

    static func mean(_ values: [UInt64]) -> Double? {
        values.isEmpty ? nil : Double(values.reduce(0, +)) / Double(values.count)
    }

}
