import ArgumentParser
import Foundation
import HMNDevnet
import HMNNode

extension ChainProfile: ExpressibleByArgument {}

/// `hmn-bench node`: the node figures of Docs/PERFORMANCE.md on real `hmn start` processes on
/// loopback (finality at a steady load and at saturation, round latency, throughput, memory write
/// to all nodes, emergency round latency). See ``DevnetBenchmark``.
struct NodeBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "node",
        abstract: "4 validator processes on loopback: finality, rounds, throughput, memory replication, emergency.")

    @Option(help: "The hmn executable (default: the one next to hmn-bench).")
    var hmn: String?

    @Option(help: "Working directory for the testnets.")
    var dir = "/tmp/hmn-bench-node"

    @Option(help: "First port.")
    var basePort = 27_000

    @Option(help: "Steady-phase offered load, transactions per second.")
    var rate = 20.0

    @Option(help: "Seconds of steady load.")
    var steadySeconds = 30

    @Option(help: "Seconds of saturation.")
    var saturationSeconds = 30

    @Option(help: "Concurrent funded senders.")
    var senders = 16

    @Option(help: "Memory records written one at a time.")
    var memoryWrites = 40

    @Option(help: "Emergency drills (each on its own testnet).")
    var emergencyRuns = 3

    @Option(help: "Timing profile of the load testnet: standard or low-latency.")
    var profile: ChainProfile = .standard

    @Option(help: "Round-0 propose timeout of the load testnet in milliseconds (default: the node's, 1000).")
    var proposeTimeoutMilliseconds: UInt64?

    @Option(
        help: "Most transactions per proposal on the load testnet (config.json maxProposalTransactions; default 8192).")
    var maxProposalTransactions: Int?

    @Option(
        help:
            "Pending transactions above which the load testnet's API refuses submissions (config.json submissionBacklog; default twice the proposal size)."
    )
    var submissionBacklog: Int?

    @Flag(help: "Keep the testnets' directories (node logs in <dir>/<name>/nodeN/node.log) afterwards.")
    var keep = false

    @Option(help: "Open-loop offered rates of the batch load generator, tx/s, comma-separated (empty: none).")
    var openLoopRates = "1000,2000"

    @Option(help: "Seconds of each open-loop phase.")
    var openLoopSeconds = 15

    @Option(help: "Batch load generator: concurrent keep-alive connections.")
    var connections = 32

    @Option(help: "Batch load generator: transactions per request (≤ 256).")
    var batchSize = 128

    @Option(help: "Batch load generator: senders per connection.")
    var sendersPerConnection = 4

    @Option(help: "Batch load generator: transfers signed ahead per sender for the closed loop.")
    var transactionsPerSender = 2_500

    @Option(help: "Write the report as JSON here.")
    var report: String?

    func run() async throws {
        let executable =
            hmn
            ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("hmn").path
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw ValidationError("no hmn executable at \(executable): build it (swift build -c release) or pass --hmn")
        }
        var configuration = DevnetBenchmark.Configuration(executable: executable, directory: dir)
        configuration.basePort = basePort
        configuration.steadyRate = rate
        configuration.steadySeconds = steadySeconds
        configuration.saturationSeconds = saturationSeconds
        configuration.senders = senders
        configuration.memoryWrites = memoryWrites
        configuration.emergencyRuns = emergencyRuns
        configuration.profile = profile
        configuration.proposeTimeoutMilliseconds = proposeTimeoutMilliseconds
        configuration.maxProposalTransactions = maxProposalTransactions
        configuration.submissionBacklog = submissionBacklog
        configuration.keepDirectories = keep
        configuration.openLoopRates = openLoopRates.split(separator: ",").compactMap {
            Double($0.trimmingCharacters(in: .whitespaces))
        }
        configuration.openLoopSeconds = openLoopSeconds
        configuration.load.lanes = connections
        configuration.load.batchSize = min(256, max(1, batchSize))
        configuration.load.sendersPerLane = sendersPerConnection
        configuration.load.transactionsPerSender = transactionsPerSender
        print("hmn-bench node: 4 validator processes (\(executable)), profile \(profile.rawValue)")
        let result = try await DevnetBenchmark(configuration).run { print("  " + $0) }
        print(Self.table(result))
        if let report {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(result).write(to: URL(fileURLWithPath: report))
            print("report: \(report)")
        }
    }

    static func table(_ r: DevnetBenchmarkReport) -> String {
        func row(_ name: String, _ value: String) -> String { "| \(name) | \(value) |" }
        let verify = r.signatureVerificationsPerSecond
        let open: [String] = r.openLoop.map { phase -> String in
            row(
                "open loop, offered \(Int(phase.offeredPerSecond ?? 0)) tx/s",
                "sent \(phase.sent ?? 0) of \(phase.due ?? 0) due; accepted \(phase.accepted); "
                    + "achieved \(Int(phase.committedPerSecond)) tx/s committed = "
                    + "\(ratio(phase.committedPerSecond, verify))× raw verify; finality \(phase.finality); "
                    + "\(phase.notCommitted) not committed")
        }
        let head: [String] = [
            "", "| Figure | Measured |", "|---|---|",
            row("finality, steady \(Int(r.steady.offeredPerSecond ?? 0)) tx/s", "\(r.steady.finality)"),
            row("finality, saturation", "\(r.saturation.finality)"),
        ]
        let verifications = r.verificationsPerCommittedTransaction.map { "\((($0 * 100).rounded()) / 100)" }
        let tail: [String] = [
            row("round latency (epoch delay excluded), steady", "\(r.steady.roundLatency)"),
            row("round latency, saturation", "\(r.saturation.roundLatency)"),
            row("block interval, steady", "\(r.steady.blockInterval)"),
            row(
                "throughput at saturation",
                "\(Int(r.saturation.committedPerSecond)) tx/s = \(ratio(r.saturation.committedPerSecond, verify))× "
                    + "raw 1-thread Ed25519 verify (\(Int(verify))/s); largest block \(r.saturation.largestBlockTransactions) tx; "
                    + "sent \(r.saturation.sent ?? 0), accepted \(r.saturation.accepted); "
                    + "\(r.saturation.backPressure) × back-pressure; \(r.saturation.notCommitted) not committed"
                    + (r.saturation.loadExhausted == true
                        ? "; LOWER BOUND: every connection ran out of signed transfers" : "")),
            row(
                "signature verifications per committed tx (per node)",
                verifications.joined(separator: ", ")),
            row(
                "memory write → all replicas of its shard",
                "\(r.memory.toAll); \(r.memory.notReplicated) not replicated"),
            row("memory write → each replica", "\(r.memory.perReplica)"),
            row(
                "emergency (Ĉ < 0.7 commit → emergency block commit)",
                "\(r.emergencyLatency) over \(r.emergencyRuns.count) drills"),
            row("GET /health round trip (measurement floor)", "\(r.apiRoundTrip)"),
        ]
        return (head + open + tail).joined(separator: "\n")
    }

    static func ratio(_ a: Double, _ b: Double) -> String { b > 0 ? "\((a / b * 1000).rounded() / 1000)" : "–" }
}
