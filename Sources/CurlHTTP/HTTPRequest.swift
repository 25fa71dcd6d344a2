/// One outbound HTTP request, independent of the transport that performs it.
///
/// `description` and reflection (`dump`) show the method and the origin only (scheme, host, port): the path of a
/// slash command's `response_url` is a credential, and the `Authorization` header carries a token.
public struct HTTPRequest: Sendable {
    /// An HTTP method.
    public struct Method: Sendable, Hashable, RawRepresentable, CustomStringConvertible {
        /// The method token, for example `POST`.
        public var rawValue: String
        /// Creates a method from its token.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// `GET`.
        public static let get = Method(rawValue: "GET")
        /// `POST`.
        public static let post = Method(rawValue: "POST")
        /// `PUT`.
        public static let put = Method(rawValue: "PUT")
        /// `DELETE`.
        public static let delete = Method(rawValue: "DELETE")
        /// The method token.
        public var description: String { rawValue }
    }

    /// The request method.
    public var method: Method
    /// The absolute URL (`http://` or `https://`).
    public var url: String
    /// Header fields in the order they are sent. Names are sent as given.
    public var headers: [(String, String)]
    /// The request body; empty means none.
    public var body: [UInt8]
    /// Longest time to establish the connection (TCP + TLS, and the proxy when there is one).
    public var connectTimeout: Duration
    /// Longest time for the whole exchange, connection included.
    public var timeout: Duration
    /// Whether the transport may send the request again by itself when a reused connection fails before the answer
    /// (libcurl does so silently). `false` for requests that must not reach the server twice, such as posting a
    /// message: the transfer fails instead, and the caller decides. Default `true`.
    public var mayBeSentAgain: Bool = true
    /// Where the request may connect, or `nil` for Vigil's own calls (Slack). When set, every address the
    /// transport is about to connect to is checked after DNS resolution and a refused one is never connected to;
    /// the request uses no proxy (a proxy would connect on its behalf, unchecked) and a fresh connection that is
    /// closed afterwards (a pooled one was opened for another request and never checked against this policy).
    public var destinationPolicy: ProbeDestinationPolicy?

    /// Creates a request.
    ///
    /// - Parameters:
    ///   - method: The request method. Defaults to `GET`.
    ///   - url: The absolute URL.
    ///   - headers: Header fields, in order.
    ///   - body: The body; empty means none.
    ///   - connectTimeout: Longest time to connect. Defaults to 10 seconds.
    ///   - timeout: Longest time for the whole exchange. Defaults to 30 seconds.
    public init(
        method: Method = .get,
        url: String,
        headers: [(String, String)] = [],
        body: [UInt8] = [],
        connectTimeout: Duration = .seconds(10),
        timeout: Duration = .seconds(30)
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.connectTimeout = connectTimeout
        self.timeout = timeout
    }

    /// The value of the first header named `name` (case-insensitive), if any.
    public func headerValue(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.0.lowercased() == wanted }?.1
    }

    /// `scheme://host[:port]` of `url`, without user info, path, query or fragment: safe to log and to put in errors.
    public var redactedOrigin: String { Self.redactedOrigin(of: url) }

    /// `scheme://host[:port]` of `url`, without user info, path, query or fragment.
    static func redactedOrigin(of url: String) -> String {
        guard let schemeEnd = url.firstRange(of: "://") else { return "<url>" }
        let scheme = url[..<schemeEnd.lowerBound]
        var authority = url[schemeEnd.upperBound...]
        if let end = authority.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) {
            authority = authority[..<end]
        }
        if let at = authority.lastIndex(of: "@") {
            authority = authority[authority.index(after: at)...]
        }
        return "\(scheme)://\(authority)"
    }
}

extension HTTPRequest: CustomStringConvertible, CustomReflectable {
    /// `METHOD scheme://host[:port]/…`; never the path, query or headers.
    public var description: String { "\(method) \(redactedOrigin)/…" }

    /// A mirror without the URL path, the header values or the body, so `dump` cannot leak a token.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "method": method.rawValue,
                "origin": redactedOrigin,
                "headerNames": headers.map(\.0),
                "bodyBytes": body.count,
            ],
            displayStyle: .struct
        )
    }
}
