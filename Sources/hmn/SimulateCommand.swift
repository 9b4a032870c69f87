import ArgumentParser
import Foundation
import HMNWorkbench

/// `hmn simulate`: the λ workbench. Runs a scenario on the deterministic simulator once per
/// policy × seed, writes a CSV and an SVG per run plus a comparison chart and summary, and prints
/// the summary table. See Docs/RESEARCH.md.
struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Compare λ policies on a simulated network: CSV, SVG and a summary table per scenario.",
        discussion: """
            Examples:
              hmn simulate --list
              hmn simulate --scenario steady --policy fixed --policy pid:kp=0.5,ki=0.1 --seeds 2
              hmn simulate --scenario Scenarios/crash-return.json --duration 10m --out results/crash
            """
    )

    @Option(help: "A scenario name (see --list) or a path to a scenario .json file.")
    var scenario: String?

    @Option(
        name: .customLong("policy"),
        help: ArgumentHelp(
            "A policy to run, as name or name:key=value,… (repeatable).",
            discussion: "Default: the scenario's policies, else the shipped four.")
    )
    var policies: [String] = []

    @Option(help: "Seeds per policy (overrides the scenario).")
    var seeds: Int?

    @Option(help: "First seed (overrides the scenario).")
    var firstSeed: UInt64?

    @Option(help: "Number of validators (overrides the scenario; powers become equal).")
    var validators: Int?

    @Option(help: "Virtual duration of each run, e.g. 10m, 90s, 1m30s (overrides the scenario).")
    var duration: String?

    @Option(help: "Epoch length at λ = 1, e.g. 100ms (the simulator's default) or 1s (the SPEC's).")
    var baseEpoch: String?

    @Option(help: "Output directory (default: simulate-out/<scenario>).")
    var out: String?

    @Option(help: "Directory holding scenario files (default: the nearest Scenarios/ directory).")
    var scenariosDir: String?

    @Option(help: "Commit recorded in the output headers (default: git rev-parse HEAD, else 'unknown').")
    var commit: String?

    @Flag(help: "List the scenarios and policies, then exit.")
    var list = false

    func run() throws {
        let registry = PolicyRegistry.standard
        let catalog =
            scenariosDir.map { ScenarioCatalog(directory: URL(fileURLWithPath: $0)) } ?? ScenarioCatalog.locate()
        if list {
            say(Self.listing(catalog: catalog, registry: registry), terminator: "")
            return
        }
        guard let name = scenario else {
            throw ValidationError("give --scenario NAME|FILE (or --list to see the scenarios)")
        }
        var loaded = try ScenarioCatalog.resolve(name, catalog: catalog)
        try applyOverrides(to: &loaded.scenario)
        let specs = try policies.map { (text) throws(WorkbenchError) in try PolicySpec(parsing: text) }
        let chosen =
            !specs.isEmpty
            ? specs
            : !loaded.scenario.policies.isEmpty
                ? loaded.scenario.policies
                : PolicyRegistry.shipped.map { PolicySpec(name: $0.name) }
        let runner = try ScenarioRunner(scenario: loaded.scenario, registry: registry)
        let campaign = try Campaign(runner: runner, policies: chosen, seeds: loaded.scenario.seedList)
        let directory = URL(fileURLWithPath: out ?? "simulate-out/\(loaded.scenario.name)")
        let output = CampaignOutput(
            directory: directory, scenario: loaded, commit: commit ?? Self.gitCommit(), registry: registry)
        try output.prepare()

        let scenario = loaded.scenario
        say(
            "scenario \(scenario.name): \(scenario.validators) validators, \(scenario.duration) virtual, "
                + "\(campaign.policies.count) policies × \(campaign.seeds.count) seeds → \(directory.path)")
        let bar = ProgressBar(enabled: isatty(STDERR_FILENO) == 1)
        var results: [RunResult] = []
        let clock = ContinuousClock()
        var runStart = clock.now
        for policy in campaign.policies {
            for seed in campaign.seeds {
                let index = results.count
                runStart = clock.now
                let result = try runner.run(policy: policy, seed: seed) { now in
                    bar.update(
                        Campaign.Progress(
                            index: index, count: campaign.runCount, policy: policy, seed: seed,
                            virtualMilliseconds: now, horizonMilliseconds: scenario.duration.milliseconds,
                            finished: false))
                }
                let wall = clock.now - runStart
                let seconds = Double(wall.components.seconds) + Double(wall.components.attoseconds) / 1e18
                try output.write(result)
                results.append(result)
                bar.clear()
                let ratio = seconds > 0 ? Double(result.horizonMilliseconds) / 1_000 / seconds : 0
                say(
                    "[\(index + 1)/\(campaign.runCount)] \(policy) seed \(seed): \(result.samples.count) heights, "
                        + "\(result.summary.emergencies) emergencies, \(result.violations.count) violations, "
                        + String(format: "%.2f s wall (%.0f× virtual)", seconds, ratio))
            }
        }
        let table = try output.writeSummary(results, seeds: campaign.seeds.count)
        say("")
        say(table, terminator: "")
        say("")
        say("wrote \(results.count) CSV + SVG, summary.csv, summary.txt, comparison.svg to \(directory.path)")
    }

    func applyOverrides(to scenario: inout Scenario) throws {
        if let seeds { scenario.seeds = seeds }
        if let firstSeed { scenario.firstSeed = firstSeed }
        if let validators, validators != scenario.validators {
            scenario.validators = validators
            scenario.powers = nil
        }
        if let duration {
            guard let parsed = VirtualDuration(parsing: duration) else {
                throw ValidationError("--duration '\(duration)' is not a duration like 10m, 90s or 1m30s")
            }
            scenario.duration = parsed
        }
        if let baseEpoch {
            guard let parsed = VirtualDuration(parsing: baseEpoch) else {
                throw ValidationError("--base-epoch '\(baseEpoch)' is not a duration like 100ms or 1s")
            }
            scenario.baseEpoch = parsed
        }
    }

    static func listing(catalog: ScenarioCatalog?, registry: PolicyRegistry) -> String {
        var text = "Scenarios"
        if let catalog {
            text += " (\(catalog.directory.path)):\n"
            for name in catalog.names {
                let summary = (try? catalog.load(named: name).scenario.summary) ?? "(does not load)"
                text += "  \(name.padding(toLength: 20, withPad: " ", startingAt: 0)) \(summary)\n"
            }
        } else {
            text += ": no Scenarios/ directory found (use --scenarios-dir)\n"
        }
        text += "\nPolicies (--policy name:key=value,…):\n"
        for registration in registry.registrations {
            text +=
                "  \(registration.name.padding(toLength: 12, withPad: " ", startingAt: 0)) \(registration.summary)\n"
            for parameter in registration.parameters {
                text += "      \(parameter.name)=\(PolicySpec.format(parameter.defaultValue))  \(parameter.help)\n"
            }
        }
        return text
    }

    /// `git rev-parse HEAD` in the current directory, or "unknown".
    static func gitCommit() -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "rev-parse", "HEAD"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
            process.waitUntilExit()
        } catch {
            return "unknown"
        }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return process.terminationStatus == 0 && !text.isEmpty ? text : "unknown"
    }
}

/// Writes a line to standard output at once (unbuffered, so piped output shows each finished run
/// as it happens).
func say(_ text: String = "", terminator: String = "\n") {
    FileHandle.standardOutput.write(Data((text + terminator).utf8))
}

/// A one-line progress bar on standard error, redrawn in place (only on a terminal).
final class ProgressBar {
    let enabled: Bool
    private var lastDrawn = ""

    init(enabled: Bool) { self.enabled = enabled }

    func update(_ progress: Campaign.Progress) {
        guard enabled else { return }
        let width = 30
        let filled = Int((progress.fraction * Double(width)).rounded(.down))
        let percent = Int((progress.fraction * 100).rounded(.down))
        let line =
            "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] "
            + "\(percent)% run \(progress.index + 1)/\(progress.count) \(progress.policy) seed \(progress.seed) "
            + "t=\(progress.virtualMilliseconds / 1_000)s"
        guard line != lastDrawn else { return }
        lastDrawn = line
        FileHandle.standardError.write(Data(("\r\u{1B}[2K" + line).utf8))
    }

    func clear() {
        guard enabled, !lastDrawn.isEmpty else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
        lastDrawn = ""
    }
}
