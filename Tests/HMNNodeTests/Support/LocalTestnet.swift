import Foundation
import HMNLedger
import HMNNode
import HMNPrimitives
import HMNTransport
import Logging
import MetricsTestKit
import Testing

/// Four (or N) full nodes in one process over an ``InMemoryNetwork``, created from real home
/// directories by ``Testnet/initialize(validators:directory:basePort:host:chainID:options:)``,
/// with short timeouts and a 100 ms base epoch so a block takes a fraction of a second.
final class LocalTestnet: @unchecked Sendable {
    static let quiet = Logger(label: "hmn.test", factory: { _ in SwiftLogNoOpLogHandler() })

    let directory: String
    let layout: Testnet.Layout
    let homes: [NodeHome]
    let network = InMemoryNetwork()
    private(set) var transports: [ReattachableTransport] = []
    private(set) var nodes: [FullNode?] = []
    private var tasks: [Task<Void, Never>?] = []

    static var fastOptions: Testnet.Options {
        var options = Testnet.Options()
        options.keySeed = 7
        options.genesisTimeMilliseconds = WallClock.nowMilliseconds() - 1_000
        options.timeouts = NodeConfiguration.Timeouts(
            proposeMilliseconds: 600, prevoteMilliseconds: 300, precommitMilliseconds: 300, deltaMilliseconds: 100,
            gossipMilliseconds: 150)
        options.coherence = GenesisDocument.Coherence(baseEpochMilliseconds: 60, minEpochMilliseconds: 20)
        var parameters = GenesisDocument.Parameters()
        parameters.miningEpochLength = 5
        options.parameters = parameters
        options.vectorDimension = 8
        return options
    }

    /// Node 0's metrics go here.
    let metrics = TestMetrics()

    /// - Parameter configure: edits node `i`'s `config.json` before it loads (e.g. to inject a fault).
    init(
        validators: Int = 4, options: Testnet.Options = LocalTestnet.fastOptions,
        configure: (Int, inout NodeConfiguration) -> Void = { _, _ in }
    ) async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("hmn-node-\(UUID().uuidString)").path
        layout = try Testnet.initialize(
            validators: validators, directory: directory, basePort: 40_000, options: options)
        for (index, home) in layout.homes.enumerated() {
            let path = home + "/config.json"
            var configuration = try JSONDecoder().decode(
                NodeConfiguration.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
            let original = configuration
            configure(index, &configuration)
            if configuration != original {
                try JSONEncoder().encode(configuration).write(to: URL(fileURLWithPath: path))
            }
        }
        homes = try layout.homes.map { try NodeHome.load($0) }
        for home in homes {
            transports.append(ReattachableTransport(try await network.join(home.signingKey.publicKey)))
        }
        await network.connectAll()
        nodes = Array(repeating: nil, count: validators)
        tasks = Array(repeating: nil, count: validators)
        for index in homes.indices {
            try start(index, metrics: index == 0 ? NodeMetrics(factory: metrics) : NodeMetrics())
        }
    }

    /// Runs `body` on a fresh testnet and shuts the testnet down afterwards, whether `body` returns
    /// or throws.
    static func withTestnet(
        validators: Int = 4, options: Testnet.Options = LocalTestnet.fastOptions,
        configure: (Int, inout NodeConfiguration) -> Void = { _, _ in },
        _ body: (LocalTestnet) async throws -> Void
    ) async throws {
        let net = try await LocalTestnet(validators: validators, options: options, configure: configure)
        do {
            try await body(net)
        } catch {
            await net.shutdown()
            throw error
        }
        await net.shutdown()
    }

    func node(_ index: Int) -> FullNode { nodes[index]! }
    var running: [FullNode] { nodes.compactMap { $0 } }

    /// Opens node `index` from its home and runs it.
    func start(_ index: Int, metrics: NodeMetrics = NodeMetrics()) throws {
        transports[index].attach()
        var options = FullNode.Options()
        options.metrics = metrics
        let node = try FullNode.open(
            home: homes[index], transport: transports[index], options: options, logger: Self.quiet)
        nodes[index] = node
        tasks[index] = Task { try? await node.run() }
    }

    /// Stops node `index` gracefully and waits until it has flushed and closed everything.
    func stop(_ index: Int) async {
        tasks[index]?.cancel()
        await tasks[index]?.value
        tasks[index] = nil
        nodes[index] = nil
    }

    func shutdown() async {
        for index in tasks.indices { await stop(index) }
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Polls `condition` every 50 ms until it holds or `seconds` pass.
    ///
    /// The ceiling is generous on purpose: alone these tests finish in seconds, but a plain
    /// `swift test` runs every suite in one process and its cooperative thread pool (two threads on
    /// this machine), where the simulator's long synchronous tests can starve the nodes' tasks for a
    /// minute and more (`make test` runs them in separate processes for that reason).
    static func eventually(
        _ what: String, within seconds: Double = 180, _ condition: () async throws -> Bool
    ) async throws {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("timed out after \(seconds) s waiting for: \(what)")
        throw CancellationError()
    }

    func height(_ index: Int) async -> UInt64 { await node(index).status().height }

    /// Waits until every running node has committed `height`.
    func waitForHeight(_ height: UInt64) async throws {
        try await Self.eventually("height \(height) on every running node") {
            for node in running where await node.status().height < height { return false }
            return true
        }
    }
}
