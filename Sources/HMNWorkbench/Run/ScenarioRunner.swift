import HMNCoherence
import HMNConsensus
import HMNPrimitives
import HMNSimulator
import Logging

/// Runs one scenario × policy × seed on the deterministic simulator and records a
/// ``HeightSample`` per committed height. Same inputs → same samples, byte for byte.
public struct ScenarioRunner: Sendable {
    public let scenario: Scenario
    public let registry: PolicyRegistry
    let logger: Logger

    /// - Throws: the scenario's validation error.
    public init(
        scenario: Scenario, registry: PolicyRegistry = .standard,
        logger: Logger = Logger(label: "hmn.workbench", factory: { _ in SwiftLogNoOpLogHandler() })
    ) throws(WorkbenchError) {
        try scenario.validate(registry: registry)
        self.scenario = scenario
        self.registry = registry
        self.logger = logger
    }

    /// Runs one simulation; `progress` gets the virtual time about once per virtual second.
    ///
    /// - Throws: ``WorkbenchError`` for an unknown policy or rejected parameters.
    public func run(
        policy spec: PolicySpec, seed: UInt64, progress: ((UInt64) -> Void)? = nil
    ) throws(WorkbenchError) -> RunResult {
        _ = try registry.makePolicy(spec)  // fail fast, before any node boots
        // Each vote is checked by N − 1 receivers in this one process: memoize (results unchanged).
        if !VerificationCache.isEnabled { VerificationCache.enable() }
        let application = try scenario.applicationConfiguration()
        let factory = WorkbenchApplicationFactory(
            scenario: scenario, spec: spec, registry: registry, configuration: application)
        let simulation: Simulation
        do {
            simulation = try Simulation(
                configuration: scenario.simulationConfiguration(seed: seed), factory: factory, logger: logger)
        } catch {
            throw WorkbenchError(.invalidScenario, "cannot set up the simulation: \(error)")
        }
        let recorder = HeightRecorder(simulation: simulation)
        simulation.onFinalizedWithLatency = { [unowned recorder] node, finalized, latency in
            recorder.record(node: node, finalized: finalized, latency: latency)
        }
        let report = simulation.run(untilMilliseconds: scenario.duration.milliseconds, progress: progress)
        simulation.onFinalizedWithLatency = nil
        let summary = RunSummary(
            samples: recorder.samples, horizonMilliseconds: scenario.duration.milliseconds,
            threshold: scenario.emergencyThreshold, recoveryCoherence: scenario.recoveryLevel,
            faultsEndMilliseconds: scenario.faultsEndMilliseconds == 0 ? nil : scenario.faultsEndMilliseconds,
            bytesSent: report.bytesSent, violations: report.violations.count)
        return RunResult(
            scenarioName: scenario.name, policy: spec, seed: seed, horizonMilliseconds: scenario.duration.milliseconds,
            samples: recorder.samples, violations: report.violations, messagesSent: report.messagesSent,
            bytesSent: report.bytesSent, eventsProcessed: report.eventsProcessed, summary: summary)
    }
}

/// Turns the simulator's finalization callbacks into one sample per height (first honest node).
final class HeightRecorder {
    unowned let simulation: Simulation
    private(set) var samples: [HeightSample] = []
    private var bytesAtLastHeight = 0

    init(simulation: Simulation) { self.simulation = simulation }

    func record(node: Int, finalized: FinalizedHeight, latency: UInt64?) {
        let simulated = simulation.nodes[node]
        guard !simulated.isByzantine, finalized.height > (samples.last?.height ?? 0),
            let application = simulated.application as? WorkbenchApplication
        else { return }
        let state = application.state
        var emergency = false
        var slashes = 0
        var boosts = 0
        var transactions = 0
        if let block = try? KVBlock(canonicalBytes: finalized.block.bytes, maxLength: 1 << 20) {
            emergency = !block.actions.isEmpty
            slashes = block.actions.filter { $0.kind == .slash }.count + block.evidence.count
            boosts = block.actions.filter { $0.kind == .boost }.count
            transactions = block.transactions.count
        }
        let bytes = simulation.totalBytesSent
        samples.append(
            HeightSample(
                height: finalized.height, timeMilliseconds: simulation.now, lambda: state.lambda,
                coherence: state.coherence, epochDelayMilliseconds: finalized.response.nextBlockDelayMilliseconds,
                rounds: finalized.commit.round, finalityLatencyMilliseconds: latency,
                gossipBytes: bytes - bytesAtLastHeight, emergency: emergency, slashes: slashes, boosts: boosts,
                transactions: transactions))
        bytesAtLastHeight = bytes
    }
}
