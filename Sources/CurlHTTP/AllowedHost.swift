import VigilBase
/// One entry of an `allowed_hosts` list: a host name, a `*.` wildcard, or an address range.
///
/// | entry | allows |
/// |---|---|
/// | `metrics.example.com` | that host name exactly (case-insensitive; a trailing dot is ignored) |
/// | `*.example.com` | any name ending in `.example.com` (not `example.com` itself) |
/// | `10.1.2.3`, `10.0.0.0/8`, `fd00::/8` | connections to addresses in the range, whatever name the URL uses |
///
/// A name entry allows a request by the URL's host name; an address entry allows it by the address libcurl is about
/// to connect to (after DNS resolution), so a name that starts resolving elsewhere is refused.
public enum AllowedHost: Sendable, Hashable, CustomStringConvertible {
    /// A host name, lower-cased, without a trailing dot.
    case name(String)
    /// `*.` + suffix: the suffix, lower-cased, starting with a dot (`.example.com`).
    case subdomains(of: String)
    /// An address range.
    case addresses(IPAddressRange)

    /// Parses an entry; `nil` when the text is neither a host name, a `*.` wildcard nor an address or range.
    ///
    /// - Parameter text: The entry as configured.
    public init?(_ text: String) {
        let trimmed = text.trimmed()
        if let range = IPAddressRange(trimmed) {
            self = .addresses(range)
            return
        }
        var name = trimmed.lowercased()
        if name.hasSuffix(".") { name.removeLast() }
        if name.hasPrefix("*.") {
            let suffix = String(name.dropFirst(2))
            guard HostName.isValid(suffix) else { return nil }
            self = .subdomains(of: "." + suffix)
        } else {
            guard HostName.isValid(name), IPAddress(name) == nil else { return nil }
            self = .name(name)
        }
    }

    /// Whether the entry allows `host` (a URL's host name) by name.
    ///
    /// - Parameter host: The host part of a URL, any case.
    public func allows(host: String) -> Bool {
        var host = host.lowercased()
        if host.hasSuffix(".") { host.removeLast() }
        switch self {
        case .name(let name): return host == name
        case .subdomains(let suffix): return host.hasSuffix(suffix) && host.count > suffix.count
        case .addresses(let range): return IPAddress(host).map(range.contains) ?? false
        }
    }

    /// Whether the entry allows a connection to `address`.
    ///
    /// - Parameter address: The address about to be connected to.
    public func allows(address: IPAddress) -> Bool {
        if case .addresses(let range) = self { return range.contains(address) }
        return false
    }

    /// The entry as it would be configured.
    public var description: String {
        switch self {
        case .name(let name): name
        case .subdomains(let suffix): "*" + suffix
        case .addresses(let range): range.description
        }
    }
}
