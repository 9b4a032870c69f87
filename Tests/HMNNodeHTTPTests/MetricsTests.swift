import CoreMetrics
import HMNNodeHTTP
import Hummingbird
import Metrics
import Synchronization
import Testing

@testable import HMNNodeHTTP

@Suite("Prometheus metrics")
struct MetricsTests {
    @Test("/metrics prints gauges, counters and timers set through swift-metrics, and counts HTTP requests")
    func exposition() async throws {
        let harness = try APIHarness()
        let factory = harness.metrics.factory
        Gauge(label: NodeMetricNames.height, factory: factory).record(7)
        Gauge(label: NodeMetricNames.lambda, factory: factory).record(0.85)
        Gauge(label: NodeMetricNames.psi, dimensions: [("validator", "ab12")], factory: factory).record(0.9)
        Counter(label: NodeMetricNames.gossipBytesTotal, dimensions: [("direction", "out")], factory: factory)
            .increment(by: 1_500)
        Timer(label: NodeMetricNames.commitLatencySeconds, factory: factory).recordMilliseconds(180)

        try await harness.run { client in
            _ = try await client.get("/v1/status")
            _ = try await client.get("/v1/status")
            _ = try await client.get("/v1/blocks/zero")
            _ = try await client.get("/nowhere")
            let response = try await client.get("/metrics")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
            let text = response.text
            let lines = Set(text.split(separator: "\n").map(String.init))
            #expect(lines.contains("hmn_height 7.0"), "\(text)")
            #expect(lines.contains("hmn_lambda 0.85"))
            #expect(lines.contains(#"hmn_psi{validator="ab12"} 0.9"#))
            #expect(lines.contains(#"hmn_gossip_bytes_total{direction="out"} 1500"#))
            #expect(lines.contains("# TYPE hmn_commit_latency_seconds histogram"))
            #expect(lines.contains(#"hmn_commit_latency_seconds_bucket{le="0.25"} 1"#))
            #expect(lines.contains(#"hmn_commit_latency_seconds_bucket{le="0.1"} 0"#))
            #expect(lines.contains(#"hmn_http_requests_total{route="/v1/status",method="GET",status="200"} 2"#))
            #expect(
                lines.contains(#"hmn_http_requests_total{route="/v1/blocks/{height}",method="GET",status="400"} 1"#))
            #expect(lines.contains(#"hmn_http_requests_total{route="unmatched",method="GET",status="404"} 1"#))
        }
    }

    @Test("the bootstrap once-logic installs one factory however many callers race")
    func bootstrapOnce() async {
        // Exercised on a private `Once`, not `PrometheusMetrics.bootstrap()`, so this test never
        // bootstraps the process-wide MetricsSystem that other test targets share.
        let once = PrometheusMetrics.Once()
        let installs = InstallCounter()
        let registries = await withTaskGroup(of: ObjectIdentifier.self) { group in
            for _ in 0..<16 {
                group.addTask {
                    ObjectIdentifier(once.get { _ in installs.count.withLock { $0 += 1 } }.registry)
                }
            }
            return await group.reduce(into: Set<ObjectIdentifier>()) { $0.insert($1) }
        }
        #expect(registries.count == 1)
        #expect(installs.count.withLock { $0 } == 1)
    }
}

final class InstallCounter: Sendable {
    let count = Mutex(0)
}
