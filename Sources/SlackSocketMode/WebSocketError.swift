/// An error of the WebSocket transport: a failed call or a connection that never opened.
///
/// Compare errors by kind with `==` against the static members (for example `error == .tlsFailed`); the
/// detail text and HTTP status do not take part in equality. Descriptions never contain URL query strings
/// (Slack's `ticket` parameter) or credentials.
public struct WebSocketError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: Hashable, Sendable {
        case invalidURL
        case invalidConfiguration
        case contextCreationFailed
        case httpListenFailed
        case transportShutDown
        case outOfMemory
        case connectFailed
        case tlsFailed
        case handshakeRejected
        case protocolError
        case timedOut
        case cancelled
    }

    private let code: Code
    /// The HTTP status of a rejected upgrade (``handshakeRejected``), otherwise `nil`.
    public let httpStatus: Int?
    /// What the lower layer said, already free of secrets; empty if nothing.
    public let detail: String

    private init(_ code: Code, httpStatus: Int? = nil, detail: String = "") {
        self.code = code
        self.httpStatus = httpStatus
        self.detail = detail
    }

    /// The URL is not `ws://` or `wss://` with a host (and optional port, path and query).
    public static var invalidURL: Self { .init(.invalidURL) }
    /// A configuration value cannot be used (for example a malformed proxy variable).
    public static var invalidConfiguration: Self { .init(.invalidConfiguration) }
    /// The lws context or its service thread could not be created.
    public static var contextCreationFailed: Self { .init(.contextCreationFailed) }
    /// The HTTP listener (``HTTPListener``) could not be bound, for example because the port is in use.
    public static var httpListenFailed: Self { .init(.httpListenFailed) }
    /// The transport was shut down; no new connections or frames are accepted.
    public static var transportShutDown: Self { .init(.transportShutDown) }
    /// Memory for the request could not be allocated.
    public static var outOfMemory: Self { .init(.outOfMemory) }
    /// DNS, TCP, the proxy or the socket failed before the WebSocket handshake.
    public static var connectFailed: Self { .init(.connectFailed) }
    /// The TLS handshake failed, typically certificate verification.
    public static var tlsFailed: Self { .init(.tlsFailed) }
    /// The server answered the upgrade request with an HTTP status other than 101 (see ``httpStatus``).
    public static var handshakeRejected: Self { .init(.handshakeRejected) }
    /// The server's upgrade response was not a valid WebSocket handshake.
    public static var protocolError: Self { .init(.protocolError) }
    /// Connecting or the handshake took longer than the configured timeout.
    public static var timedOut: Self { .init(.timedOut) }
    /// The connection was closed, aborted or shut down before it opened.
    public static var cancelled: Self { .init(.cancelled) }

    static func invalidURL(_ redactedURL: String) -> Self { .init(.invalidURL, detail: redactedURL) }
    static func invalidConfiguration(_ detail: String) -> Self { .init(.invalidConfiguration, detail: detail) }
    static func contextCreationFailed(_ detail: String) -> Self { .init(.contextCreationFailed, detail: detail) }
    static func httpListenFailed(_ detail: String) -> Self { .init(.httpListenFailed, detail: detail) }
    static func connectionFailure(
        _ code: ConnectionFailure,
        httpStatus: Int?,
        detail: String
    ) -> Self {
        let mapped: Code
        switch code {
        case .connect: mapped = .connectFailed
        case .tls: mapped = .tlsFailed
        case .handshakeRejected: mapped = .handshakeRejected
        case .protocolError: mapped = .protocolError
        case .timedOut: mapped = .timedOut
        case .cancelled: mapped = .cancelled
        }
        return .init(mapped, httpStatus: mapped == .handshakeRejected ? httpStatus : nil, detail: detail)
    }

    /// Failure kinds reported by the shim for a connection that never opened.
    enum ConnectionFailure {
        case connect, tls, handshakeRejected, protocolError, timedOut, cancelled
    }

    /// Equal when the kinds are equal.
    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }

    /// Hashes the kind only, consistent with `==`.
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    /// What happened and what to do about it.
    public var description: String {
        let base: String
        switch code {
        case .invalidURL:
            base = "WebSocket URL is invalid; expected ws:// or wss:// with a host (as returned by apps.connections.open)"
        case .invalidConfiguration:
            base = "WebSocket transport configuration is invalid; fix the value named below"
        case .contextCreationFailed:
            base = "could not start the WebSocket client (lws); check the extra CA file, proxy settings and memory"
        case .httpListenFailed:
            base = "could not open the HTTP (metrics) listener; choose a free port or stop the process using it"
        case .transportShutDown:
            base = "WebSocket transport is shut down; create a new transport to connect again"
        case .outOfMemory:
            base = "out of memory while queueing a WebSocket request"
        case .connectFailed:
            base = "could not reach the WebSocket server (DNS, TCP or proxy); check network and proxy, then retry with backoff"
        case .tlsFailed:
            base = "TLS handshake with the WebSocket server failed; check the system CA store, the extra CA file and the clock"
        case .handshakeRejected:
            let status = httpStatus.map { " with HTTP \($0)" } ?? ""
            base = "WebSocket upgrade was rejected\(status); request a fresh URL (apps.connections.open) and retry with backoff"
        case .protocolError:
            base = "WebSocket server sent an invalid handshake response; retry with a fresh URL"
        case .timedOut:
            base = "WebSocket connect or handshake timed out; check connectivity, then retry with backoff"
        case .cancelled:
            base = "WebSocket connection was closed or aborted before it opened"
        }
        return detail.isEmpty ? base : "\(base) (\(detail))"
    }
}
