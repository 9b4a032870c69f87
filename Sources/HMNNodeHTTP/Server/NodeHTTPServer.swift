import CoreMetrics
import HMNNode
import Hummingbird
import Logging

/// Builds the node's HTTP API: JSON under `/v1`, Prometheus text at `/metrics`, `/health`.
///
/// ```swift
/// let metrics = PrometheusMetrics.bootstrap()
/// let api = NodeHTTPServer.makeApplication(
///     node: node, configuration: NodeHTTPConfiguration(port: 26657), metrics: metrics, logger: logger)
/// let group = ServiceGroup(services: [node, api], gracefulShutdownSignals: [.sigterm], logger: logger)
/// try await group.run()
/// ```
///
/// The returned `Application` is a swift-service-lifecycle `Service`: run it in a `ServiceGroup`
/// beside the node, and it stops gracefully with the group.
public enum NodeHTTPServer {
    /// The concrete application type ``makeApplication(node:configuration:metrics:logger:)`` returns.
    public typealias App = Application<RouterResponder<BasicRequestContext>>

    /// A router with every route, for embedding in a larger Hummingbird application or for tests.
    ///
    /// - Parameter metrics: the registry `/metrics` prints and the HTTP request counter writes to.
    public static func makeRouter(
        node: some NodeAPI, configuration: NodeHTTPConfiguration = NodeHTTPConfiguration(),
        metrics: PrometheusMetrics
    ) -> Router<BasicRequestContext> {
        let router = Router()
        // Middleware first: it applies only to routes added after it, and to the not-found responder.
        router.add(middleware: APIMiddleware<BasicRequestContext>(metricsFactory: metrics.factory))
        NodeRoutes(node: node, configuration: configuration).register(on: router)
        router.get("/metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.exposition())))
        }
        return router
    }

    /// The API as a runnable Hummingbird application bound to `configuration.host:port`.
    ///
    /// - Parameter metrics: defaults to the process-wide ``PrometheusMetrics/bootstrap()`` instance,
    ///   so the node's swift-metrics output appears at `/metrics`.
    public static func makeApplication(
        node: some NodeAPI, configuration: NodeHTTPConfiguration = NodeHTTPConfiguration(),
        metrics: PrometheusMetrics = .bootstrap(), logger: Logger
    ) -> App {
        Application(
            router: makeRouter(node: node, configuration: configuration, metrics: metrics),
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: configuration.port),
                serverName: configuration.serverName),
            logger: logger)
    }
}
