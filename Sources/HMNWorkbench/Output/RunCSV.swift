import HMNPrimitives

/// What every output file's header records, so a result names exactly what produced it.
public struct RunProvenance: Hashable, Sendable {
    /// `git rev-parse HEAD` of the code that ran (or "unknown").
    public var commit: String
    /// BLAKE2b-256 of the scenario file's bytes.
    public var scenarioHash: Hash256

    public init(commit: String, scenarioHash: Hash256) {
        self.commit = commit
        self.scenarioHash = scenarioHash
    }
}

/// The per-height CSV of one run: `#` header lines (scenario, its hash, policy with every
/// parameter resolved, seed, commit, network), then one row per committed height. Byte-identical
/// for identical inputs.
public enum RunCSV {
    public static let columns = [
        "time_ms", "height", "lambda", "coherence", "epoch_delay_ms", "rounds", "finality_latency_ms",
        "gossip_bytes", "emergency", "slashes", "boosts", "transactions",
    ]

    public static func render(
        _ result: RunResult, scenario: Scenario, resolvedPolicy: PolicySpec, provenance: RunProvenance
    ) -> String {
        var lines = [
            "# hmn simulate: λ workbench run",
            "# scenario: \(scenario.name)",
            "# scenario-blake2b: \(provenance.scenarioHash.hex)",
            "# policy: \(resolvedPolicy)",
            "# seed: \(result.seed)",
            "# commit: \(provenance.commit)",
            "# validators: \(scenario.validators) powers "
                + scenario.resolvedPowers.map(String.init).joined(separator: " "),
            "# duration: \(scenario.duration) (\(result.horizonMilliseconds) ms virtual)",
            "# emergency-threshold: \(PolicySpec.format(scenario.emergencyThreshold))",
            "# violations: \(result.violations.count)",
            columns.joined(separator: ","),
        ]
        lines.reserveCapacity(lines.count + result.samples.count)
        for sample in result.samples {
            let fields: [String] = [
                "\(sample.timeMilliseconds)", "\(sample.height)", decimal(sample.lambda), decimal(sample.coherence),
                "\(sample.epochDelayMilliseconds)", "\(sample.rounds)",
                sample.finalityLatencyMilliseconds.map { "\($0)" } ?? "", "\(sample.gossipBytes)",
                sample.emergency ? "1" : "0", "\(sample.slashes)", "\(sample.boosts)", "\(sample.transactions)",
            ]
            lines.append(fields.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A fixed-point value as a decimal with six places (`0.945000`), locale-free.
    public static func decimal(_ value: FixedPoint) -> String {
        let raw = value.raw
        let magnitude = raw.magnitude
        let fraction = String(magnitude % 1_000_000)
        return (raw < 0 ? "-" : "") + "\(magnitude / 1_000_000)." + String(repeating: "0", count: 6 - fraction.count)
            + fraction
    }
}
