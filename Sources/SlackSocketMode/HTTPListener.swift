/// A plain-HTTP listener served by a ``WebSocketTransport`` on its own lws service thread (no extra thread): the
/// shim adds one server vhost bound to exactly ``address``. Vigil uses it for the Prometheus metrics page.
///
/// Only `GET` requests reach ``handler``; every other method gets `405 Method Not Allowed` and the connection is
/// closed. Responses carry `Cache-Control: no-store`. There is no TLS and no authentication, so give a loopback
/// address.
public struct HTTPListener: Sendable {
    /// A numeric IPv4 or IPv6 address without brackets, such as `127.0.0.1` or `::1`. Only this address is bound
    /// (an IPv6 listener is v6-only).
    public var address: String
    /// The TCP port, 1–65535, or 0 to let the system pick a free one (tests; read it back from
    /// ``WebSocketTransport/httpListenPort``).
    public var port: Int
    /// Answers the path of a `GET` request (percent-decoded, without the query string).
    ///
    /// Runs **on the lws service thread**, one request at a time, while every WebSocket of the transport waits:
    /// it must be quick and must never block or await. An invalid page (bad status or content type) is answered
    /// with 500.
    public var handler: @Sendable (String) -> HTTPPage

    /// Creates a listener setting.
    /// - Parameters:
    ///   - address: A numeric IPv4 or IPv6 address without brackets.
    ///   - port: The TCP port, or 0 for a free one.
    ///   - handler: Answers `GET` requests on the service thread; must not block.
    public init(address: String, port: Int, handler: @escaping @Sendable (String) -> HTTPPage) {
        self.address = address
        self.port = port
        self.handler = handler
    }
}
