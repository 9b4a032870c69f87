import ArgumentParser
import Foundation
import HMNDevnet
import HMNNode
import HMNNodeHTTP

/// `hmn devnet`: a local N-validator network in separate processes, with sample traffic and a live
/// status line per node, until Ctrl-C (which stops every node gracefully).
struct DevnetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devnet",
        abstract: "Run a local devnet: N validator processes on loopback with a live status line per node.",
        discussion: """
            Creates the testnet in --dir when it does not exist yet (as `hmn testnet init` would), starts \
            one `hmn start` process per validator (logs in <dir>/nodeN/node.log), submits sample \
            transfers and memory records, and prints height, λ, Ĉ and finality latency per node. \
            Ctrl-C (or SIGTERM) stops every node with SIGTERM and waits for it to flush.
            """)

    @Option(help: "Validators (used only when the devnet is created).")
    var validators = 4

    @Option(help: "Devnet directory.")
    var dir = "./devnet"

    @Option(help: "First port: node i uses base+2i (P2P) and base+2i+1 (HTTP).")
    var basePort = 26_656

    @Flag(help: "Delete the directory first and start a new chain.")
    var fresh = false

    @Option(help: "Timing preset of a new chain: standard or low-latency (see Docs/OPERATIONS.md).")
    var profile: ChainProfile = .standard

    @Option(help: "Stop by itself after this many seconds (default: until Ctrl-C).")
    var seconds: Int?

    @Flag(help: "Do not submit sample transactions and memory records.")
    var noLoad = false

    @Option(help: "Memory-mesh shards (default: one per validator); their centroids are drawn from the chain id.")
    var shards: Int?

    @Option(help: "Validators that replicate each shard (default 3).")
    var replication: Int?

    func validate() throws {
        guard (1...32).contains(validators) else { throw ValidationError("--validators must be in 1…32") }
        guard (1024...65_000).contains(basePort) else { throw ValidationError("--base-port must be in 1024…65000") }
        if let seconds, seconds < 1 { throw ValidationError("--seconds must be at least 1") }
    }

    func run() async throws {
        let executable = try Self.ownExecutable()
        if fresh { try? FileManager.default.removeItem(atPath: dir) }
        let exists = FileManager.default.fileExists(
            atPath: (dir as NSString).appendingPathComponent("node0/config.json"))
        let cluster =
            try exists
            ? LocalCluster(directory: dir, executable: executable)
            : LocalCluster.create(
                validators: validators, directory: dir, basePort: basePort, executable: executable,
                options: {
                    var options = Testnet.Options()
                    options.apply(profile)
                    options.mesh = GenesisDocument.Mesh(shards: shards, replicationFactor: replication)
                    return options
                }())
        print(
            exists
                ? "devnet: reusing \(dir) (\(cluster.count) nodes)"
                : "devnet: created \(dir) with \(cluster.count) validators")
        for (index, configuration) in cluster.configurations.enumerated() {
            print(
                "  node\(index): p2p \(configuration.listenHost):\(configuration.listenPort)  "
                    + "http://127.0.0.1:\(configuration.httpPort)  log \(cluster.nodes[index].logPath)")
        }
        let stop = StopSignal()
        stop.install()
        try cluster.startAll()
        defer { stop.uninstall() }

        let load = DevnetLoad(cluster: cluster, seed: UInt64(Date().timeIntervalSince1970))
        let interactive = isatty(STDOUT_FILENO) == 1
        let started = ContinuousClock.now
        var tick = 0
        var printedLines = 0
        while !stop.requested {
            if let seconds, ContinuousClock.now - started >= .seconds(seconds) { break }
            let statuses = await cluster.statuses()
            if !noLoad, statuses.contains(where: { ($0?.height ?? 0) >= 1 }) {
                await submitSampleTraffic(load, cluster: cluster, statuses: statuses, tick: tick)
            }
            let lines = statuses.enumerated().map { StatusLine.format(name: "node\($0.offset)", $0.element) }
            if interactive {
                if printedLines > 0 { print("\u{1B}[\(printedLines)A", terminator: "") }
                for line in lines { print("\u{1B}[2K" + line) }
                printedLines = lines.count
            } else if tick % 5 == 0 {
                for line in lines { print(line) }
            }
            tick += 1
            try? await Task.sleep(for: .seconds(1))
        }
        print("devnet: stopping \(cluster.count) nodes…")
        await cluster.stopAll(grace: .seconds(15))
        for (index, node) in cluster.nodes.enumerated() {
            print("  node\(index): exited with status \(node.terminationStatus.map(String.init) ?? "?")")
        }
    }

    /// One transfer per second to a rotating node, and a memory record every fifth second.
    private func submitSampleTraffic(_ load: DevnetLoad, cluster: LocalCluster, statuses: [StatusJSON?], tick: Int)
        async
    {
        let live = statuses.indices.filter { statuses[$0] != nil }
        guard !live.isEmpty else { return }
        let target = live[tick % live.count]
        _ = try? await load.transfer(amount: 1 + UInt64(tick % 100), via: target)
        if tick % 5 == 0 {
            let dimension = cluster.configurations[target].vectorDimension
            _ = try? await load.putMemory(dimension: dimension, via: target, note: "devnet sample \(tick)")
        }
    }

    /// The absolute path of this `hmn` binary, so the children run the same build.
    static func ownExecutable() throws -> String {
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return path }
        let argument = CommandLine.arguments[0]
        if argument.hasPrefix("/") { return argument }
        return (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(argument)
    }
}

/// SIGINT/SIGTERM as a flag the devnet loop polls (the default handlers would kill the supervisor
/// before it could stop its children).
final class StopSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var flag = false
    private var sources: [DispatchSourceSignal] = []

    var requested: Bool { lock.withLock { flag } }

    func install() {
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [weak self] in self?.lock.withLock { self?.flag = true } }
            source.resume()
            sources.append(source)
        }
    }

    func uninstall() {
        for source in sources { source.cancel() }
        sources = []
    }
}
