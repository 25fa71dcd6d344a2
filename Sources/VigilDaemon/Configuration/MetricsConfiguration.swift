/// Where the Prometheus metrics endpoint listens (YAML section `metrics`); absent means no endpoint.
///
/// | key | type | default | meaning |
/// |---|---|---|---|
/// | `listen` | `host:port` | required in the section | `127.0.0.1:9464` or `[::1]:9464`; `VIGIL_METRICS_LISTEN` wins and turns the endpoint on without the section |
///
/// Only loopback addresses are accepted: the metrics name channels, incidents and workspaces and carry no
/// authentication, so a scraper on another machine should reach them through a tunnel or a reverse proxy.
public struct MetricsConfiguration: Sendable, Hashable {
    /// The loopback address, without brackets: `127.0.0.1` or `::1`.
    public var host: String
    /// The TCP port, 1–65535.
    public var port: Int

    /// Creates the configuration.
    ///
    /// - Parameters:
    ///   - host: A loopback address.
    ///   - port: The TCP port.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// The address as configured: `127.0.0.1:9464` or `[::1]:9464`.
    public var listen: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// Parses `host:port`, accepting only loopback addresses.
    ///
    /// - Parameter text: `127.x.y.z:port` or `[::1]:port`.
    /// - Returns: The configuration, or a problem description that says what to write instead.
    static func parse(_ text: String) -> Result<MetricsConfiguration, MetricsAddressProblem> {
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else {
                return .failure(.malformed)
            }
            host = text[text.index(after: text.startIndex)..<close]
            portText = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":"), !text[..<colon].contains(":") else {
                return .failure(text.filter { $0 == ":" }.count > 1 ? .unbracketedIPv6 : .malformed)
            }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        }
        guard let port = Int(portText), (1...65535).contains(port) else { return .failure(.badPort) }
        if host == "::1" { return .success(MetricsConfiguration(host: "::1", port: port)) }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        let isIPv4 = octets.count == 4 && octets.allSatisfy { UInt8($0) != nil && $0.allSatisfy(\.isNumber) }
        if isIPv4 {
            return octets[0] == "127"
                ? .success(MetricsConfiguration(host: String(host), port: port)) : .failure(.notLoopback)
        }
        if host.lowercased() == "localhost" { return .failure(.hostName) }
        return .failure(host.contains(":") ? .notLoopback : .hostName)
    }

    /// Why a `metrics.listen` value was refused.
    enum MetricsAddressProblem: Error {
        case malformed, unbracketedIPv6, badPort, notLoopback, hostName

        /// What to tell the admin.
        var text: String {
            switch self {
            case .malformed: "must be host:port, such as 127.0.0.1:9464 or [::1]:9464"
            case .unbracketedIPv6: "write IPv6 addresses in brackets: [::1]:9464"
            case .badPort: "needs a port from 1 to 65535, such as 127.0.0.1:9464"
            case .notLoopback:
                "must be a loopback address (127.0.0.1:9464 or [::1]:9464): the metrics endpoint has no "
                    + "authentication; let a remote Prometheus reach it through an SSH tunnel or a reverse proxy"
            case .hostName: "must be an IP address, not a host name: write 127.0.0.1:9464 or [::1]:9464"
            }
        }
    }
}
