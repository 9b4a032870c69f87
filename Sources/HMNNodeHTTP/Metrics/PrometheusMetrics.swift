import CoreMetrics
import Prometheus
import Synchronization

/// A Prometheus registry with the swift-metrics factory that feeds it.
///
/// The node's layers emit through swift-metrics (`Gauge`, `Counter`, `Timer`) and never name a
/// backend; the executable calls ``bootstrap()`` once at start-up so those metrics land in one
/// registry, which `GET /metrics` prints. Tests and embedders that must not touch the process-wide
/// `MetricsSystem` create their own instance with ``init(registry:)`` and pass its ``factory``
/// explicitly.
public struct PrometheusMetrics: Sendable {
    /// Buckets for `hmn_commit_latency_seconds`: finality is tens of milliseconds to seconds.
    public static let commitLatencyBuckets: [Duration] = [
        .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
        .milliseconds(500), .seconds(1), .seconds(2), .seconds(5), .seconds(10),
    ]

    /// Where every metric is kept; ``exposition()`` prints it.
    public let registry: PrometheusCollectorRegistry
    /// The swift-metrics factory writing into ``registry``.
    public let factory: PrometheusMetricsFactory

    /// A standalone registry and factory; does not touch `MetricsSystem`.
    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets[NodeMetricNames.commitLatencySeconds] = Self.commitLatencyBuckets
        self.registry = registry
        self.factory = factory
    }

    private static let shared = Once()

    /// The process-wide instance, bootstrapping `MetricsSystem` with its factory on the first call.
    ///
    /// `MetricsSystem.bootstrap` may run only once per process, so every later call returns the
    /// same instance. If something else bootstrapped `MetricsSystem` first, this does not replace
    /// it (that would trap): the returned registry then receives only metrics sent to its
    /// ``factory`` explicitly.
    public static func bootstrap() -> PrometheusMetrics {
        shared.get { factory in
            if MetricsSystem.factory is NOOPMetricsHandler {
                MetricsSystem.bootstrap(factory)
            }
        }
    }

    /// Creates one instance and installs its factory exactly once, however many callers race.
    /// Separate from `MetricsSystem` so the once-logic can be tested without touching the process.
    final class Once: Sendable {
        private let state = Mutex<PrometheusMetrics?>(nil)

        init() {}

        func get(install: (PrometheusMetricsFactory) -> Void) -> PrometheusMetrics {
            state.withLock { current in
                if let current { return current }
                let metrics = PrometheusMetrics()
                install(metrics.factory)
                current = metrics
                return metrics
            }
        }
    }

    /// The registry in the Prometheus text exposition format (version 0.0.4).
    public func exposition() -> [UInt8] { registry.emitToBuffer() }
}
