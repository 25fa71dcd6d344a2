import VigilBase

/// Settings of a ``WebSocketTransport``, fixed when the transport is created.
///
/// - `extraCAFile` (`String?`, default `nil`): a PEM bundle trusted *in addition to* the system CA store for
///   `wss://` connections (for a TLS-inspecting proxy or a test CA). Verification is never disabled.
/// - `proxy` (``Proxy``?, default `nil`): HTTP proxy used with `CONNECT` for hosts not listed in `noProxy`.
/// - `noProxy` (`[String]`, default `[]`): host names or domain suffixes reached directly; `"*"` means all.
///   Loopback (`localhost`, `127.0.0.0/8`, `::1`) is always reached directly.
/// - `maxMessageBytes` (`Int`, default 16 MiB): largest inbound message delivered; larger messages are
///   reported as ``WebSocketEvent/oversized(byteCount:)`` and discarded.
/// - `handshakeTimeout` (`Duration`, default 20 s): limit for TCP connect, TLS and the HTTP upgrade.
/// - `closeTimeout` (`Duration`, default 1 s): after our close frame, drop the socket if the peer keeps it
///   open this long (Slack does not always close TCP after the close handshake).
/// - `httpListener` (``HTTPListener``?, default `nil`): a plain-HTTP listener served on the same service thread
///   (the metrics page); `nil` for none.
public struct WebSocketTransportConfiguration: Sendable {
    /// An HTTP proxy reached with `CONNECT host:port` (the tunnel carries TLS end to end).
    public struct Proxy: Sendable, Hashable, CustomStringConvertible {
        /// Basic-auth credentials for the proxy.
        public struct Credentials: Sendable, Hashable {
            /// User name (must not contain `:`).
            public var username: String
            /// Password.
            public var password: String

            /// Creates credentials.
            /// - Parameters:
            ///   - username: User name, without `:`.
            ///   - password: Password.
            public init(username: String, password: String) {
                self.username = username
                self.password = password
            }
        }

        /// Proxy host name or IP address (IPv6 without brackets).
        public var host: String
        /// Proxy TCP port.
        public var port: Int
        /// Optional Basic-auth credentials.
        public var credentials: Credentials?

        /// Creates a proxy setting.
        /// - Parameters:
        ///   - host: Host name or IP address (IPv6 without brackets).
        ///   - port: TCP port, 1...65535.
        ///   - credentials: Optional Basic-auth credentials.
        public init(host: String, port: Int, credentials: Credentials? = nil) {
            self.host = host
            self.port = port
            self.credentials = credentials
        }

        /// `host:port`, with a note if credentials are set (never the credentials themselves).
        public var description: String {
            let h = host.contains(":") ? "[\(host)]" : host
            return "\(h):\(port)" + (credentials == nil ? "" : " (with credentials)")
        }
    }

    /// PEM bundle trusted in addition to the system CA store; `nil` for the system store only.
    public var extraCAFile: String?
    /// Proxy for hosts not matched by ``noProxy``; `nil` to connect directly.
    public var proxy: Proxy?
    /// Hosts and domain suffixes that bypass ``proxy``; `"*"` bypasses it for all hosts.
    public var noProxy: [String]
    /// Largest inbound message that is delivered, in bytes.
    public var maxMessageBytes: Int
    /// Limit for TCP connect, TLS handshake and HTTP upgrade.
    public var handshakeTimeout: Duration
    /// How long the peer may keep the socket open after our close frame.
    public var closeTimeout: Duration
    /// A plain-HTTP listener served by the transport's service thread, or `nil` for none.
    public var httpListener: HTTPListener?

    /// Creates a configuration. Every parameter has the default listed on the type.
    /// - Parameters:
    ///   - extraCAFile: PEM bundle trusted in addition to the system store.
    ///   - proxy: HTTP `CONNECT` proxy.
    ///   - noProxy: Hosts and domain suffixes that bypass the proxy.
    ///   - maxMessageBytes: Largest inbound message delivered.
    ///   - handshakeTimeout: Connect + TLS + upgrade limit.
    ///   - closeTimeout: Close-handshake limit after our close frame.
    ///   - httpListener: Plain-HTTP listener on the service thread.
    public init(
        extraCAFile: String? = nil,
        proxy: Proxy? = nil,
        noProxy: [String] = [],
        maxMessageBytes: Int = 16 * 1024 * 1024,
        handshakeTimeout: Duration = .seconds(20),
        closeTimeout: Duration = .seconds(1),
        httpListener: HTTPListener? = nil
    ) {
        self.extraCAFile = extraCAFile
        self.proxy = proxy
        self.noProxy = noProxy
        self.maxMessageBytes = maxMessageBytes
        self.handshakeTimeout = handshakeTimeout
        self.closeTimeout = closeTimeout
        self.httpListener = httpListener
    }

    /// Builds a configuration from proxy environment variables, with all other settings at their defaults.
    ///
    /// Reads `https_proxy` (then `HTTPS_PROXY`) as `[http://][user:password@]host[:port][/]` (port defaults
    /// to 1080, as in curl; user and password may be percent-encoded) and `no_proxy` (then `NO_PROXY`) as a
    /// comma-separated list of host names, domain suffixes (`.example.com` or `example.com`) or `*`.
    /// Empty variables count as unset.
    /// - Parameter env: The environment, for example `ProcessInfo.processInfo.environment`.
    /// - Throws: ``WebSocketError/invalidConfiguration`` if the proxy variable cannot be parsed.
    public static func fromEnvironment(_ env: [String: String]) throws(WebSocketError) -> Self {
        var configuration = Self()
        let proxyValue = [env["https_proxy"], env["HTTPS_PROXY"]].compactMap { $0 }.first { !$0.isEmpty }
        if let proxyValue {
            configuration.proxy = try parseProxy(proxyValue)
        }
        let noProxyValue = [env["no_proxy"], env["NO_PROXY"]].compactMap { $0 }.first { !$0.isEmpty }
        if let noProxyValue {
            configuration.noProxy = noProxyValue.split(separator: ",").map { $0.trimmed() }.filter { !$0.isEmpty }
        }
        return configuration
    }

    /// The proxy to use for `host`, or `nil` to connect directly (no proxy, loopback, or listed in ``noProxy``).
    /// - Parameter host: The URL host (IPv6 with or without brackets).
    public func proxy(forHost host: String) -> Proxy? {
        guard let proxy else { return nil }
        var h = host.lowercased()
        if h.hasPrefix("["), h.hasSuffix("]") { h = String(h.dropFirst().dropLast()) }
        if h.hasSuffix(".") { h.removeLast() }
        if h == "localhost" || h.hasSuffix(".localhost") || h == "::1" || h.hasPrefix("127.") { return nil }
        for rawEntry in noProxy {
            var entry = rawEntry.lowercased()
            if entry == "*" { return nil }
            if entry.hasPrefix("[") {
                if let close = entry.firstIndex(of: "]") { entry = String(entry[entry.index(after: entry.startIndex)..<close]) }
            } else if entry.filter({ $0 == ":" }).count == 1, let colon = entry.firstIndex(of: ":") {
                entry = String(entry[..<colon])  // "host:port": ports are ignored
            }
            while entry.hasPrefix("*") || entry.hasPrefix(".") { entry.removeFirst() }
            if entry.hasSuffix(".") { entry.removeLast() }
            if entry.isEmpty { continue }
            if h == entry || h.hasSuffix("." + entry) { return nil }
        }
        return proxy
    }

    private static func parseProxy(_ value: String) throws(WebSocketError) -> Proxy {
        var rest = Substring(value.trimmed())
        if let schemeEnd = rest.firstRange(of: "://") {
            let scheme = rest[..<schemeEnd.lowerBound].lowercased()
            guard scheme == "http" else {
                throw .invalidConfiguration(
                    "https_proxy uses scheme \(scheme)://; only http:// proxies (CONNECT) are supported"
                )
            }
            rest = rest[schemeEnd.upperBound...]
        }
        if let slash = rest.firstIndex(of: "/") { rest = rest[..<slash] }
        var credentials: Proxy.Credentials?
        if let at = rest.lastIndex(of: "@") {
            let userinfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
            let parts = userinfo.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            guard let user = percentDecoded(parts[0]), let password = percentDecoded(parts.count > 1 ? parts[1] : "")
            else {
                throw .invalidConfiguration("https_proxy has badly percent-encoded credentials")
            }
            guard !user.contains(":"), (user.utf8.count + 1 + password.utf8.count) <= 93 else {
                throw .invalidConfiguration("https_proxy credentials contain ':' in the user name or exceed 93 bytes")
            }
            credentials = .init(username: user, password: password)
        }
        var host: Substring
        var portText: Substring?
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else {
                throw .invalidConfiguration("https_proxy has an unterminated IPv6 address")
            }
            host = rest[rest.index(after: rest.startIndex)..<close]
            let after = rest[rest.index(after: close)...]
            if after.hasPrefix(":") { portText = after.dropFirst() } else if !after.isEmpty {
                throw .invalidConfiguration("https_proxy has text after the IPv6 address")
            }
        } else if let colon = rest.lastIndex(of: ":") {
            host = rest[..<colon]
            portText = rest[rest.index(after: colon)...]
        } else {
            host = rest
        }
        guard !host.isEmpty, host.utf8.count <= 120, !host.contains("@"), !host.contains(" ") else {
            throw .invalidConfiguration("https_proxy has no usable host")
        }
        var port = 1080
        if let portText {
            guard let p = Int(portText), (1...65535).contains(p) else {
                throw .invalidConfiguration("https_proxy port must be 1...65535")
            }
            port = p
        }
        return Proxy(host: String(host), port: port, credentials: credentials)
    }

    private static func percentDecoded(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%") {
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                    return nil
                }
                bytes.append(high << 4 | low)
            } else {
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
