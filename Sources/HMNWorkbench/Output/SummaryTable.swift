import Foundation

/// The terminal summary: one row per policy, pooled over seeds, and a per-run CSV of the same
/// figures (`summary.csv`).
public enum SummaryTable {
    public static let headers = [
        "policy", "runs", "heights", "mean fin ms", "p99 fin ms", "bytes/height", "s below", "recover s",
        "emerg/run", "violations",
    ]

    public static func render(_ aggregates: [PolicyAggregate], threshold: Double) -> String {
        let rows = aggregates.map { aggregate -> [String] in
            var recovery = "n/a"
            if aggregate.recoveryApplies {
                recovery = aggregate.recoverySeconds.map { number($0, 1) } ?? "never"
                if aggregate.neverRecovered > 0 && aggregate.recoverySeconds != nil {
                    recovery += " (\(aggregate.neverRecovered) never)"
                }
            }
            return [
                aggregate.policy.description, "\(aggregate.runs)", "\(aggregate.committedHeights)",
                aggregate.meanFinalityMilliseconds.map { number($0, 1) } ?? "-",
                aggregate.p99FinalityMilliseconds.map { "\($0)" } ?? "-",
                aggregate.bytesPerHeight.map { number($0, 0) } ?? "-", number(aggregate.secondsBelowThreshold, 1),
                recovery, number(aggregate.emergenciesPerRun, 1), "\(aggregate.violations)",
            ]
        }
        var headers = headers
        headers[6] = "s below \(PolicySpec.format(threshold))"
        let widths = headers.indices.map { column in
            ([headers[column]] + rows.map { $0[column] }).map(\.count).max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { column, cell in
                let pad = String(repeating: " ", count: widths[column] - cell.count)
                return column == 0 ? cell + pad : pad + cell
            }.joined(separator: "  ")
        }
        let rule = widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
        return ([line(headers), rule] + rows.map(line)).joined(separator: "\n") + "\n"
    }

    public static let runColumns = [
        "policy", "seed", "heights", "mean_finality_ms", "p99_finality_ms", "bytes_per_height", "ms_below_threshold",
        "recovery_ms", "emergencies", "slashes", "boosts", "violations",
    ]

    /// One row per run (`recovery_ms` is empty without faults and `never` if Ĉ did not recover).
    public static func runsCSV(_ results: [RunResult], provenance: RunProvenance, scenario: Scenario) -> String {
        var lines = [
            "# hmn simulate: λ workbench summary",
            "# scenario: \(scenario.name)",
            "# scenario-blake2b: \(provenance.scenarioHash.hex)",
            "# commit: \(provenance.commit)",
            runColumns.joined(separator: ","),
        ]
        for result in results {
            let summary = result.summary
            let recovery: String
            switch summary.recovery {
            case .notApplicable: recovery = ""
            case .recovered(let milliseconds): recovery = "\(milliseconds)"
            case .never: recovery = "never"
            }
            lines.append(
                [
                    "\"\(result.policy)\"", "\(result.seed)", "\(summary.committedHeights)",
                    summary.meanFinalityMilliseconds.map { number($0, 3) } ?? "",
                    summary.p99FinalityMilliseconds.map { "\($0)" } ?? "",
                    summary.bytesPerHeight.map { number($0, 1) } ?? "", "\(summary.millisecondsBelowThreshold)",
                    recovery, "\(summary.emergencies)", "\(summary.slashes)", "\(summary.boosts)",
                    "\(summary.violations)",
                ].joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Fixed decimals, locale-free.
    static func number(_ value: Double, _ decimals: Int) -> String {
        String(format: "%.\(decimals)f", locale: Locale(identifier: "en_US_POSIX"), value)
    }
}
