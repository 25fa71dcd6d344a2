import AlertReading
import VigilBase

/// A URL with `{{…}}` placeholders filled from an alert.
///
/// Placeholders: `{{name}}`, `{{host}}`, `{{service}}` and `{{label.<key>}}` (whitespace inside the braces is
/// ignored). Every substituted value is percent-encoded: only the RFC 3986 *unreserved* characters
/// (`A-Z a-z 0-9 - . _ ~`) are kept, every other UTF-8 byte becomes `%XX`, so a value can never add a path
/// segment, a query parameter or a fragment (`a b/c?d&e=f#g` → `a%20b%2Fc%3Fd%26e%3Df%23g`). The template's own
/// literal text comes from configuration and is used as written.
public struct URLTemplate: Sendable, Hashable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// The template text as configured.
    public let template: String

    /// Creates a template; call ``validate()`` at configuration load to reject typos early.
    ///
    /// - Parameter template: The template text.
    public init(_ template: String) {
        self.template = template
    }

    /// Creates a template from a literal.
    ///
    /// - Parameter value: The template text.
    public init(stringLiteral value: String) {
        self.template = value
    }

    /// The template text.
    public var description: String { template }

    /// Checks that every placeholder is known and closed.
    ///
    /// - Throws: ``URLTemplateError`` for an unknown or unterminated placeholder.
    public func validate() throws(URLTemplateError) {
        for segment in try parse() {
            if case .placeholder(let placeholder) = segment, case .unknown(let name) = placeholder {
                throw .unknownPlaceholder(name)
            }
        }
    }

    /// Checks that the template can only ever address one server, and returns that server's host: the scheme, the
    /// user info, the host and the port must be literal text, so placeholders fill only the path, query and
    /// fragment. Used for HTTP probes, whose URL Vigil itself fetches; links, which only people follow, may put
    /// placeholders anywhere.
    ///
    /// - Returns: The literal host, lower-cased, without brackets (`metrics.example.com`, `10.0.0.5`, `::1`).
    /// - Throws: ``URLTemplateError`` for an invalid placeholder, a placeholder in the scheme, user info, host or
    ///   port, or a URL without a host.
    public func requestHost() throws(URLTemplateError) -> String {
        try validate()
        guard let schemeEnd = template.firstRange(of: "://") else { throw .noHost }
        let scheme = template[..<schemeEnd.lowerBound]
        if let placeholder = Self.firstPlaceholder(in: scheme) { throw .placeholderInAuthority(placeholder, part: "scheme") }
        let afterScheme = template[schemeEnd.upperBound...]
        let authority = afterScheme.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        var hostAndPort = authority
        if let at = authority.lastIndex(of: "@") {
            let userInfo = authority[..<at]
            if let placeholder = Self.firstPlaceholder(in: userInfo) {
                throw .placeholderInAuthority(placeholder, part: "user info")
            }
            hostAndPort = authority[authority.index(after: at)...]
        }
        var host = hostAndPort
        var port: Substring = ""
        if hostAndPort.hasPrefix("["), let close = hostAndPort.firstIndex(of: "]") {
            host = hostAndPort[hostAndPort.index(after: hostAndPort.startIndex)..<close]
            port = hostAndPort[hostAndPort.index(after: close)...]
        } else if let colon = hostAndPort.lastIndex(of: ":") {
            host = hostAndPort[..<colon]
            port = hostAndPort[colon...]
        }
        if let placeholder = Self.firstPlaceholder(in: host) { throw .placeholderInAuthority(placeholder, part: "host") }
        if let placeholder = Self.firstPlaceholder(in: port) { throw .placeholderInAuthority(placeholder, part: "port") }
        if let placeholder = Self.firstPlaceholder(in: authority) {
            throw .placeholderInAuthority(placeholder, part: "host")
        }
        guard !host.isEmpty else { throw .noHost }
        return host.lowercased()
    }

    /// The first `{{…}}` in `text` (up to its `}}`, or the rest of the text when unterminated).
    private static func firstPlaceholder(in text: Substring) -> String? {
        guard let open = text.firstRange(of: "{{") else { return nil }
        let rest = text[open.lowerBound...]
        if let close = rest.firstRange(of: "}}") { return String(rest[..<close.upperBound]) }
        return String(rest.prefix(40))
    }

    /// Fills the placeholders from `alert`.
    ///
    /// - Parameter alert: The alert whose fields are substituted.
    /// - Returns: The URL with every placeholder replaced by its percent-encoded value.
    /// - Throws: ``URLTemplateError`` when a placeholder is unknown or unterminated, or when the alert has no value
    ///   (or an empty one) for it: a link or probe URL with a hole in it would point somewhere else.
    public func render(for alert: Alert) throws(URLTemplateError) -> String {
        var result = ""
        for segment in try parse() {
            switch segment {
            case .literal(let text):
                result += text
            case .placeholder(let placeholder):
                let value: String?
                switch placeholder {
                case .name: value = alert.name
                case .host: value = alert.host
                case .service: value = alert.service
                case .label(let key): value = alert.labels[key]
                case .unknown(let name): throw .unknownPlaceholder(name)
                }
                guard let value, !value.isEmpty else { throw .missingValue(placeholder.text) }
                result += Self.percentEncode(value)
            }
        }
        return result
    }

    /// Percent-encodes `value`, keeping only RFC 3986 unreserved characters.
    ///
    /// - Parameter value: Any text; it is encoded as UTF-8 first.
    /// - Returns: The encoded text, with upper-case hex digits.
    public static func percentEncode(_ value: String) -> String {
        let hex: [UInt8] = Array("0123456789ABCDEF".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(value.utf8.count)
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                bytes.append(byte)
            default:
                bytes.append(UInt8(ascii: "%"))
                bytes.append(hex[Int(byte >> 4)])
                bytes.append(hex[Int(byte & 0x0F)])
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private enum Placeholder: Hashable {
        case name, host, service
        case label(String)
        case unknown(String)

        var text: String {
            switch self {
            case .name: "{{name}}"
            case .host: "{{host}}"
            case .service: "{{service}}"
            case .label(let key): "{{label.\(key)}}"
            case .unknown(let name): "{{\(name)}}"
            }
        }
    }

    private enum Segment: Hashable {
        case literal(String)
        case placeholder(Placeholder)
    }

    private func parse() throws(URLTemplateError) -> [Segment] {
        var segments: [Segment] = []
        var rest = Substring(template)
        while let open = rest.firstRange(of: "{{") {
            if open.lowerBound > rest.startIndex {
                segments.append(.literal(String(rest[rest.startIndex..<open.lowerBound])))
            }
            let afterOpen = rest[open.upperBound...]
            guard let close = afterOpen.firstRange(of: "}}") else {
                throw .unterminatedPlaceholder(String(rest[open.lowerBound...].prefix(40)))
            }
            let name = afterOpen[afterOpen.startIndex..<close.lowerBound].trimmingWhitespace()
            let placeholder: Placeholder
            switch name {
            case "name": placeholder = .name
            case "host": placeholder = .host
            case "service": placeholder = .service
            default:
                if name.hasPrefix("label."), name.count > "label.".count {
                    placeholder = .label(String(name.dropFirst("label.".count)))
                } else {
                    placeholder = .unknown(String(name))
                }
            }
            segments.append(.placeholder(placeholder))
            rest = afterOpen[close.upperBound...]
        }
        if !rest.isEmpty { segments.append(.literal(String(rest))) }
        return segments
    }
}

extension Substring {
    fileprivate func trimmingWhitespace() -> Substring {
        var slice = self
        while let first = slice.first, first.isWhitespace { slice = slice.dropFirst() }
        while let last = slice.last, last.isWhitespace { slice = slice.dropLast() }
        return slice
    }
}
