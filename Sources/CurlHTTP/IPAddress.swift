#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An IPv4 or IPv6 address as bytes, for checking where an HTTP probe may connect.
///
/// Parsing and printing use the C library (`inet_pton`/`inet_ntop`), so every textual form the resolver and libcurl
/// accept (`::ffff:169.254.169.254`, `fe80::1`) is understood the same way here. ``embeddedIPv4`` exposes the IPv4
/// address carried inside an IPv6 one (IPv4-mapped `::ffff:a.b.c.d`, IPv4-compatible `::a.b.c.d` and the NAT64
/// well-known prefix `64:ff9b::/96`), so a forbidden IPv4 address cannot be reached by writing it as IPv6.
public struct IPAddress: Sendable, Hashable, CustomStringConvertible {
    /// The address in network byte order: 4 bytes for IPv4, 16 for IPv6.
    public let bytes: [UInt8]

    /// Creates an address from 4 (IPv4) or 16 (IPv6) bytes in network order; `nil` for any other count.
    ///
    /// - Parameter bytes: The address bytes.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 4 || bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    /// Parses a literal address: dotted IPv4 or any RFC 4291 IPv6 form, optionally in brackets (`[fe80::1]`).
    /// Host names, ports, zone ids (`%eth0`) and shortened IPv4 forms (`127.1`) are not addresses: `nil`.
    ///
    /// - Parameter text: The text.
    public init?(_ text: some StringProtocol) {
        var literal = String(text)
        if literal.hasPrefix("["), literal.hasSuffix("]") { literal = String(literal.dropFirst().dropLast()) }
        var v4 = in_addr()
        if inet_pton(AF_INET, literal, &v4) == 1 {
            self.bytes = withUnsafeBytes(of: &v4) { Array($0) }
            return
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, literal, &v6) == 1 {
            self.bytes = withUnsafeBytes(of: &v6) { Array($0) }
            return
        }
        return nil
    }

    /// Whether this is an IPv4 address.
    public var isIPv4: Bool { bytes.count == 4 }

    /// The IPv4 address inside an IPv6 one (`::ffff:a.b.c.d`, `::a.b.c.d`, `64:ff9b::a.b.c.d`), else `nil`.
    /// `::` and `::1` are not read as IPv4 (they are the unspecified and loopback IPv6 addresses).
    public var embeddedIPv4: IPAddress? {
        guard bytes.count == 16 else { return nil }
        let head = bytes[0..<12]
        let tail = Array(bytes[12..<16])
        let mapped = head.elementsEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF])
        let compatible = head.allSatisfy { $0 == 0 } && tail[0..<3].contains { $0 != 0 }
        let nat64 = head.elementsEqual([0x00, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0])
        return mapped || compatible || nat64 ? IPAddress(bytes: tail) : nil
    }

    /// The conventional text form (`169.254.169.254`, `fe80::1`, `::ffff:169.254.169.254`).
    public var description: String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let printed = bytes.withUnsafeBytes { raw in
            inet_ntop(isIPv4 ? AF_INET : AF_INET6, raw.baseAddress, &buffer, socklen_t(buffer.count)) != nil
        }
        guard printed else { return bytes.map(String.init).joined(separator: ".") }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
