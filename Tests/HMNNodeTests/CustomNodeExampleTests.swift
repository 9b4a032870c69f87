import Foundation
import HMNCoherence
import HMNConsensus
import HMNLedger
import HMNNode
import Logging
import ServiceLifecycle
import Testing

// The example quoted in Docs/OPERATIONS.md and the HMNNode DocC page ("A custom node binary").
// BEGIN EXAMPLE
/// A custom node binary: load a home directory, bind the TCP transport, pick a λ policy (any
/// `LambdaPolicy`, including your own type), run the node until SIGTERM or SIGINT.
func runCustomNode(homeDirectory: String, logger: Logger) async throws {
    let home = try NodeHome.load(homeDirectory)
    let transport = try await FullNode.bindNetworkTransport(home: home, logger: logger)
    var options = FullNode.Options()
    options.lambdaPolicy = try PIDLambdaPolicy(target: 0.97)
    let node = try FullNode.open(home: home, transport: transport, options: options, logger: logger)
    let group = ServiceGroup(services: [node], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
    try await group.run()
}
// END EXAMPLE

@Suite("Custom node example")
struct CustomNodeExampleTests {
    @Test("the documented custom node runs a one-validator chain over TCP and shuts down cleanly")
    func customNodeRuns() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hmn-custom-\(UUID().uuidString)")
            .path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var options = LocalTestnet.fastOptions
        options.coherence.baseEpochMilliseconds = 20
        let layout = try Testnet.initialize(validators: 1, directory: directory, basePort: 40_000, options: options)
        // Listen on a free port.
        let configPath = "\(layout.homes[0])/config.json"
        var configuration = try JSONDecoder().decode(
            NodeConfiguration.self, from: Data(contentsOf: URL(fileURLWithPath: configPath)))
        configuration.listenPort = 0
        try JSONEncoder().encode(configuration).write(to: URL(fileURLWithPath: configPath))

        let task = Task { try await runCustomNode(homeDirectory: layout.homes[0], logger: LocalTestnet.quiet) }
        let home = try NodeHome.load(layout.homes[0])
        // Wait for height 4 to start, read from the consensus WAL's checkpoint (replaced
        // atomically by rename, so a plain read sees a whole file; the ledger is the node's own).
        try await LocalTestnet.eventually("three blocks committed") {
            guard let data = FileManager.default.contents(atPath: home.walPath) else { return false }
            return WALFraming.unframe(Array(data)).records.contains { record in
                if case .heightStarted(let snapshot) = record { return snapshot.height >= 4 }
                return false
            }
        }
        task.cancel()
        try? await task.value
        // Graceful shutdown left a consistent ledger behind: it reopens and verifies.
        let ledger = try Ledger.open(
            path: home.ledgerPath,
            engine: CoherenceLayer2Engine(parameters: try home.genesisDocument.coherenceParameters()),
            logger: LocalTestnet.quiet)
        defer { ledger.close() }
        #expect(try ledger.verifyChain() >= 3)
    }
}
