import VigilBase

/// Checks for text that must name a host: `allowed_hosts` entries and host-like alert values given to commands.
public enum HostName {
    /// Whether `name` is a DNS host name: dot-separated labels of 1–63 ASCII letters, digits, `-` and `_`, no label
    /// starting or ending with `-`, at most 253 characters (a trailing dot is allowed).
    ///
    /// - Parameter name: The text.
    public static func isValid(_ name: some StringProtocol) -> Bool {
        var text = Substring(name)
        if text.hasSuffix(".") { text = text.dropLast() }
        guard !text.isEmpty, text.utf8.count <= 253 else { return false }
        for label in text.split(separator: ".", omittingEmptySubsequences: false) {
            guard (1...63).contains(label.utf8.count), label.first != "-", label.last != "-" else { return false }
            let allowed = label.utf8.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
                    true
                default:
                    false
                }
            }
            guard allowed else { return false }
        }
        return true
    }

    /// Whether `value` names a host the way monitoring labels do: a host name, an IPv4 address, an IPv6 address
    /// (bare or in brackets), each optionally followed by `:port` (IPv6 only in brackets, `[::1]:9100`).
    ///
    /// Such a value can never start with `-`, contain white space, quotes, `$`, `;`, `/` or `=`, so a script that
    /// passes it on cannot have it read as an option or as shell syntax.
    ///
    /// - Parameter value: The text.
    public static func isHostLike(_ value: some StringProtocol) -> Bool {
        let text = Substring(value)
        if IPAddress(text) != nil { return true }
        let host: Substring
        let port: Substring?
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            host = text[...close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { return false }
            port = rest.dropFirst()
        } else if let colon = text.lastIndex(of: ":") {
            host = text[..<colon]
            port = text[text.index(after: colon)...]
        } else {
            host = text
            port = nil
        }
        if let port {
            guard !port.isEmpty, port.count <= 5, port.allSatisfy({ $0.isASCII && $0.isNumber }),
                let number = Int(port), (1...65_535).contains(number)
            else { return false }
        }
        if host.hasPrefix("[") { return IPAddress(host).map { !$0.isIPv4 } ?? false }
        return IPAddress(host)?.isIPv4 ?? isValid(host)
    }
}
