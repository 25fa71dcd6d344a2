import Testing

@testable import SlackSocketMode
@testable import VigilBase

@Suite struct WebSocketTransportConfigurationTests {
    @Test func noProxyVariablesMeansDirect() throws {
        let configuration = try WebSocketTransportConfiguration.fromEnvironment(["PATH": "/usr/bin", "https_proxy": ""])
        #expect(configuration.proxy == nil)
        #expect(configuration.maxMessageBytes == 16 * 1024 * 1024)
        #expect(configuration.proxy(forHost: "wss-primary.slack.com") == nil)
    }

    @Test func parsesProxyURLWithPercentEncodedCredentials() throws {
        let configuration = try WebSocketTransportConfiguration.fromEnvironment([
            "HTTPS_PROXY": "http://ops%40corp:p%3Ass@proxy.corp.example:3128/"
        ])
        let proxy = try #require(configuration.proxy)
        #expect(proxy.host == "proxy.corp.example")
        #expect(proxy.port == 3128)
        #expect(proxy.credentials == .init(username: "ops@corp", password: "p:ss"))
        #expect(!proxy.description.contains("p:ss"))
    }

    @Test func lowercaseVariableWinsAndPortDefaultsTo1080() throws {
        let configuration = try WebSocketTransportConfiguration.fromEnvironment([
            "https_proxy": "proxy-a", "HTTPS_PROXY": "http://proxy-b:8080",
        ])
        #expect(configuration.proxy == .init(host: "proxy-a", port: 1080))
    }

    @Test func parsesIPv6Proxy() throws {
        let configuration = try WebSocketTransportConfiguration.fromEnvironment(["https_proxy": "http://[fd00::1]:3128"])
        #expect(configuration.proxy == .init(host: "fd00::1", port: 3128))
        #expect(configuration.proxy?.description == "[fd00::1]:3128")
    }

    @Test(arguments: ["https://proxy:443", "socks5://proxy:1080", "http://proxy:0", "http://proxy:99999",
                      "http://:3128", "http://[fd00::1:3128", "http://proxy:port"])
    func rejectsUnusableProxyValues(_ value: String) {
        #expect(throws: WebSocketError.invalidConfiguration) {
            _ = try WebSocketTransportConfiguration.fromEnvironment(["https_proxy": value])
        }
    }

    @Test func loopbackAndNoProxyHostsBypassTheProxy() throws {
        let configuration = try WebSocketTransportConfiguration.fromEnvironment([
            "https_proxy": "http://proxy:3128",
            "NO_PROXY": " internal.example , .corp.example,10.1.2.3,[fd00::2],intranet:8443",
        ])
        #expect(configuration.proxy(forHost: "wss-primary.slack.com") != nil)
        for host in ["127.0.0.1", "127.1.2.3", "localhost", "LOCALHOST", "api.localhost", "::1", "[::1]",
                     "internal.example", "a.internal.example", "corp.example", "x.y.corp.example", "10.1.2.3",
                     "fd00::2", "intranet"] {
            #expect(configuration.proxy(forHost: host) == nil, "\(host) should bypass the proxy")
        }
        for host in ["notinternal.example", "corp.example.com", "10.1.2.30", "slack.com"] {
            #expect(configuration.proxy(forHost: host) != nil, "\(host) should use the proxy")
        }
    }

    @Test func wildcardNoProxyDisablesTheProxy() throws {
        let configuration = try WebSocketTransportConfiguration.fromEnvironment([
            "https_proxy": "proxy:3128", "no_proxy": "*",
        ])
        #expect(configuration.proxy(forHost: "wss-primary.slack.com") == nil)
    }

    @Test func redactsQueryStringsFromURLs() {
        #expect(
            WebSocketTransport.redactedURL("wss://wss-primary.slack.com/link/?ticket=abc&app_id=A1")
                == "wss://wss-primary.slack.com/link/?…"
        )
        #expect(WebSocketTransport.redactedURL("ws://127.0.0.1:8080/x#frag") == "ws://127.0.0.1:8080/x")
        #expect(WebSocketTransport.redactedURL("ws://h?ticket=t#f") == "ws://h?…")
    }

    @Test func extractsHosts() {
        #expect(WebSocketTransport.host(of: "wss://wss-primary.slack.com/link/?ticket=abc") == "wss-primary.slack.com")
        #expect(WebSocketTransport.host(of: "ws://127.0.0.1:8080?x=1") == "127.0.0.1")
        #expect(WebSocketTransport.host(of: "ws://[::1]:80/") == "::1")
        #expect(WebSocketTransport.host(of: "ws:///path") == nil)
        #expect(WebSocketTransport.host(of: "nonsense") == nil)
    }

    @Test func errorsCompareByKindAndDescribeTheFix() {
        let rejected = WebSocketError.connectionFailure(.handshakeRejected, httpStatus: 409, detail: "HS: ws upgrade response not 101")
        #expect(rejected == .handshakeRejected)
        #expect(rejected.httpStatus == 409)
        #expect(rejected != .tlsFailed)
        #expect("\(rejected)".contains("HTTP 409"))
        #expect("\(rejected)".contains("apps.connections.open"))
        #expect(WebSocketError.connectionFailure(.tls, httpStatus: 409, detail: "").httpStatus == nil)
    }
}
