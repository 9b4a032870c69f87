import Foundation
import HMNNode
import HMNNodeHTTP
import HMNPrimitives
import Logging

/// A fault campaign on real `hmn start` processes: a fresh N-validator testnet under continuous
/// load, the faults of a seeded ``FaultPlan`` applied with signals (and network namespaces for
/// partitions), then a heal, a restart of every node, and the checks — every height identical on
/// every node (block id, state root, Layer-2 root), every acknowledged transaction committed on
/// every node in the same block, and progress while at most f validators were faulty.
///
/// In the spirit of Jepsen's Tendermint analysis and CometBFT's e2e perturbations, on one machine.
/// The fault schedule replays from the seed; the interleaving of real processes does not.
public struct FaultCampaign: Sendable {
    /// The seeded schedule to apply.
    public var plan: FaultPlan
    /// The testnet directory; deleted and created afresh.
    public var directory: String
    /// The `hmn` binary the nodes run.
    public var executable: String
    /// Node `i` uses `basePort + 2i` (P2P) and `basePort + 2i + 1` (HTTP).
    public var basePort: Int
    /// `debug` or `release`, for the report.
    public var build: String
    /// Senders in the load.
    public var senders = 6
    /// During the faults, the chain may not stand still longer than this while within f.
    public var stallLimit: Duration = .seconds(60)
    /// How long nodes get to come back and catch up after the heal and after the final restart.
    public var recoveryTimeout: Duration = .seconds(180)
    /// How long acknowledged transactions not yet seen committed get after the heal.
    public var settleTimeout: Duration = .seconds(30)
    /// Deletes the directory after a run without violations.
    public var removeDirectoryWhenPassed = true
    /// Progress of the phases and of every fault, at info.
    public var logger: Logger

    public init(plan: FaultPlan, directory: String, executable: String, basePort: Int, build: String, logger: Logger) {
        self.plan = plan
        self.directory = directory
        self.executable = executable
        self.basePort = basePort
        self.build = build
        self.logger = logger
    }

    var settings: FaultPlan.Settings { plan.settings }

    /// Runs the campaign; `stopRequested` ends the fault phase early (Ctrl-C), the checks still run.
    /// Throws only when the testnet cannot be set up; everything found later is in the report.
    public func run(stopRequested: @escaping @Sendable () -> Bool = { false }) async throws(DevnetError)
        -> CampaignReport
    {
        let wallStart = Date()
        let started = ContinuousClock.now
        try? FileManager.default.removeItem(atPath: directory)
        var options = Testnet.Options()
        options.keySeed = settings.seed
        do {
            try Testnet.initialize(
                validators: settings.validators, directory: directory, basePort: basePort,
                chainID: "hmn-campaign-\(settings.seed)", options: options)
        } catch {
            throw DevnetError(.invalidLayout, "cannot create the testnet in \(directory): \(error)")
        }
        var network: NamespaceNetwork?
        if settings.partitions, NamespaceNetwork.isAvailable {
            let namespaces = NamespaceNetwork(run: Int(getpid() % 249) + 1, count: settings.validators)
            try namespaces.setUp()
            network = namespaces
        }
        var report = CampaignReport(
            settings: settings, build: build, namespaces: network != nil, directory: directory, startedAt: wallStart)
        if settings.partitions, network == nil {
            report.notes.append("partitions requested but network namespaces are unavailable (needs root and iproute2)")
        }
        if settings.oneWayPartitions, network != nil, !NamespaceNetwork.supportsOneWay {
            report.notes.append("one-way partitions requested but tc (iproute2) is unavailable: those faults are skipped")
        }
        let cluster: LocalCluster
        do {
            try network?.rewriteConfigurations(directory: directory)
            cluster = try LocalCluster(
                directory: directory, executable: executable,
                launches: network.map { net in (0..<settings.validators).map { net.launch($0) } })
        } catch {
            network?.tearDown()
            throw error
        }
        let session = CampaignSession(campaign: self, cluster: cluster, network: network, started: started)
        do {
            try await session.execute(into: &report, stopRequested: stopRequested)
        } catch {
            report.violations.append(CampaignViolation(.nodeDidNotRecover, "\(error)"))
        }
        await session.shutDown()
        network?.tearDown()
        report.elapsedSeconds = (ContinuousClock.now - started).seconds
        if report.passed, removeDirectoryWhenPassed { try? FileManager.default.removeItem(atPath: directory) }
        return report
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }

    var milliseconds: UInt64 {
        UInt64(max(0, components.seconds * 1_000 + components.attoseconds / 1_000_000_000_000_000))
    }
}
