import CCurl
import CHostSupport
import Logging
import Synchronization
import VigilBase

/// One request in flight through ``CurlMultiDriver``: the easy handle, its C resources and its Swift buffers.
///
/// Ownership: the creating task configures the handle, then hands the transfer to the driver thread through the
/// driver's `Mutex`; from then on only the curl-multi thread touches the handle and the buffers. libcurl holds
/// *unretained* pointers to this object (write/header/read/seek/ssl-ctx/debug user data); the driver's table of
/// active transfers holds the strong reference, and the handle is removed from the multi *before* that reference is
/// dropped. C resources are released by ``finish(_:)``, never by `deinit`.
///
/// `@unchecked Sendable`: it wraps a C handle whose thread confinement is explained above; the only state touched
/// from two threads (``phase``) is behind a `Mutex`.
final class CurlTransfer: @unchecked Sendable {
    /// Where the transfer is in its life; guarded by a `Mutex` because task cancellation runs on any thread.
    enum Phase {
        /// Being configured by the calling task; not visible to the driver yet.
        case building
        /// Handed to the driver.
        case submitted
        /// Cancellation was requested (before or after submission).
        case cancelRequested
        /// Completed, failed or cancelled; C resources released.
        case finished
    }

    /// The `CURL *` easy handle.
    let easy: UnsafeMutableRawPointer
    /// `scheme://host[:port]` of the request, for errors and logs.
    let origin: String

    private let phase = Mutex<Phase>(.building)

    // Confined to the task that builds the transfer, then to the curl-multi thread.
    var continuation: CheckedContinuation<HTTPResponse, any Error>?
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private let requestBody: [UInt8]
    /// Whether libcurl may send the body again by itself (see ``HTTPRequest/mayBeSentAgain``).
    private let mayBeSentAgain: Bool
    private var bodyOffset = 0
    private var bodyBytesRead = 0
    private var responseBody: [UInt8] = []
    private var responseHeaders: [String: String] = [:]
    private var abortedForResponseSize = false
    private let maxResponseBytes: Int
    private let extraCABundle: CurlMultiDriver.CABundle?
    /// The hashed certificate directory of the system store (`chs_system_trust_directory`, shared with the
    /// WebSocket client), or `nil` to keep libcurl's defaults.
    private static let systemTrustDirectory: String? = {
        var buffer = [CChar](repeating: 0, count: 1_024)
        guard chs_system_trust_directory(&buffer, buffer.count) == 1 else { return nil }
        return String(validating: buffer.prefix { $0 != 0 }, as: UTF8.self)
    }()
    private let debugLogger: Logger?
    private var released = false
    /// Where a probe request may connect (`nil` for Vigil's own calls) and the URL's host it is judged for.
    private let destinationPolicy: ProbeDestinationPolicy?
    private let destinationHost: String
    /// Why the last address libcurl wanted to connect to was refused; set on the curl-multi thread only.
    private var destinationRefusal: String?

    private init(
        easy: UnsafeMutableRawPointer,
        request: HTTPRequest,
        maxResponseBytes: Int,
        extraCABundle: CurlMultiDriver.CABundle?,
        debugLogger: Logger?
    ) {
        self.easy = easy
        self.origin = request.redactedOrigin
        self.requestBody = request.body
        self.mayBeSentAgain = request.mayBeSentAgain
        self.maxResponseBytes = maxResponseBytes
        self.extraCABundle = extraCABundle
        self.debugLogger = debugLogger
        self.destinationPolicy = request.destinationPolicy
        self.destinationHost = Self.host(of: request.redactedOrigin)
        self.errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        self.errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
    }

    /// Allocates and configures an easy handle for `request`.
    ///
    /// - Throws: ``CurlError/setupFailed`` when libcurl refuses an option; ``CurlError/invalidRequest`` for a header
    ///   containing CR or LF.
    static func make(
        request: HTTPRequest,
        configuration: CurlMultiDriver.Configuration,
        extraCABundle: CurlMultiDriver.CABundle?,
        logger: Logger
    ) throws(CurlError) -> CurlTransfer {
        guard let easy = curl_easy_init() else {
            throw .driver(.setupFailed, detail: "curl_easy_init failed", notDelivered: true)
        }
        let transfer = CurlTransfer(
            easy: easy,
            request: request,
            maxResponseBytes: configuration.maxResponseBodyBytes,
            extraCABundle: extraCABundle,
            debugLogger: configuration.logLibcurlDebugText ? logger : nil
        )
        do {
            try transfer.configure(request, configuration)
        } catch {
            transfer.releaseCResources()
            throw error
        }
        return transfer
    }

    private func check(_ code: CURLcode, _ what: StaticString) throws(CurlError) {
        guard code == CURLE_OK else {
            let text = String(cString: curl_easy_strerror(code))
            throw .driver(.setupFailed, detail: "\(what): \(text)", origin: origin, notDelivered: true)
        }
    }

    private func configure(_ request: HTTPRequest, _ configuration: CurlMultiDriver.Configuration) throws(CurlError) {
        let me = Unmanaged.passUnretained(self).toOpaque()
        try check(ccurl_easy_setopt_string(easy, CURLOPT_URL, request.url), "CURLOPT_URL")
        // Only HTTP(S), and no redirects: a Slack API call that redirects is a configuration error.
        try check(ccurl_easy_setopt_string(easy, CURLOPT_PROTOCOLS_STR, "http,https"), "CURLOPT_PROTOCOLS_STR")
        try check(ccurl_easy_setopt_long(easy, CURLOPT_FOLLOWLOCATION, 0), "CURLOPT_FOLLOWLOCATION")
        // No SIGALRM-based DNS timeouts and no SIGPIPE from libcurl: this is a multi-threaded process.
        try check(ccurl_easy_setopt_long(easy, CURLOPT_NOSIGNAL, 1), "CURLOPT_NOSIGNAL")
        try check(
            ccurl_easy_setopt_long(
                easy,
                CURLOPT_CONNECTTIMEOUT_MS,
                Int(request.connectTimeout.wholeMillisecondsRoundingUp)
            ),
            "CURLOPT_CONNECTTIMEOUT_MS"
        )
        try check(
            ccurl_easy_setopt_long(easy, CURLOPT_TIMEOUT_MS, Int(request.timeout.wholeMillisecondsRoundingUp)),
            "CURLOPT_TIMEOUT_MS"
        )
        try check(
            ccurl_easy_setopt_long(easy, CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_2TLS)),
            "CURLOPT_HTTP_VERSION"
        )
        // Deliberately no CURLOPT_PIPEWAIT: with it, libcurl 7.88 parks concurrent requests behind a connection
        // whose HTTP version is not known yet until its *response* arrives, which over HTTP/1.1 (plain-http
        // simulator, HTTP/1.1-only proxies) serializes every call behind a slow one. Without it a cold burst may
        // open a few extra connections (bounded by CURLMOPT_MAX_HOST_CONNECTIONS); once an HTTP/2 connection
        // exists, later requests multiplex over it.
        try check(ccurl_easy_setopt_long(easy, CURLOPT_TCP_KEEPALIVE, 1), "CURLOPT_TCP_KEEPALIVE")
        // "" = every encoding this libcurl can decode (gzip, deflate, br, zstd).
        try check(ccurl_easy_setopt_string(easy, CURLOPT_ACCEPT_ENCODING, ""), "CURLOPT_ACCEPT_ENCODING")
        try check(ccurl_easy_setopt_string(easy, CURLOPT_USERAGENT, configuration.userAgent), "CURLOPT_USERAGENT")
        try check(ccurl_easy_setopt_pointer(easy, CURLOPT_ERRORBUFFER, errorBuffer), "CURLOPT_ERRORBUFFER")
        // Proxies: deliberately no CURLOPT_PROXY/CURLOPT_NOPROXY. libcurl then reads http_proxy, https_proxy,
        // all_proxy and no_proxy (and their upper-case forms except HTTP_PROXY) from the environment itself.
        if destinationPolicy != nil {
            // A probe request: every address libcurl is about to connect to (after its own resolution, on every
            // attempt) goes through the policy first, so DNS answers cannot lead it anywhere unchecked. A proxy would
            // connect on its behalf (""= no proxy, whatever the environment says), and a pooled connection was opened
            // for another request, so neither is used.
            try check(ccurl_easy_setopt_string(easy, CURLOPT_PROXY, ""), "CURLOPT_PROXY")
            try check(ccurl_easy_setopt_long(easy, CURLOPT_FRESH_CONNECT, 1), "CURLOPT_FRESH_CONNECT")
            try check(ccurl_easy_setopt_long(easy, CURLOPT_FORBID_REUSE, 1), "CURLOPT_FORBID_REUSE")
            try check(ccurl_easy_setopt_opensocket_function(easy, curlTransferOpenSocket), "OPENSOCKETFUNCTION")
            try check(ccurl_easy_setopt_pointer(easy, CURLOPT_OPENSOCKETDATA, me), "CURLOPT_OPENSOCKETDATA")
        }

        // Response.
        try check(ccurl_easy_setopt_write_function(easy, CURLOPT_WRITEFUNCTION, curlTransferWriteBody), "WRITEFUNCTION")
        try check(ccurl_easy_setopt_pointer(easy, CURLOPT_WRITEDATA, me), "CURLOPT_WRITEDATA")
        try check(ccurl_easy_setopt_write_function(easy, CURLOPT_HEADERFUNCTION, curlTransferHeader), "HEADERFUNCTION")
        try check(ccurl_easy_setopt_pointer(easy, CURLOPT_HEADERDATA, me), "CURLOPT_HEADERDATA")

        // Request line and body. The body goes through a read callback so the driver knows whether any of it was
        // handed to libcurl (see CurlError.requestCertainlyNotDelivered); the seek callback lets libcurl rewind
        // when it re-sends on a reused connection that turned out dead.
        switch request.method {
        case .get where request.body.isEmpty:
            try check(ccurl_easy_setopt_long(easy, CURLOPT_HTTPGET, 1), "CURLOPT_HTTPGET")
        default:
            try check(ccurl_easy_setopt_long(easy, CURLOPT_POST, 1), "CURLOPT_POST")
            try check(
                ccurl_easy_setopt_off_t(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count)),
                "CURLOPT_POSTFIELDSIZE_LARGE"
            )
            try check(ccurl_easy_setopt_read_function(easy, curlTransferReadBody), "CURLOPT_READFUNCTION")
            try check(ccurl_easy_setopt_pointer(easy, CURLOPT_READDATA, me), "CURLOPT_READDATA")
            try check(ccurl_easy_setopt_seek_function(easy, curlTransferSeekBody), "CURLOPT_SEEKFUNCTION")
            try check(ccurl_easy_setopt_pointer(easy, CURLOPT_SEEKDATA, me), "CURLOPT_SEEKDATA")
            if request.method != .post {
                try check(
                    ccurl_easy_setopt_string(easy, CURLOPT_CUSTOMREQUEST, request.method.rawValue),
                    "CURLOPT_CUSTOMREQUEST"
                )
            }
        }

        var list: UnsafeMutablePointer<curl_slist>?
        var sawExpect = false
        for (name, value) in request.headers {
            guard !name.isEmpty, !name.contains(where: { $0 == "\r" || $0 == "\n" || $0 == ":" }),
                !value.contains(where: { $0 == "\r" || $0 == "\n" })
            else {
                curl_slist_free_all(list)
                throw .driver(.invalidRequest, detail: "header field contains CR, LF or a bad name", notDelivered: true)
            }
            if name.lowercased() == "expect" { sawExpect = true }
            guard let appended = curl_slist_append(list, "\(name): \(value)") else {
                curl_slist_free_all(list)
                throw .driver(.setupFailed, detail: "curl_slist_append failed", notDelivered: true)
            }
            list = appended
        }
        if !sawExpect, let appended = curl_slist_append(list, "Expect:") {
            // No "Expect: 100-continue" round trip for larger bodies.
            list = appended
        }
        headerList = list
        try check(ccurl_easy_setopt_slist(easy, CURLOPT_HTTPHEADER, list), "CURLOPT_HTTPHEADER")

        if let directory = Self.systemTrustDirectory {
            // The system store through its hashed directory, searched by issuer per handshake, instead of libcurl's
            // compiled-in bundle file, which OpenSSL parses whole (~140 roots) into every new connection's store.
            try check(ccurl_easy_setopt_string(easy, CURLOPT_CAINFO, nil), "CURLOPT_CAINFO")
            try check(ccurl_easy_setopt_string(easy, CURLOPT_CAPATH, directory), "CURLOPT_CAPATH")
        }
        if extraCABundle != nil {
            // With OpenSSL, CURLOPT_CAINFO would *replace* the system bundle; adding to the store libcurl already
            // populated keeps the system CAs trusted. Fails with CURLE_NOT_BUILT_IN/UNKNOWN_OPTION on TLS backends
            // that do not support it, which surfaces as setupFailed instead of silently ignoring VIGIL_CA_FILE.
            try check(ccurl_easy_setopt_ssl_ctx_function(easy, curlTransferSSLContext), "CURLOPT_SSL_CTX_FUNCTION")
            try check(ccurl_easy_setopt_pointer(easy, CURLOPT_SSL_CTX_DATA, me), "CURLOPT_SSL_CTX_DATA")
        }
        if debugLogger != nil {
            try check(ccurl_easy_setopt_debug_function(easy, curlTransferDebug), "CURLOPT_DEBUGFUNCTION")
            try check(ccurl_easy_setopt_pointer(easy, CURLOPT_DEBUGDATA, me), "CURLOPT_DEBUGDATA")
            try check(ccurl_easy_setopt_long(easy, CURLOPT_VERBOSE, 1), "CURLOPT_VERBOSE")
        }
    }

    // MARK: Phase transitions (any thread)

    /// Marks the transfer as handed to the driver. Returns `false` when cancellation was already requested.
    func markSubmitted() -> Bool {
        phase.withLock { phase in
            guard case .building = phase else { return false }
            phase = .submitted
            return true
        }
    }

    /// Records a cancellation request. Returns `true` when the driver must be told (the transfer was submitted).
    func requestCancellation() -> Bool {
        phase.withLock { phase in
            switch phase {
            case .building:
                phase = .cancelRequested
                return false
            case .submitted:
                phase = .cancelRequested
                return true
            case .cancelRequested, .finished:
                return false
            }
        }
    }

    /// Whether cancellation was requested.
    var isCancellationRequested: Bool {
        phase.withLock { if case .cancelRequested = $0 { true } else { false } }
    }

    // MARK: Completion (the thread that owns the transfer)

    /// Builds the response or the error for a transfer libcurl reported done. The handle must already be removed
    /// from the multi handle.
    func outcome(for result: CURLcode) -> Result<HTTPResponse, any Error> {
        if result == CURLE_OK {
            var status = 0
            _ = ccurl_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
            return .success(HTTPResponse(status: status, headers: responseHeaders, body: responseBody))
        }
        return .failure(failure(for: result))
    }

    /// The ``CurlError`` for a failed or aborted transfer, using what libcurl reports as written.
    func failure(for result: CURLcode) -> CurlError {
        if let destinationRefusal, result == CURLE_COULDNT_CONNECT {
            return .driver(.destinationRefused, detail: destinationRefusal, origin: origin, notDelivered: true)
        }
        var requestSize = 0
        _ = ccurl_easy_getinfo_long(easy, CURLINFO_REQUEST_SIZE, &requestSize)
        var message = String(cString: errorBuffer)
        if message.isEmpty { message = String(cString: curl_easy_strerror(result)) }
        return CurlError(
            result: result,
            message: message,
            requestBytesWritten: requestSize,
            bodyBytesRead: bodyBytesRead,
            abortedForResponseSize: abortedForResponseSize,
            origin: origin
        )
    }

    /// The error for a transfer failed by driver shutdown: not delivered when nothing was written yet.
    func shutdownFailure(started: Bool) -> CurlError {
        var requestSize = 0
        if started { _ = ccurl_easy_getinfo_long(easy, CURLINFO_REQUEST_SIZE, &requestSize) }
        let nothingSent = requestSize == 0 && bodyBytesRead == 0
        return .driver(
            .shutDown,
            detail: started ? "transfer aborted by driver shutdown" : "driver shut down before the transfer started",
            origin: origin,
            notDelivered: nothingSent
        )
    }

    /// Releases the C resources and resumes the waiting task exactly once.
    func finish(_ result: Result<HTTPResponse, any Error>) {
        phase.withLock { $0 = .finished }
        releaseCResources()
        let continuation = self.continuation
        self.continuation = nil
        continuation?.resume(with: result)
    }

    private func releaseCResources() {
        guard !released else { return }
        released = true
        curl_easy_cleanup(easy)
        curl_slist_free_all(headerList)
        headerList = nil
        errorBuffer.deallocate()
    }

    // MARK: Callbacks (curl-multi thread only)

    fileprivate func appendBody(_ bytes: UnsafeRawBufferPointer) -> Int {
        if responseBody.count + bytes.count > maxResponseBytes {
            abortedForResponseSize = true
            return 0  // CURLE_WRITE_ERROR
        }
        responseBody.append(contentsOf: bytes)
        return bytes.count
    }

    fileprivate func appendHeaderLine(_ bytes: UnsafeRawBufferPointer) {
        var line = String(decoding: bytes, as: UTF8.self)
        while let last = line.last, last.isNewline { line.removeLast() }
        if line.hasPrefix("HTTP/") {
            // A new response (after 100 Continue, a proxy CONNECT reply, or a retry): start over.
            responseHeaders = [:]
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = line[..<colon].trimmingWhitespace().lowercased()
        let value = String(line[line.index(after: colon)...].trimmingWhitespace())
        guard !name.isEmpty else { return }
        if let existing = responseHeaders[name] {
            responseHeaders[name] = existing + ", " + value
        } else {
            responseHeaders[name] = value
        }
    }

    fileprivate func readBody(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        let remaining = requestBody.count - bodyOffset
        let count = min(remaining, buffer.count)
        guard count > 0 else { return 0 }
        requestBody.withUnsafeBytes { source in
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[bodyOffset..<(bodyOffset + count)]))
        }
        bodyOffset += count
        bodyBytesRead += count  // monotonic: never reset by a rewind
        return count
    }

    /// Rewinds the body for libcurl. libcurl rewinds to send the request again on its own, for example when a
    /// reused connection died before any answer byte: the server may have processed the first copy, so a request
    /// that must not be sent twice refuses once its body was handed out (the transfer then fails with
    /// `CURLE_SEND_FAIL_REWIND`, which is reported as not certainly undelivered).
    fileprivate func seekBody(to offset: Int) -> Bool {
        guard offset >= 0, offset <= requestBody.count else { return false }
        if !mayBeSentAgain, bodyBytesRead > 0 { return false }
        bodyOffset = offset
        return true
    }

    fileprivate func addExtraCertificates(to sslContext: UnsafeMutableRawPointer) -> Bool {
        guard let bundle = extraCABundle else { return true }
        let before = ccurl_ssl_ctx_store_object_count(sslContext)
        let added = bundle.pem.withUnsafeBytes { pem -> Int32 in
            guard let base = pem.baseAddress else { return -1 }
            return ccurl_ssl_ctx_add_pem_certificates(sslContext, base, pem.count)
        }
        debugLogger?.debug(
            "Added extra CA certificates to the TLS trust store",
            metadata: [
                "slack.http.origin": "\(origin)", "slack.http.ca_added": "\(added)",
                "slack.http.ca_store_objects_before": "\(before)",
            ]
        )
        return added > 0
    }

    /// Opens a socket to `address` if the destination policy allows it; otherwise records why and returns
    /// `CURL_SOCKET_BAD`, which makes libcurl try its next address or fail with `CURLE_COULDNT_CONNECT`.
    fileprivate func openSocket(_ address: UnsafeMutablePointer<curl_sockaddr>) -> curl_socket_t {
        guard let policy = destinationPolicy else { return ccurl_open_socket(address) }
        var bytes = [UInt8](repeating: 0, count: 16)
        let count = Int(ccurl_sockaddr_ip(address, &bytes))
        guard let ip = IPAddress(bytes: Array(bytes.prefix(count))) else {
            destinationRefusal = "\(destinationHost): only IPv4 and IPv6 connections are allowed"
            return CURL_SOCKET_BAD
        }
        if let refusal = policy.refusal(forAddress: ip, host: destinationHost) {
            destinationRefusal = refusal
            return CURL_SOCKET_BAD
        }
        return ccurl_open_socket(address)
    }

    /// The host of `scheme://host[:port]`, without brackets.
    private static func host(of origin: String) -> String {
        guard let start = origin.firstRange(of: "://") else { return origin }
        let authority = origin[start.upperBound...]
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            return String(authority[authority.index(after: authority.startIndex)..<close]).lowercased()
        }
        return String(authority.prefix { $0 != ":" }).lowercased()
    }

    fileprivate func logDebugText(_ bytes: UnsafeRawBufferPointer) {
        guard let debugLogger else { return }
        var text = String(decoding: bytes, as: UTF8.self)
        while let last = text.last, last.isNewline { text.removeLast() }
        debugLogger.debug("libcurl: \(SecretRedaction.scrub(text))", metadata: ["slack.http.origin": "\(origin)"])
    }
}

extension Substring {
    fileprivate func trimmingWhitespace() -> Substring {
        var result = self
        while let first = result.first, first == " " || first == "\t" { result.removeFirst() }
        while let last = result.last, last == " " || last == "\t" { result.removeLast() }
        return result
    }
}

// C trampolines. They take the transfer unretained: the driver's table keeps it alive while libcurl may call them.

private let curlTransferWriteBody: curl_write_callback = { data, size, count, user in
    guard let user else { return 0 }
    let length = size * count
    guard length > 0, let data else { return length }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(user).takeUnretainedValue()
    return transfer.appendBody(UnsafeRawBufferPointer(start: data, count: length))
}

private let curlTransferHeader: curl_write_callback = { data, size, count, user in
    guard let user else { return 0 }
    let length = size * count
    guard length > 0, let data else { return length }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(user).takeUnretainedValue()
    transfer.appendHeaderLine(UnsafeRawBufferPointer(start: data, count: length))
    return length
}

private let curlTransferReadBody: curl_read_callback = { buffer, size, count, user in
    guard let user, let buffer else { return Int(CURL_READFUNC_ABORT) }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(user).takeUnretainedValue()
    return transfer.readBody(into: UnsafeMutableRawBufferPointer(start: buffer, count: size * count))
}

private let curlTransferSeekBody: curl_seek_callback = { user, offset, origin in
    guard let user, origin == SEEK_SET else { return Int32(CURL_SEEKFUNC_CANTSEEK) }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(user).takeUnretainedValue()
    return transfer.seekBody(to: Int(offset)) ? Int32(CURL_SEEKFUNC_OK) : Int32(CURL_SEEKFUNC_FAIL)
}

private let curlTransferSSLContext: curl_ssl_ctx_callback = { _, sslContext, user in
    guard let user, let sslContext else { return CURLE_SSL_CERTPROBLEM }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(user).takeUnretainedValue()
    return transfer.addExtraCertificates(to: sslContext) ? CURLE_OK : CURLE_SSL_CERTPROBLEM
}

private let curlTransferOpenSocket: curl_opensocket_callback = { user, purpose, address in
    guard let user, let address, purpose == CURLSOCKTYPE_IPCXN else { return CURL_SOCKET_BAD }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(user).takeUnretainedValue()
    return transfer.openSocket(address)
}

private let curlTransferDebug: curl_debug_callback = { _, type, data, size, user in
    // Only libcurl's informational text: header and data traffic (CURLINFO_HEADER_OUT carries the Authorization
    // header) never reaches the logger.
    guard type == CURLINFO_TEXT, let user, let data else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(user).takeUnretainedValue()
    transfer.logDebugText(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
