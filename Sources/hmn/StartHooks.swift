import HMNNode
import HMNNodeHTTP
import HMNTransport
import Logging
import ServiceLifecycle

/// The extension point of `hmn start`: services that run beside the node in the same
/// `ServiceGroup`, built from the node once it is open. They are started after the node and shut
/// down before it. `hmn` adds the HTTP API (JSON under /v1, /metrics, /health).
enum StartHooks {
    /// Must run before the node is opened: swift-metrics handlers bind to the factory that is
    /// bootstrapped when they are created.
    static func bootstrapMetrics() -> PrometheusMetrics { PrometheusMetrics.bootstrap() }

    static func extraServices(
        _ node: FullNode, _ home: NodeHome, _ logger: Logger, httpHost: String, metrics: PrometheusMetrics
    ) -> [any Service] {
        let configuration = NodeHTTPConfiguration(
            host: httpHost, port: home.configuration.httpPort,
            maxVectorDimension: home.configuration.vectorDimension)
        var httpLogger = logger
        httpLogger[metadataKey: "component"] = "http"
        return [NodeHTTPServer.makeApplication(node: node, configuration: configuration, metrics: metrics, logger: httpLogger)]
    }
}

/// Keeps the concrete transport for its bound port.
struct NetworkTransportHandle: Sendable {
    let transport: NetworkTransport
    init(_ transport: NetworkTransport) { self.transport = transport }
}
