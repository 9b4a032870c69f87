import ArgumentParser
import Foundation
import HMNConsensus
import HMNPrimitives
import HMNSimulator

/// `hmn-bench consensus`: simulator campaigns, seed replay and the consensus figures of
/// Docs/PERFORMANCE.md. Always run in release: `swift run -c release hmn-bench consensus …`.
struct ConsensusBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consensus",
        abstract: "Consensus simulator: random-fault campaigns, seed replay, figures.")

    @Option(help: "Run a campaign of this many random fault seeds.")
    var seeds: Int?

    @Option(help: "First seed of the campaign.")
    var firstSeed: UInt64 = 0

    @Option(help: "Replay one seed and print its report and trace hash.")
    var seed: UInt64?

    @Option(help: "With --seed: allow this many virtual seconds after the heal for liveness (default 30), to tell a stuck run from a slow one.")
    var livenessSeconds: UInt64?

    @Flag(help: "Print the figures: 4 validators on 1 ms links, 100 validators, virtual-to-wall ratio.")
    var figures = false

    @Option(help: "Validators in the 100-validator figure (smaller for a quick look).")
    var largeValidators = 100

    @Flag(help: "Verify every signature in full instead of memoizing the checks that passed (results are identical; campaigns run slower).")
    var noVerificationCache = false

    func run() throws {
        // Signatures and keys are pure functions of their bytes, so the memo changes no result and
        // no trace hash; it removes the repeated Ed25519 work of a whole network in one process.
        if (seed != nil || seeds != nil) && !noVerificationCache { VerificationCache.enable() }
        if let seed {
            var configuration = SimulationConfiguration.random(seed: seed)
            if let livenessSeconds { configuration.livenessBoundMilliseconds = livenessSeconds * 1_000 }
            let report = try Simulation(configuration: configuration).run()
            print(report)
            print("trace hash \(report.traceHash)")
            if !report.passed { throw ExitCode.failure }
        }
        if let seeds { try campaign(seeds) }
        if figures { try printFigures() }
        if seed == nil && seeds == nil && !figures { print(Self.helpMessage()) }
    }

    /// Every this many seeds, one is run twice: a different trace hash means a run is not a pure
    /// function of its seed, and its failures could not be replayed.
    static let replayCheckInterval: UInt64 = 1_000

    func campaign(_ count: Int) throws {
        let clock = ContinuousClock()
        var failures: [SimulationReport] = []
        var unreplayable: [UInt64] = []
        var replayChecks = 0
        var virtual: UInt64 = 0
        var heights: UInt64 = 0
        var events = 0
        let elapsed = try clock.measure {
            for seed in firstSeed..<firstSeed + UInt64(count) {
                let report = try Simulation(configuration: .random(seed: seed)).run()
                virtual += report.virtualMilliseconds
                heights += report.committedHeight
                events += report.eventsProcessed
                // A failing seed is replayed at once, so the command printed for it is known to work.
                if !report.passed || seed % Self.replayCheckInterval == 0 {
                    replayChecks += 1
                    let again = try Simulation(configuration: .random(seed: seed)).run()
                    if again.traceHash != report.traceHash {
                        unreplayable.append(seed)
                        print("seed \(seed): replay gave trace \(again.traceHash), first run \(report.traceHash)")
                    }
                }
                if !report.passed {
                    failures.append(report)
                    print(report)
                }
                if (seed - firstSeed + 1) % 500 == 0 {
                    print("… \(seed - firstSeed + 1) seeds, \(failures.count) failing")
                    // Progress reaches the log as it happens (stdout to a file is block-buffered).
                    fflush(nil)
                }
            }
        }
        let wall = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print("campaign: \(count) seeds from \(firstSeed), \(failures.count) with violations")
        print("  failing seeds: \(failures.map(\.seed))")
        print("  replay checks \(replayChecks), trace differed: \(unreplayable)")
        print(
            "  committed heights \(heights), events \(events), virtual \(virtual / 1000) s, wall \(format(wall)) s, "
                + "virtual/wall \(format(Double(virtual) / 1000 / wall))×")
        if !failures.isEmpty || !unreplayable.isEmpty { throw ExitCode.failure }
    }

    func printFigures() throws {
        for links in [1, 10] as [UInt64] {
            try figure(validators: 4, linkMilliseconds: links, heights: 200)
        }
        try figure(validators: largeValidators, linkMilliseconds: 1, heights: 5)
    }

    func figure(validators: Int, linkMilliseconds: UInt64, heights: UInt64) throws {
        var configuration = SimulationConfiguration(seed: 42, powers: Array(repeating: 1, count: validators))
        configuration.faults.minDelayMilliseconds = linkMilliseconds
        configuration.faults.maxDelayMilliseconds = linkMilliseconds
        configuration.faults.healedMaxDelayMilliseconds = linkMilliseconds
        configuration.minimumHeight = heights
        configuration.livenessBoundMilliseconds = 600_000
        let clock = ContinuousClock()
        var report: SimulationReport?
        let elapsed = try clock.measure { report = try Simulation(configuration: configuration).run() }
        guard let report else { return }
        let wall = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let latencies = report.heightLatenciesMilliseconds.sorted()
        let perHeight = Double(report.committedHeight)
        print(
            "\(validators) validators, \(linkMilliseconds) ms links, \(report.committedHeight) heights: "
                + "\(report.passed ? "ok" : "VIOLATIONS")")
        print(
            "  round-0 start → finalized: p50 \(percentile(latencies, 0.5)) ms, "
                + "p99 \(percentile(latencies, 0.99)) ms "
                + "(= \(format(Double(percentile(latencies, 0.5)) / Double(linkMilliseconds))) link delays at p50)")
        print(
            "  messages/height \(format(Double(report.messagesSent) / perHeight)), "
                + "bytes/height \(format(Double(report.bytesSent) / perHeight))")
        print(
            "  virtual \(report.virtualMilliseconds) ms, wall \(format(wall)) s, "
                + "virtual/wall \(format(Double(report.virtualMilliseconds) / 1000 / wall))×, "
                + "events/s \(format(Double(report.eventsProcessed) / wall))")
    }

    func percentile(_ values: [UInt64], _ p: Double) -> UInt64 { Percentile.nearestRank(values, p) ?? 0 }

    func format(_ value: Double) -> String {
        let scaled = (value * 100).rounded() / 100
        return "\(scaled)"
    }
}
