import SlackSocketMode
import VigilDaemon
import Prometheus
import Testing

/// The metrics pages over a registry made in the test (no global `MetricsSystem`).
struct MetricsPageTests {
    @Test func metricsIsTheTextExpositionOfTheRegistry() {
        let registry = PrometheusCollectorRegistry()
        let received = MetricNameDescriptor(
            namespace: "vigil", metricName: "envelopes_received", unitName: "total", helpText: "Envelopes read.")
        registry.makeCounter(descriptor: received, labels: [("workspace", "ops")]).increment(by: Int64(7))
        let live = MetricNameDescriptor(
            namespace: "vigil", metricName: "socket_connections", unitName: "live", helpText: "Live connections.")
        registry.makeGauge(descriptor: live, labels: [("workspace", "ops")]).set(Double(2))
        let page = MetricsPage(registry: registry).page(for: "/metrics")
        #expect(page.status == 200)
        #expect(page.contentType == "text/plain; version=0.0.4; charset=utf-8")
        let text = String(decoding: page.body, as: UTF8.self)
        #expect(text.contains("# HELP vigil_envelopes_received_total Envelopes read.\n"))
        #expect(text.contains("# TYPE vigil_envelopes_received_total counter\n"))
        #expect(text.contains("vigil_envelopes_received_total{workspace=\"ops\"} 7\n"))
        #expect(text.contains("# TYPE vigil_socket_connections_live gauge\n"))
        #expect(text.contains("vigil_socket_connections_live{workspace=\"ops\"} 2.0\n"))
    }

    @Test func theIndexPointsToMetricsAndEverythingElseIsNotFound() {
        let pages = MetricsPage(registry: PrometheusCollectorRegistry())
        let index = pages.page(for: "/")
        #expect(index.status == 200)
        #expect(String(decoding: index.body, as: UTF8.self).contains("/metrics"))
        for path in ["/nope", "/metrics/", "/metricsx", "/favicon.ico"] {
            #expect(pages.page(for: path).status == 404, "\(path)")
        }
    }

    @Test func theFactoryRecordsIntoTheRegistryWithFineAckLatencyBuckets() {
        let registry = PrometheusCollectorRegistry()
        let factory = MetricsPage.factory(registry: registry)
        #expect(factory.registry === registry)
        let buckets = factory.durationHistogramBuckets["vigil_ack_latency_seconds"] ?? []
        #expect(buckets.first == .microseconds(100))
        #expect(buckets == buckets.sorted())
        #expect(factory.durationHistogramBuckets["vigil_webapi_queue_wait_seconds"] == nil, "library defaults")
    }
}
