import ArgumentParser
import Foundation
import HMNNode
import Logging
import ServiceLifecycle

/// `hmn start --home D`: runs a full node until SIGTERM or SIGINT, then shuts down gracefully
/// (consensus stopped, ledger and vector store flushed and closed).
struct StartCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "start",
        abstract: "Run a full node from its home directory (Ctrl-C or SIGTERM stops it cleanly)."
    )

    @Option(help: "The node's home directory (config.json, genesis.json, node_key, data/).")
    var home: String

    @Option(help: "Address the HTTP API binds to (its port is config.json's httpPort). The API has no authentication: keep it private.")
    var httpHost: String = "127.0.0.1"

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    func run() async throws {
        guard let level = Logger.Level(rawValue: logLevel) else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let metrics = StartHooks.bootstrapMetrics()
        var logger = Logger(label: "hmn.node")
        let nodeHome: NodeHome
        do {
            nodeHome = try NodeHome.load(home)
        } catch {
            throw CommandFailure("cannot load home \(home): \(error.description)")
        }
        logger[metadataKey: "node"] = "\(nodeHome.configuration.moniker)"
        // Held until the process exits: `hmn reset` and a second `hmn start` on this home refuse.
        let lock: DataDirectoryLock
        do {
            lock = try DataDirectoryLock.acquire(nodeHome)
        } catch {
            throw CommandFailure("cannot start from \(home): \(error.description)")
        }
        let transport: NetworkTransportHandle
        do {
            transport = NetworkTransportHandle(try await FullNode.bindNetworkTransport(home: nodeHome, logger: logger))
        } catch {
            let address = "\(nodeHome.configuration.listenHost):\(nodeHome.configuration.listenPort)"
            let text = "\(error)"
            if text.contains("in use") || text.contains("EADDRINUSE") {
                throw CommandFailure("port \(address) is already in use (another node running?)")
            }
            throw CommandFailure("cannot listen on \(address): \(text)")
        }
        let node: FullNode
        do {
            node = try FullNode.open(home: nodeHome, transport: transport.transport, logger: logger)
        } catch {
            // A corruptStorage message names the damaged file and the recovery (`hmn reset`).
            throw CommandFailure("cannot open the node: \(error.description)")
        }
        let extra = StartHooks.extraServices(node, nodeHome, logger, httpHost: httpHost, metrics: metrics)
        logger.info(
            "starting node",
            metadata: [
                "chain": "\(nodeHome.genesis.chainID)", "key": "\(nodeHome.signingKey.publicKey.short)",
                "p2p": "\(nodeHome.configuration.listenHost):\(transport.transport.localPort)",
                "http": "\(httpHost):\(nodeHome.configuration.httpPort)",
            ])
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [ServiceGroupConfiguration.ServiceConfiguration(service: node)]
                    + extra.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) },
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        withExtendedLifetime(lock) {}
    }
}
