import Foundation
import HMNPrimitives

/// Writes a campaign's files: per run `<policy>-seed<N>.csv` and `.svg`, then `summary.csv`,
/// `comparison.svg`, `summary.txt` and a copy of the scenario file (`scenario.json`), so the
/// directory replays on its own.
public struct CampaignOutput: Sendable {
    public let directory: URL
    public let scenario: LoadedScenario
    public let provenance: RunProvenance
    public let registry: PolicyRegistry

    public init(directory: URL, scenario: LoadedScenario, commit: String, registry: PolicyRegistry) {
        self.directory = directory
        self.scenario = scenario
        self.registry = registry
        provenance = RunProvenance(commit: commit, scenarioHash: Hash256.of(Array(scenario.source)))
    }

    public func prepare() throws(WorkbenchError) {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try scenario.source.write(to: directory.appendingPathComponent("scenario.json"))
        } catch {
            throw WorkbenchError(.io, "cannot write to \(directory.path): \(error.localizedDescription)")
        }
    }

    public func runBaseName(_ result: RunResult) -> String { "\(result.policy.label)-seed\(result.seed)" }

    /// Writes the run's CSV and SVG; returns their paths.
    @discardableResult
    public func write(_ result: RunResult) throws(WorkbenchError) -> [URL] {
        let resolved = PolicySpec(
            name: result.policy.name,
            parameters: (try? registry.resolve(result.policy).values) ?? result.policy.parameters)
        let csv = RunCSV.render(result, scenario: scenario.scenario, resolvedPolicy: resolved, provenance: provenance)
        let svg = RunChart.render(result, scenario: scenario.scenario)
        let base = runBaseName(result)
        return [try save(csv, "\(base).csv"), try save(svg, "\(base).svg")]
    }

    /// Writes the summary files; returns the terminal table.
    public func writeSummary(_ results: [RunResult], seeds: Int) throws(WorkbenchError) -> String {
        let aggregates = PolicyAggregate.pool(results)
        let table = SummaryTable.render(aggregates, threshold: scenario.scenario.emergencyThreshold)
        try save(SummaryTable.runsCSV(results, provenance: provenance, scenario: scenario.scenario), "summary.csv")
        try save(ComparisonChart.render(aggregates, scenario: scenario.scenario, seeds: seeds), "comparison.svg")
        try save(table, "summary.txt")
        return table
    }

    @discardableResult
    func save(_ text: String, _ name: String) throws(WorkbenchError) -> URL {
        let url = directory.appendingPathComponent(name)
        do {
            try Data(text.utf8).write(to: url)
        } catch {
            throw WorkbenchError(.io, "cannot write \(url.path): \(error.localizedDescription)")
        }
        return url
    }
}
