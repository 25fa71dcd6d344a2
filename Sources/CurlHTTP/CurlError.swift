import CCurl

/// A failed libcurl transfer, translated at the C boundary.
///
/// Compare with the static members (`error == .timedOut`): equality looks at the kind only, not at the details.
/// ``requestCertainlyNotDelivered`` tells whether the request could have reached the server, which decides whether a
/// non-idempotent call (posting a message) may be sent again. The description names the kind, the origin
/// (`https://host:port`) and libcurl's message with anything token- or URL-shaped removed; never a path, query or
/// header.
public struct CurlError: Error, HTTPTransportFailure, Equatable, CustomStringConvertible {
    private enum Code: Equatable {
        case couldNotResolveHost
        case couldNotConnect
        case proxyFailed
        case tlsHandshakeFailed
        case certificateVerificationFailed
        case timedOut
        case sendFailed
        case receiveFailed
        case emptyReply
        case partialResponse
        case http2Failed
        case responseTooLarge
        case invalidRequest
        case setupFailed
        case shutDown
        case destinationRefused
        case other
    }

    private let code: Code
    /// The raw `CURLcode` (0 when the error did not come from a transfer result).
    public let curlCode: Int
    /// `true` when the server cannot have received the request. See ``HTTPTransportFailure``.
    public let requestCertainlyNotDelivered: Bool
    /// libcurl's error text (or the driver's), scrubbed of tokens and URL paths.
    public let detail: String
    /// `scheme://host[:port]` of the request, when known.
    public let origin: String?

    private init(
        code: Code,
        curlCode: Int = 0,
        requestCertainlyNotDelivered: Bool,
        detail: String = "",
        origin: String? = nil
    ) {
        self.code = code
        self.curlCode = curlCode
        self.requestCertainlyNotDelivered = requestCertainlyNotDelivered
        self.detail = SecretRedaction.scrub(detail)
        self.origin = origin
    }

    /// Equality of kinds; details are ignored.
    public static func == (lhs: CurlError, rhs: CurlError) -> Bool { lhs.code == rhs.code }

    /// The host name (of the server or the proxy) could not be resolved. Not delivered.
    public static let couldNotResolveHost = CurlError(code: .couldNotResolveHost, requestCertainlyNotDelivered: true)
    /// The TCP connection was refused or could not be made. Not delivered.
    public static let couldNotConnect = CurlError(code: .couldNotConnect, requestCertainlyNotDelivered: true)
    /// The proxy could not be resolved or refused the tunnel. Not delivered.
    public static let proxyFailed = CurlError(code: .proxyFailed, requestCertainlyNotDelivered: true)
    /// The TLS handshake failed. Not delivered.
    public static let tlsHandshakeFailed = CurlError(code: .tlsHandshakeFailed, requestCertainlyNotDelivered: true)
    /// The server certificate did not verify against the trusted CAs (system store plus `VIGIL_CA_FILE`).
    /// Not delivered.
    public static let certificateVerificationFailed = CurlError(
        code: .certificateVerificationFailed,
        requestCertainlyNotDelivered: true
    )
    /// The connect timeout or the total timeout expired. Delivery is certain-not only when nothing was sent.
    public static let timedOut = CurlError(code: .timedOut, requestCertainlyNotDelivered: false)
    /// Writing the request failed. Delivery is certain-not only when nothing was sent.
    public static let sendFailed = CurlError(code: .sendFailed, requestCertainlyNotDelivered: false)
    /// Reading the response failed (connection reset). Ambiguous unless nothing was sent.
    public static let receiveFailed = CurlError(code: .receiveFailed, requestCertainlyNotDelivered: false)
    /// The server closed the connection without sending any response. Ambiguous unless nothing was sent.
    public static let emptyReply = CurlError(code: .emptyReply, requestCertainlyNotDelivered: false)
    /// The connection closed in the middle of the response. Ambiguous.
    public static let partialResponse = CurlError(code: .partialResponse, requestCertainlyNotDelivered: false)
    /// An HTTP/2 framing or stream error. Ambiguous unless nothing was sent.
    public static let http2Failed = CurlError(code: .http2Failed, requestCertainlyNotDelivered: false)
    /// The response body exceeded the driver's limit and the transfer was aborted. The request was delivered.
    public static let responseTooLarge = CurlError(code: .responseTooLarge, requestCertainlyNotDelivered: false)
    /// The URL or method was rejected before anything was sent. Not delivered.
    public static let invalidRequest = CurlError(code: .invalidRequest, requestCertainlyNotDelivered: true)
    /// The transfer could not be set up (handle allocation, an unsupported option, an unreadable CA bundle).
    /// Not delivered.
    public static let setupFailed = CurlError(code: .setupFailed, requestCertainlyNotDelivered: true)
    /// The driver was shut down before or during the transfer. Delivery is certain-not only for transfers that
    /// had not started.
    public static let shutDown = CurlError(code: .shutDown, requestCertainlyNotDelivered: false)
    /// A probe request's destination was refused by its ``ProbeDestinationPolicy`` (a link-local or metadata
    /// address, or one outside `allowed_hosts`) before any connection was made. Not delivered.
    public static let destinationRefused = CurlError(code: .destinationRefused, requestCertainlyNotDelivered: true)
    /// Any other libcurl failure. Ambiguous unless nothing was sent.
    public static let other = CurlError(code: .other, requestCertainlyNotDelivered: false)

    /// What to do about it, in a few words.
    public var hint: String {
        switch code {
        case .couldNotResolveHost: "check DNS and the host name (SLACK_API_URL)"
        case .couldNotConnect: "check network egress, firewall, and the proxy settings (https_proxy/NO_PROXY)"
        case .proxyFailed: "check the proxy from https_proxy/all_proxy and NO_PROXY"
        case .tlsHandshakeFailed: "check TLS interception; add the proxy CA with VIGIL_CA_FILE"
        case .certificateVerificationFailed: "the server certificate is not trusted; set VIGIL_CA_FILE to add a CA"
        case .timedOut: "the server or network is slow; the call may or may not have been processed"
        case .sendFailed, .receiveFailed, .emptyReply, .partialResponse, .http2Failed:
            "the connection broke; the call may or may not have been processed"
        case .responseTooLarge: "the response exceeded the configured size limit"
        case .invalidRequest: "the request URL is invalid; check SLACK_API_URL"
        case .setupFailed: "libcurl could not set up the transfer; see the detail"
        case .shutDown: "the HTTP driver is shutting down"
        case .destinationRefused: "the probe may not connect there; see allowed_hosts in docs/configuration.md"
        case .other: "see the detail"
        }
    }

    /// Kind, origin, scrubbed libcurl text, and whether the request may have been delivered. Never a token or path.
    public var description: String {
        var text = "CurlError.\(code)"
        if curlCode != 0 { text += " (CURLcode \(curlCode))" }
        if let origin { text += " for \(origin)" }
        if !detail.isEmpty { text += ": \(detail)" }
        text += requestCertainlyNotDelivered ? " [not delivered]" : " [delivery unknown]"
        text += "; \(hint)"
        return text
    }

    /// An error raised by the driver itself (not a transfer result).
    static func driver(_ kind: CurlError, detail: String, origin: String? = nil, notDelivered: Bool) -> CurlError {
        CurlError(code: kind.code, requestCertainlyNotDelivered: notDelivered, detail: detail, origin: origin)
    }

    /// Translates a failed transfer's `CURLcode`.
    ///
    /// - Parameters:
    ///   - result: The transfer's result; not `CURLE_OK`.
    ///   - message: The contents of `CURLOPT_ERRORBUFFER`, or `curl_easy_strerror` when empty.
    ///   - requestBytesWritten: `CURLINFO_REQUEST_SIZE`: header bytes libcurl wrote.
    ///   - bodyBytesRead: Body bytes handed to libcurl through the read callback.
    ///   - aboutResponseSize: `true` when the write callback aborted because the body was too large.
    ///   - origin: `scheme://host[:port]`.
    init(
        result: CURLcode,
        message: String,
        requestBytesWritten: Int,
        bodyBytesRead: Int,
        abortedForResponseSize: Bool,
        origin: String
    ) {
        let nothingSent = requestBytesWritten == 0 && bodyBytesRead == 0
        let code: Code
        var certainlyNotDelivered = nothingSent
        switch result {
        case CURLE_COULDNT_RESOLVE_HOST:
            code = .couldNotResolveHost
            certainlyNotDelivered = true
        case CURLE_COULDNT_RESOLVE_PROXY, CURLE_PROXY:
            code = .proxyFailed
            certainlyNotDelivered = true
        case CURLE_COULDNT_CONNECT:
            code = .couldNotConnect
            certainlyNotDelivered = true
        case CURLE_SSL_CONNECT_ERROR:
            code = .tlsHandshakeFailed
            certainlyNotDelivered = true
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
            CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS:
            code = .certificateVerificationFailed
            certainlyNotDelivered = true
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL:
            code = .invalidRequest
            certainlyNotDelivered = true
        case CURLE_OPERATION_TIMEDOUT:
            code = .timedOut
        case CURLE_SEND_ERROR, CURLE_SEND_FAIL_REWIND:
            code = .sendFailed
        case CURLE_RECV_ERROR:
            code = .receiveFailed
        case CURLE_GOT_NOTHING:
            code = .emptyReply
        case CURLE_PARTIAL_FILE:
            code = .partialResponse
        case CURLE_HTTP2, CURLE_HTTP2_STREAM:
            code = .http2Failed
        case CURLE_WRITE_ERROR where abortedForResponseSize:
            code = .responseTooLarge
            certainlyNotDelivered = false
        default:
            code = .other
        }
        self.init(
            code: code,
            curlCode: Int(result.rawValue),
            requestCertainlyNotDelivered: certainlyNotDelivered,
            detail: message,
            origin: origin
        )
    }
}
