import HMNPrimitives
import HMNWorkbench
import Testing

@Suite("Run summary figures")
struct RunSummaryTests {
    static func sample(_ height: UInt64, at time: UInt64, coherence: Double, latency: UInt64?, emergency: Bool = false)
        -> HeightSample
    {
        HeightSample(
            height: height, timeMilliseconds: time, lambda: .one,
            coherence: FixedPoint(raw: Int64(coherence * 1_000_000)), epochDelayMilliseconds: 100, rounds: 0,
            finalityLatencyMilliseconds: latency, gossipBytes: 100, emergency: emergency, slashes: emergency ? 1 : 0,
            boosts: 0, transactions: 1)
    }

    @Test("hand-computed: time below, recovery, latency mean and p99, bytes per height")
    func handComputed() {
        let samples = [
            Self.sample(1, at: 100, coherence: 0.9, latency: 10),
            Self.sample(2, at: 200, coherence: 0.6, latency: 20, emergency: true),
            Self.sample(3, at: 350, coherence: 0.65, latency: 30),
            Self.sample(4, at: 500, coherence: 0.8, latency: nil),
            Self.sample(5, at: 600, coherence: 0.5, latency: 40),
        ]
        let summary = RunSummary(
            samples: samples, horizonMilliseconds: 1_000, threshold: 0.7, recoveryCoherence: 0.75,
            faultsEndMilliseconds: 300, bytesSent: 5_000, violations: 0)
        #expect(summary.committedHeights == 5)
        #expect(summary.millisecondsBelowThreshold == 150 + 150 + 400)
        #expect(summary.recovery == .recovered(milliseconds: 200))
        #expect(summary.meanFinalityMilliseconds == 25)
        #expect(summary.p99FinalityMilliseconds == 40)
        #expect(summary.bytesPerHeight == 1_000)
        #expect(summary.emergencies == 1 && summary.slashes == 1)

        let never = RunSummary(
            samples: Array(samples.prefix(3)), horizonMilliseconds: 1_000, threshold: 0.7, recoveryCoherence: 0.75,
            faultsEndMilliseconds: 300, bytesSent: 0, violations: 0)
        #expect(never.recovery == .never)
        let none = RunSummary(
            samples: samples, horizonMilliseconds: 1_000, threshold: 0.7, recoveryCoherence: 0.75,
            faultsEndMilliseconds: nil, bytesSent: 0, violations: 0)
        #expect(none.recovery == .notApplicable)
    }

    @Test("fixed-point values print with six decimals")
    func decimals() {
        #expect(RunCSV.decimal(FixedPoint(raw: 714_285)) == "0.714285")
        #expect(RunCSV.decimal(FixedPoint(raw: 1_500_000)) == "1.500000")
        #expect(RunCSV.decimal(FixedPoint(raw: 5)) == "0.000005")
    }
}
