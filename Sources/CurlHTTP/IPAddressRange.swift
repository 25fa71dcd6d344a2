/// A block of addresses in CIDR notation (`10.0.0.0/8`, `fe80::/10`); a single address is a full-length prefix.
///
/// An IPv4 range also contains the IPv6 forms that carry its addresses (see ``IPAddress/embeddedIPv4``), so
/// `169.254.0.0/16` contains `::ffff:169.254.169.254`.
public struct IPAddressRange: Sendable, Hashable, CustomStringConvertible {
    /// The first address of the range (host bits cleared).
    public let network: IPAddress
    /// The number of leading bits that must match: 0–32 for IPv4, 0–128 for IPv6.
    public let prefixLength: Int

    /// Creates a range; host bits of `address` beyond `prefixLength` are cleared.
    ///
    /// - Parameters:
    ///   - address: Any address of the range.
    ///   - prefixLength: The prefix length; `nil` means the single address.
    /// - Returns: `nil` when the prefix length is out of range for the address family.
    public init?(_ address: IPAddress, prefixLength: Int? = nil) {
        let bits = address.bytes.count * 8
        let length = prefixLength ?? bits
        guard (0...bits).contains(length) else { return nil }
        var bytes = address.bytes
        for index in bytes.indices {
            let keep = max(0, min(8, length - index * 8))
            bytes[index] &= keep == 0 ? 0 : UInt8(truncatingIfNeeded: 0xFF << (8 - keep))
        }
        self.network = IPAddress(bytes: bytes)!
        self.prefixLength = length
    }

    /// Parses `address` or `address/prefix` (`10.0.0.0/8`, `fd00:ec2::254`, `[fe80::]/10`).
    ///
    /// - Parameter text: The text.
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPAddress(parts[0]) else { return nil }
        if parts.count == 2 {
            guard let length = Int(parts[1]), parts[1].allSatisfy(\.isASCII) else { return nil }
            self.init(address, prefixLength: length)
        } else {
            self.init(address)
        }
    }

    /// Whether `address` lies in the range, looking through IPv4-in-IPv6 forms for IPv4 ranges.
    ///
    /// - Parameter address: The address.
    public func contains(_ address: IPAddress) -> Bool {
        let candidate: IPAddress
        if network.bytes.count == address.bytes.count {
            candidate = address
        } else if network.isIPv4, let embedded = address.embeddedIPv4 {
            candidate = embedded
        } else {
            return false
        }
        return IPAddressRange(candidate, prefixLength: prefixLength)?.network == network
    }

    /// `address/prefix`, or the bare address for a single-address range.
    public var description: String {
        prefixLength == network.bytes.count * 8 ? network.description : "\(network)/\(prefixLength)"
    }
}
