import Prometheus
import SlackSocketMode

/// The metrics endpoint's pages: the Prometheus text exposition of a registry at `/metrics`, a short index at `/`,
/// and 404 for anything else.
///
/// ``page(for:)`` is the handler of the transport's ``HTTPListener``, so it runs on the lws service thread: it
/// only renders the registry (a lock and an atomic read per series) and never blocks.
public struct MetricsPage: Sendable {
    /// The content type of the exposition: Prometheus text format 0.0.4.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    private let registry: PrometheusCollectorRegistry

    /// Creates the pages over a registry.
    /// - Parameter registry: The registry the process's metrics are recorded into (the one behind the
    ///   `PrometheusMetricsFactory` given to `MetricsSystem.bootstrap`).
    public init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
    }

    /// Answers a `GET` request.
    /// - Parameter path: The request path without the query string.
    /// - Returns: 200 with the exposition for `/metrics`, 200 with an index for `/`, 404 otherwise.
    public func page(for path: String) -> HTTPPage {
        switch path {
        case "/metrics":
            var body: [UInt8] = []
            body.reserveCapacity(16 * 1024)
            registry.emit(into: &body)
            return HTTPPage(status: 200, contentType: Self.contentType, body: body)
        case "/":
            return .text("vigil\n\n/metrics  Prometheus metrics (text format 0.0.4)\n")
        default:
            return .text("not found; the metrics are at /metrics\n", status: 404)
        }
    }

    /// A `PrometheusMetricsFactory` over `registry` with histogram buckets that suit Vigil's timers (the library's
    /// default buckets start at 5 ms, which would put every envelope acknowledgement in the first one).
    ///
    /// Bootstrap it once, in the executable: `MetricsSystem.bootstrap(MetricsPage.factory(registry: registry))`.
    /// - Parameter registry: The registry the metrics page renders.
    /// - Returns: The factory.
    public static func factory(registry: PrometheusCollectorRegistry) -> PrometheusMetricsFactory {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets["vigil_ack_latency_seconds"] = [
            .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .microseconds(2_500),
            .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
            .milliseconds(250), .seconds(1),
        ]
        return factory
    }
}
