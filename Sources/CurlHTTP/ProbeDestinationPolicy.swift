/// Where an HTTP probe may connect: never to link-local or cloud-metadata addresses, and, when `allowed_hosts`
/// lists are configured, only to what every one of them allows.
///
/// The policy is applied twice. Before the request, ``refusal(forHost:)`` checks the URL's host name (a literal
/// address in the URL is checked as an address). Then, for every address libcurl is about to open a socket to —
/// after its own DNS resolution, on every connection attempt — ``refusal(forAddress:host:)`` decides again; a refused
/// address gets no socket (see `CurlTransfer`), so a name that resolves, or re-resolves, to a forbidden address is
/// never connected to, and nothing is sent.
///
/// Always refused, whatever the lists say (``forbiddenReason(_:)``):
/// - `169.254.0.0/16` (IPv4 link-local, including the AWS/GCP/Azure/OpenStack metadata address 169.254.169.254),
/// - `fe80::/10` (IPv6 link-local),
/// - `fd00:ec2::254` (the AWS metadata service over IPv6),
/// - `100.100.100.200` (the Alibaba Cloud metadata address),
/// - and each IPv4 address above written as IPv6 (`::ffff:169.254.169.254`, `64:ff9b::a9fe:a9fe`).
///
/// A destination is allowed by a list when the URL's host name matches one of its name entries, or the address
/// matches one of its address entries (see ``AllowedHost``). With several lists (the global `probes.allowed_hosts`
/// and the probe's own), each must allow it. With none, every destination that is not always refused is allowed.
public struct ProbeDestinationPolicy: Sendable, Hashable {
    /// The `allowed_hosts` lists that all have to allow a destination; empty means no restriction beyond the
    /// always-refused addresses.
    public var allowedHostLists: [[AllowedHost]]

    /// Creates a policy.
    ///
    /// - Parameter allowedHostLists: The lists that must each allow a destination (default: none).
    public init(allowedHostLists: [[AllowedHost]] = []) {
        self.allowedHostLists = allowedHostLists
    }

    /// Addresses no probe may connect to, with the reason given in the refusal.
    public static let forbiddenRanges: [(range: IPAddressRange, reason: String)] = [
        (IPAddressRange("169.254.0.0/16")!, "a link-local address (169.254.0.0/16, where cloud metadata services live)"),
        (IPAddressRange("fe80::/10")!, "an IPv6 link-local address (fe80::/10)"),
        (IPAddressRange("fd00:ec2::254")!, "the AWS metadata service address (fd00:ec2::254)"),
        (IPAddressRange("100.100.100.200")!, "the Alibaba Cloud metadata address (100.100.100.200)"),
    ]

    /// Why `address` is always refused, or `nil` when it is not one of the ``forbiddenRanges``.
    ///
    /// - Parameter address: The address.
    public static func forbiddenReason(_ address: IPAddress) -> String? {
        forbiddenRanges.first { $0.range.contains(address) }?.reason
    }

    /// Why a request to `host` (the URL's host part, without brackets or port) is refused before any connection,
    /// or `nil` when it may go ahead (its addresses are still checked at connect time).
    ///
    /// - Parameter host: The host name or literal address of the URL.
    public func refusal(forHost host: String) -> String? {
        if let address = IPAddress(host) {
            if let reason = Self.forbiddenReason(address) { return "\(address) is \(reason)" }
            for list in allowedHostLists where !list.contains(where: { $0.allows(address: address) }) {
                return "\(address) is not in allowed_hosts (\(Self.describe(list)))"
            }
            return nil
        }
        for list in allowedHostLists {
            let byName = list.contains { $0.allows(host: host) }
            let hasAddressEntries = list.contains { if case .addresses = $0 { true } else { false } }
            if !byName, !hasAddressEntries {
                return "\(host) is not in allowed_hosts (\(Self.describe(list)))"
            }
        }
        return nil
    }

    /// Why connecting to `address` for a request to `host` is refused, or `nil` when it is allowed.
    ///
    /// - Parameters:
    ///   - address: The address about to be connected to.
    ///   - host: The URL's host part (a name or a literal address).
    public func refusal(forAddress address: IPAddress, host: String) -> String? {
        if let reason = Self.forbiddenReason(address) {
            return IPAddress(host) == nil ? "\(host) resolves to \(address), \(reason)" : "\(address) is \(reason)"
        }
        for list in allowedHostLists {
            let allowed = list.contains { $0.allows(host: host) || $0.allows(address: address) }
            if !allowed {
                let subject = IPAddress(host) == nil ? "\(host) resolves to \(address), which" : "\(address)"
                return "\(subject) is not in allowed_hosts (\(Self.describe(list)))"
            }
        }
        return nil
    }

    private static func describe(_ list: [AllowedHost]) -> String {
        let shown = list.prefix(5).map(\.description).joined(separator: ", ")
        return list.count > 5 ? shown + ", …" : shown
    }
}
