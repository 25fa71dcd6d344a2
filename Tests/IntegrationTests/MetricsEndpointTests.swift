import Foundation
import Metrics
import Prometheus
import SlackSimulator
import Testing
import CurlHTTP
import SlackSocketMode
import VigilDaemon

/// The metrics listener of the real shim (a server vhost on the lws service thread), fetched with the real libcurl
/// driver over 127.0.0.1. Metrics are recorded through a factory over a registry made here; the global
/// `MetricsSystem` is never bootstrapped.
@Suite(.timeLimit(.minutes(1)))
struct MetricsEndpointTests {
    let logger = SocketModeHarness.quietLogger

    private static func listener(_ registry: PrometheusCollectorRegistry, port: Int = 0) -> HTTPListener {
        let page = MetricsPage(registry: registry)
        return HTTPListener(address: "127.0.0.1", port: port) { page.page(for: $0) }
    }

    @Test func servesTheExpositionTheIndexA404AndA405() async throws {
        let registry = PrometheusCollectorRegistry()
        let factory = PrometheusMetricsFactory(registry: registry)
        Metrics.Counter(label: "vigil_test_envelopes_total", dimensions: [("workspace", "ops")], factory: factory)
            .increment(by: 3)
        let transport = try WebSocketTransport(
            configuration: .init(httpListener: Self.listener(registry)), logger: logger)
        let curl = try CurlMultiDriver(logger: logger)
        let port = try #require(transport.httpListenPort)
        #expect(port > 0)
        let base = "http://127.0.0.1:\(port)"

        let metrics = try await curl.perform(HTTPRequest(url: "\(base)/metrics"))
        #expect(metrics.status == 200)
        #expect(metrics[header: "content-type"] == "text/plain; version=0.0.4; charset=utf-8")
        #expect(metrics[header: "cache-control"] == "no-store")
        let text = String(decoding: metrics.body, as: UTF8.self)
        #expect(text.contains("# TYPE vigil_test_envelopes_total counter\n"))
        #expect(text.contains("vigil_test_envelopes_total{workspace=\"ops\"} 3\n"), "\(text)")

        let index = try await curl.perform(HTTPRequest(url: "\(base)/"))
        #expect(index.status == 200)
        #expect(String(decoding: index.body, as: UTF8.self).contains("/metrics"))

        let missing = try await curl.perform(HTTPRequest(url: "\(base)/nope"))
        #expect(missing.status == 404)

        let query = try await curl.perform(HTTPRequest(url: "\(base)/metrics?name=x"))
        #expect(query.status == 200, "the query string is not part of the path")

        let post = try await curl.perform(HTTPRequest(method: .post, url: "\(base)/metrics", body: Array("x=1".utf8)))
        #expect(post.status == 405)
        #expect(post[header: "allow"] == "GET")
        let delete = try await curl.perform(HTTPRequest(method: .delete, url: "\(base)/metrics"))
        #expect(delete.status == 405)

        // The connection closed after the 405s; the listener keeps serving.
        let again = try await curl.perform(HTTPRequest(url: "\(base)/metrics"))
        #expect(again.status == 200)

        await curl.shutdown()
        await transport.shutdown()
        #expect(transport.httpListenPort == port, "readable after shutdown")
    }

    @Test func anInvalidPageIsAnswered500AndTheListenerGoesOn() async throws {
        let listener = HTTPListener(address: "127.0.0.1", port: 0) { path in
            path == "/broken"
                ? HTTPPage(status: 200, contentType: "text/plain\r\nx-injected: 1", body: Array("no".utf8))
                : .text("fine")
        }
        let transport = try WebSocketTransport(configuration: .init(httpListener: listener), logger: logger)
        let curl = try CurlMultiDriver(logger: logger)
        let port = try #require(transport.httpListenPort)
        let broken = try await curl.perform(HTTPRequest(url: "http://127.0.0.1:\(port)/broken"))
        #expect(broken.status == 500)
        #expect(broken[header: "x-injected"] == nil)
        let fine = try await curl.perform(HTTPRequest(url: "http://127.0.0.1:\(port)/"))
        #expect(fine.status == 200)
        #expect(String(decoding: fine.body, as: UTF8.self) == "fine")
        await curl.shutdown()
        await transport.shutdown()
    }

    @Test func aPortInUseFailsCreationNamingTheAddressAndTheReason() throws {
        let taken = try LoopbackSocket(listening: true)
        defer { taken.close() }
        let registry = PrometheusCollectorRegistry()
        #expect {
            _ = try WebSocketTransport(
                configuration: .init(httpListener: Self.listener(registry, port: taken.port)), logger: logger)
        } throws: { error in
            guard let error = error as? WebSocketError, error == .httpListenFailed else { return false }
            return "\(error)".contains("cannot listen on 127.0.0.1:\(taken.port): Address already in use")
        }
    }

    @Test func aHostNameIsRefused() throws {
        let listener = HTTPListener(address: "localhost", port: 0) { _ in .text("") }
        #expect {
            _ = try WebSocketTransport(configuration: .init(httpListener: listener), logger: logger)
        } throws: { error in
            guard let error = error as? WebSocketError, error == .httpListenFailed else { return false }
            return "\(error)".contains("not a numeric IPv4 or IPv6 address")
        }
    }

    @Test func twentyConcurrentScrapesWhileTheWebSocketsOfTheSameTransportKeepWorking() async throws {
        let registry = PrometheusCollectorRegistry()
        Metrics.Counter(label: "vigil_test_scrapes_total", factory: PrometheusMetricsFactory(registry: registry))
            .increment()
        let harness = try await SocketModeHarness(httpListener: Self.listener(registry))
        _ = try await harness.simulator.waitForLiveConnections(count: 2, timeout: .seconds(15))
        let port = try #require(harness.transport.httpListenPort)
        // Its own driver, allowed 20 connections to one host, so that the scrapes really overlap.
        let curl = try CurlMultiDriver(configuration: .init(maxConnectionsPerHost: 20), logger: logger)
        let since = ContinuousClock.now

        async let sent = harness.simulator.sendEventsAPIBatch(count: 300, rate: 600) { SocketModeHarness.humanMessage($0) }
        let scrapes = try await withThrowingTaskGroup(of: HTTPResponse.self) { group in
            for _ in 0..<20 {
                group.addTask { try await curl.perform(HTTPRequest(url: "http://127.0.0.1:\(port)/metrics")) }
            }
            return try await group.reduce(into: [HTTPResponse]()) { $0.append($1) }
        }
        #expect(scrapes.count == 20)
        for scrape in scrapes {
            #expect(scrape.status == 200)
            #expect(String(decoding: scrape.body, as: UTF8.self).contains("vigil_test_scrapes_total 1\n"))
        }

        let ids = try await sent
        #expect(ids.count == 300)
        _ = try await harness.simulator.waitForAcknowledgedEnvelopes(count: 300, timeout: .seconds(30))
        #expect(harness.simulator.unackedEnvelopes().isEmpty)
        #expect(harness.simulator.duplicateAcks().isEmpty)
        #expect(harness.simulator.liveConnectionGaps(since: since).isEmpty, "the WebSockets never dropped")
        try await waitUntil { harness.handler.envelopes.count == 300 }

        await curl.shutdown()
        try await harness.stop()
    }
}
