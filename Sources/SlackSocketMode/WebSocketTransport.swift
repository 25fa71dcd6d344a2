import CSlackSocket
import Logging
import Synchronization

/// A WebSocket client over the `CSlackSocket` shim (libwebsockets): one lws context and one foreign thread,
/// `lws-service`, shared by many connections.
///
/// Threading: every method may be called from any thread or task, including from inside a connection's handler.
/// Handlers run **on the lws service thread**, one event at a time and in order per connection; they must return
/// quickly and never block (hand work to an actor or an `AsyncStream` continuation). After the final event of a
/// connection (``WebSocketEvent/closed(code:reason:)`` or ``WebSocketEvent/failed(_:)``) its handler is
/// released and never called again.
///
/// Lifetime: the service thread starts in `init` and stops only in ``shutdown()``, which must be awaited before
/// the transport is dropped. Nothing is torn down in `deinit` (the C thread may still be calling back).
///
/// With ``WebSocketTransportConfiguration/httpListener`` the same service thread also serves plain HTTP on one
/// address (the metrics page); its handler runs on that thread too and must be just as quick.
///
/// lws itself logs through one process-wide hook; the most recently created transport's logger receives those
/// lines (errors and warnings at `.warning`, notices and info at `.debug` when the logger's level is `.debug`
/// or lower at creation). Several transports may coexist (tests do this), but a daemon needs only one.
public final class WebSocketTransport: Sendable {
    /// The `css_context *`; `nil` once ``shutdown()`` has freed it. Held locked while a C call uses it so that
    /// the context cannot be freed in between.
    private let context: Mutex<ContextHandle?>
    /// Receives C events; retained by the C side until `CSS_EVENT_TERMINATED`.
    private let router: WebSocketEventRouter
    private let configuration: WebSocketTransportConfiguration
    private let logger: Logger

    /// The TCP port the ``WebSocketTransportConfiguration/httpListener`` is bound to (the chosen one when it asked
    /// for port 0), or `nil` without a listener. Stays readable after ``shutdown()``.
    public let httpListenPort: Int?

    /// Creates the lws context and starts its service thread.
    /// - Parameters:
    ///   - configuration: TLS, proxy, size and timeout settings.
    ///   - logger: Receives transport and lws log lines; metadata keys `slack.*`.
    /// - Throws: ``WebSocketError/contextCreationFailed`` (for example an unreadable extra CA file),
    ///   ``WebSocketError/httpListenFailed`` (the listener's address and port cannot be bound, the detail says
    ///   why, such as `cannot listen on 127.0.0.1:9464: Address already in use`) or
    ///   ``WebSocketError/invalidConfiguration``.
    public init(configuration: WebSocketTransportConfiguration, logger: Logger) throws(WebSocketError) {
        self.configuration = configuration
        self.logger = logger
        self.router = WebSocketEventRouter(logger: logger, httpHandler: configuration.httpListener?.handler)

        guard configuration.maxMessageBytes > 0 else {
            throw .invalidConfiguration("maxMessageBytes must be positive")
        }
        if let proxy = configuration.proxy {
            guard (1...65535).contains(proxy.port), !proxy.host.isEmpty, proxy.host.utf8.count <= 120,
                !proxy.host.contains("@")
            else {
                throw .invalidConfiguration("proxy needs a host (at most 120 bytes) and a port in 1...65535")
            }
            if let credentials = proxy.credentials,
                credentials.username.contains(":")
                    || credentials.username.utf8.count + 1 + credentials.password.utf8.count > 93
            {
                throw .invalidConfiguration("proxy user name contains ':' or the credentials exceed 93 bytes")
            }
        }

        if let listener = configuration.httpListener {
            guard (0...65535).contains(listener.port), !listener.address.isEmpty, listener.address.utf8.count <= 64,
                !listener.address.contains("[")
            else {
                throw .invalidConfiguration("the HTTP listener needs a numeric address without brackets and a port in 0...65535")
            }
        }

        WebSocketLogRoute.install(logger)

        let proxyHost = configuration.proxy.map { $0.host.contains(":") ? "[\($0.host)]" : $0.host }
        let credentials = configuration.proxy?.credentials.map { "\($0.username):\($0.password)" }
        let handshakeSeconds = max(1, Self.milliseconds(configuration.handshakeTimeout) / 1000)
        let closeMilliseconds = max(1, Self.milliseconds(configuration.closeTimeout))

        let user = Unmanaged.passRetained(router).toOpaque()
        var errorBuffer = [CChar](repeating: 0, count: 256)
        let listener = configuration.httpListener
        let handle: OpaquePointer? = Self.withOptionalCString(configuration.extraCAFile) { caFile in
            Self.withOptionalCString(proxyHost) { proxyHostPointer in
                Self.withOptionalCString(credentials) { credentialsPointer in
                    Self.withOptionalCString(listener?.address) { listenAddress in
                        var config = css_config()
                        config.extra_ca_file = caFile
                        config.proxy_host = proxyHostPointer
                        config.proxy_port = Int32(configuration.proxy?.port ?? 0)
                        config.proxy_credentials = credentialsPointer
                        config.max_message_bytes = configuration.maxMessageBytes
                        config.handshake_timeout_secs = UInt32(clamping: handshakeSeconds)
                        config.close_timeout_ms = UInt32(clamping: closeMilliseconds)
                        if let listener {
                            // The router is also the HTTP user pointer: it lives until TERMINATED, after the last
                            // HTTP callback (lws_context_destroy runs before TERMINATED is delivered).
                            config.http_listen_address = listenAddress
                            config.http_listen_port = Int32(listener.port)
                            config.http_fn = webSocketHTTPTrampoline
                            config.http_user = user
                        }
                        return errorBuffer.withUnsafeMutableBufferPointer { buffer in
                            css_context_create(&config, webSocketEventTrampoline, user, buffer.baseAddress, buffer.count)
                        }
                    }
                }
            }
        }
        guard let handle else {
            Unmanaged<WebSocketEventRouter>.fromOpaque(user).release()  // C never saw it
            let message = String(decoding: errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            // The shim's listener failures start with this text (documented in CSlackSocket.h).
            if listener != nil, message.hasPrefix("cannot listen on") { throw .httpListenFailed(message) }
            throw .contextCreationFailed(message)
        }
        self.context = Mutex(ContextHandle(pointer: handle))
        self.httpListenPort = listener == nil ? nil : Int(css_http_listen_port(handle))
        logger.debug(
            "WebSocket transport started",
            metadata: [
                "slack.proxy": "\(configuration.proxy?.description ?? "none")",
                "vigil.metrics_listen": "\(listener.map { Self.hostPort($0.address, self.httpListenPort ?? 0) } ?? "none")",
            ]
        )
    }

    deinit {
        // Never tear down here: the C thread may still call back. A transport must be shut down explicitly.
        if context.withLock({ $0 != nil }) {
            logger.warning("WebSocketTransport released without shutdown(); its lws service thread keeps running")
        }
    }

    /// Starts connecting to `url`.
    ///
    /// The outcome arrives as ``WebSocketEvent/opened`` or ``WebSocketEvent/failed(_:)`` on `handler`. The handler
    /// is registered before the connection starts, so it sees every event of the connection; the first one may
    /// arrive before this method has returned. Hosts not excluded by ``WebSocketTransportConfiguration/noProxy``
    /// go through the configured proxy.
    /// - Parameters:
    ///   - url: `ws://` or `wss://` URL; path and query are sent unchanged (Slack's `ticket` stays intact but is
    ///     never logged).
    ///   - handler: Called on the service thread for every event of this connection, with the connection's id;
    ///     must not block. Its last call is the final event.
    /// - Returns: The new connection's id.
    /// - Throws: ``WebSocketError/invalidURL``, ``WebSocketError/transportShutDown``,
    ///   ``WebSocketError/outOfMemory``.
    public func connect(
        url: String,
        handler: @escaping @Sendable (WebSocketConnectionID, WebSocketEvent) -> Void
    ) throws(WebSocketError) -> WebSocketConnectionID {
        let redacted = Self.redactedURL(url)
        guard let host = Self.host(of: url) else { throw .invalidURL(redacted) }
        let viaProxy = configuration.proxy(forHost: host) != nil
        let id: UInt64 = try context.withLock { handle throws(WebSocketError) in
            guard let handle else { throw .transportShutDown }
            // Register the handler while holding the router lock: the service thread needs that lock to
            // deliver, so no event can be looked up before the handler is in the table.
            return try router.register(handler, redactedURL: redacted) { () throws(WebSocketError) -> UInt64 in
                var id: UInt64 = 0
                let rc = url.withCString { css_connect(handle.pointer, $0, viaProxy ? 1 : 0, &id) }
                switch rc {
                case Int32(CSS_OK.rawValue): return id
                case Int32(CSS_ERR_INVALID_URL.rawValue): throw .invalidURL(redacted)
                case Int32(CSS_ERR_NO_MEMORY.rawValue): throw .outOfMemory
                default: throw .transportShutDown
                }
            }
        }
        let connection = WebSocketConnectionID(rawValue: id)
        logger.debug(
            "WebSocket connecting",
            metadata: [
                "slack.connection": "\(connection)", "slack.url": "\(redacted)",
                "slack.via_proxy": "\(viaProxy)",
            ]
        )
        return connection
    }

    /// Queues one text frame; the bytes are copied before this returns.
    ///
    /// Frames sent from one thread go out in call order. Frames sent before ``WebSocketEvent/opened`` wait for
    /// the handshake.
    /// - Parameters:
    ///   - text: UTF-8 payload (not validated).
    ///   - connection: The connection.
    /// - Returns: `false` if the connection is unknown, closing or closed, or the transport is shut down.
    @discardableResult
    public func send(text: UnsafeRawBufferPointer, on connection: WebSocketConnectionID) -> Bool {
        context.withLock { handle in
            guard let handle else { return false }
            return css_send_text(
                handle.pointer,
                connection.rawValue,
                text.baseAddress?.assumingMemoryBound(to: UInt8.self),
                text.count
            ) == Int32(CSS_OK.rawValue)
        }
    }

    /// Queues one text frame from bytes. See ``send(text:on:)-(UnsafeRawBufferPointer,_)``.
    /// - Parameters:
    ///   - text: UTF-8 payload.
    ///   - connection: The connection.
    /// - Returns: `false` if the frame was not queued.
    @discardableResult
    public func send(text: [UInt8], on connection: WebSocketConnectionID) -> Bool {
        text.withUnsafeBytes { send(text: $0, on: connection) }
    }

    /// Queues one text frame from a string. See ``send(text:on:)-(UnsafeRawBufferPointer,_)``.
    /// - Parameters:
    ///   - text: The message.
    ///   - connection: The connection.
    /// - Returns: `false` if the frame was not queued.
    @discardableResult
    public func send(text: String, on connection: WebSocketConnectionID) -> Bool {
        var text = text
        return text.withUTF8 { send(text: UnsafeRawBufferPointer($0), on: connection) }
    }

    /// Queues a PING control frame; the answer arrives as ``WebSocketEvent/pong``.
    /// - Parameters:
    ///   - connection: The connection.
    ///   - payload: Up to 125 bytes.
    /// - Returns: `false` if the connection is unknown, closing or closed, or the payload is too long.
    @discardableResult
    public func ping(on connection: WebSocketConnectionID, payload: [UInt8] = []) -> Bool {
        context.withLock { handle in
            guard let handle else { return false }
            return payload.withUnsafeBufferPointer {
                css_send_ping(handle.pointer, connection.rawValue, $0.baseAddress, $0.count) == Int32(CSS_OK.rawValue)
            }
        }
    }

    /// Sends a close frame after the frames already queued, and drops the socket if the peer has not closed it
    /// within ``WebSocketTransportConfiguration/closeTimeout``. The handler then receives
    /// ``WebSocketEvent/closed(code:reason:)`` with this code and reason (or ``WebSocketEvent/failed(_:)`` with
    /// ``WebSocketError/cancelled`` if the connection had not opened yet).
    ///
    /// Once the close frame is out, libwebsockets discards data frames that still arrive (Slack redelivers
    /// envelopes that were not acknowledged), so open the replacement connection first.
    /// - Parameters:
    ///   - connection: The connection.
    ///   - code: 1000–1003, 1007–1011 or 3000–4999.
    ///   - reason: Up to 123 bytes of UTF-8 (longer is truncated).
    /// - Returns: `false` if the connection is unknown or already closing, or the code is not allowed.
    @discardableResult
    public func close(_ connection: WebSocketConnectionID, code: Int = 1000, reason: String = "") -> Bool {
        guard let code32 = Int32(exactly: code) else { return false }
        return context.withLock { handle in
            guard let handle else { return false }
            return css_close(handle.pointer, connection.rawValue, code32, reason) == Int32(CSS_OK.rawValue)
        }
    }

    /// Drops the TCP connection without a close frame. The handler then receives `.closed(code: 1006, …)`, or
    /// `.failed(.cancelled)` if the connection had not opened yet.
    /// - Parameter connection: The connection.
    /// - Returns: `false` if the connection is unknown, already aborted or finished.
    @discardableResult
    public func abort(_ connection: WebSocketConnectionID) -> Bool {
        context.withLock { handle in
            guard let handle else { return false }
            return css_abort(handle.pointer, connection.rawValue) == Int32(CSS_OK.rawValue)
        }
    }

    /// Closes every connection (open ones with 1001 "shutting down", bounded by the close timeout; connecting
    /// ones are cancelled), stops the service thread and frees the C context.
    ///
    /// Every connection's handler receives its final event before this returns. Idempotent; concurrent callers
    /// all return after the service thread has terminated. Suspends without blocking a thread: it awaits the
    /// shim's `TERMINATED` event, then joins the already-finished thread.
    public func shutdown() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            guard router.awaitTermination(continuation) else {
                continuation.resume()
                return
            }
            context.withLock { handle in
                if let handle { css_context_shutdown(handle.pointer) }
            }
        }
        // TERMINATED was observed: the service thread has returned from its last callback or is about to.
        let handle = context.withLock { handle -> ContextHandle? in
            defer { handle = nil }
            return handle
        }
        if let handle {
            css_context_free(handle.pointer)
            logger.debug("WebSocket transport shut down")
        }
    }

    // MARK: - URL helpers

    /// `scheme://host[:port]/path` with any query replaced by `?…` (Slack's `ticket` is a credential).
    static func redactedURL(_ url: String) -> String {
        var visible = Substring(url)
        if let hash = visible.firstIndex(of: "#") { visible = visible[..<hash] }
        guard let query = visible.firstIndex(of: "?") else { return String(visible) }
        return visible[..<query] + "?…"
    }

    /// The host of a `ws://`/`wss://` URL (IPv6 without brackets), or `nil` if there is none.
    static func host(of url: String) -> String? {
        guard let schemeEnd = url.firstRange(of: "://") else { return nil }
        var rest = url[schemeEnd.upperBound...]
        if let end = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) { rest = rest[..<end] }
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { return nil }
            let host = rest[rest.index(after: rest.startIndex)..<close]
            return host.isEmpty ? nil : String(host)
        }
        if let colon = rest.lastIndex(of: ":") { rest = rest[..<colon] }
        return rest.isEmpty ? nil : String(rest)
    }

    /// `address:port`, with IPv6 addresses in brackets.
    package static func hostPort(_ address: String, _ port: Int) -> String {
        address.contains(":") ? "[\(address)]:\(port)" : "\(address):\(port)"
    }

    private static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }

    private static func withOptionalCString<R>(_ string: String?, _ body: (UnsafePointer<CChar>?) -> R) -> R {
        guard let string else { return body(nil) }
        return string.withCString { body($0) }
    }
}

/// The `css_context *` of a transport.
///
/// `@unchecked Sendable`: the shim's API is callable from any thread, and `WebSocketTransport` only uses the
/// pointer while holding the mutex that also guards freeing it.
private struct ContextHandle: @unchecked Sendable {
    let pointer: OpaquePointer
}

/// The object behind the C `user` pointer: routes shim events to per-connection handlers.
///
/// Retained for the C side with `Unmanaged.passRetained` in `WebSocketTransport.init` and released by the
/// trampoline only when `CSS_EVENT_TERMINATED` (the last event) arrives.
private final class WebSocketEventRouter: Sendable {
    struct Entry {
        let handler: @Sendable (WebSocketConnectionID, WebSocketEvent) -> Void
        let redactedURL: String
    }

    struct State {
        var handlers: [UInt64: Entry] = [:]
        var terminated = false
        var terminationWaiters: [CheckedContinuation<Void, Never>] = []
    }

    let state = Mutex(State())
    let logger: Logger
    /// Answers the HTTP listener's `GET` requests; `nil` without a listener.
    let httpHandler: (@Sendable (String) -> HTTPPage)?

    init(logger: Logger, httpHandler: (@Sendable (String) -> HTTPPage)?) {
        self.logger = logger
        self.httpHandler = httpHandler
    }

    /// Service thread, inside `css_http_fn`: asks the handler and copies its page into the shim's response.
    func answer(path: UnsafePointer<CChar>, response: OpaquePointer) {
        guard let httpHandler else { return }  // the shim answers 500
        let page = httpHandler(String(cString: path))
        let rc = page.body.withUnsafeBufferPointer { body in
            css_http_respond(response, Int32(clamping: page.status), page.contentType, body.baseAddress, body.count)
        }
        if rc != Int32(CSS_OK.rawValue) {
            logger.warning(
                "HTTP listener could not send a page; answered 500 instead",
                metadata: ["slack.http.status": "\(page.status)", "slack.http.body_bytes": "\(page.body.count)"]
            )
        }
    }

    /// Runs `connect` (which must not call back synchronously) with the table locked and stores the handler
    /// under the id it returns.
    func register(
        _ handler: @escaping @Sendable (WebSocketConnectionID, WebSocketEvent) -> Void,
        redactedURL: String,
        connect: () throws(WebSocketError) -> UInt64
    ) throws(WebSocketError) -> UInt64 {
        try state.withLock { state throws(WebSocketError) in
            let id = try connect()
            state.handlers[id] = Entry(handler: handler, redactedURL: redactedURL)
            return id
        }
    }

    /// Adds a waiter for termination; returns `false` (without storing it) if the context already terminated.
    func awaitTermination(_ continuation: CheckedContinuation<Void, Never>) -> Bool {
        state.withLock { state in
            if state.terminated { return false }
            state.terminationWaiters.append(continuation)
            return true
        }
    }

    /// Service thread. Copies the C payload and calls the connection's handler outside the lock.
    func deliver(_ event: UnsafePointer<css_event>) {
        let kind = event.pointee.kind
        let id = event.pointee.connection_id

        if kind == CSS_EVENT_TERMINATED {
            let (waiters, orphans) = state.withLock { state in
                state.terminated = true
                let waiters = state.terminationWaiters
                state.terminationWaiters = []
                let orphans = state.handlers
                state.handlers = [:]
                return (waiters, orphans)
            }
            if !orphans.isEmpty {  // the shim guarantees final events; keep the handler contract anyway
                logger.error("lws service thread ended with \(orphans.count) connection(s) never finished")
                for (id, entry) in orphans {
                    entry.handler(WebSocketConnectionID(rawValue: id), .closed(code: 1006, reason: "transport terminated"))
                }
            }
            for waiter in waiters { waiter.resume() }
            return
        }

        let isFinal = kind == CSS_EVENT_CLOSED || kind == CSS_EVENT_ERROR
        let entry = state.withLock { state in
            isFinal ? state.handlers.removeValue(forKey: id) : state.handlers[id]
        }
        guard let entry else { return }

        let connection = WebSocketConnectionID(rawValue: id)
        let data = event.pointee.data
        let length = event.pointee.length
        let bytes: () -> [UInt8] = {
            guard let data, length > 0 else { return [] }
            return [UInt8](UnsafeBufferPointer(start: data, count: length))
        }

        let mapped: WebSocketEvent
        switch kind {
        case CSS_EVENT_OPEN:
            logger.debug(
                "WebSocket opened",
                metadata: ["slack.connection": "\(connection)", "slack.url": "\(entry.redactedURL)"]
            )
            mapped = .opened
        case CSS_EVENT_TEXT:
            mapped = .text(bytes())
        case CSS_EVENT_BINARY:
            mapped = .binary(bytes())
        case CSS_EVENT_PONG:
            mapped = .pong
        case CSS_EVENT_OVERSIZED:
            logger.warning(
                "WebSocket message over the size limit was discarded",
                metadata: ["slack.connection": "\(connection)", "slack.message_bytes": "\(length)"]
            )
            mapped = .oversized(byteCount: length)
        case CSS_EVENT_CLOSED:
            let reason = String(decoding: bytes(), as: UTF8.self)
            let code = Int(event.pointee.close_code)
            logger.debug(
                "WebSocket closed",
                metadata: [
                    "slack.connection": "\(connection)", "slack.close_code": "\(code)",
                    "slack.close_reason": "\(reason)",
                ]
            )
            mapped = .closed(code: code, reason: reason)
        case CSS_EVENT_ERROR:
            let error = Self.error(from: event.pointee, detail: String(decoding: bytes(), as: UTF8.self))
            logger.debug(
                "WebSocket failed to open",
                metadata: [
                    "slack.connection": "\(connection)", "slack.url": "\(entry.redactedURL)",
                    "slack.error": "\(error)",
                ]
            )
            mapped = .failed(error)
        default:
            return
        }
        entry.handler(connection, mapped)
    }

    private static func error(from event: css_event, detail: String) -> WebSocketError {
        let failure: WebSocketError.ConnectionFailure
        switch event.error {
        case CSS_ERR_TLS_FAILED: failure = .tls
        case CSS_ERR_HANDSHAKE_REJECTED: failure = .handshakeRejected
        case CSS_ERR_PROTOCOL_ERROR: failure = .protocolError
        case CSS_ERR_TIMED_OUT: failure = .timedOut
        case CSS_ERR_CANCELLED: failure = .cancelled
        default: failure = .connect
        }
        let status = event.http_status == 0 ? nil : Int(event.http_status)
        return .connectionFailure(failure, httpStatus: status, detail: detail)
    }
}

/// The C event callback: forwards to the router behind `user`, and releases it after `TERMINATED`.
private let webSocketEventTrampoline: css_event_fn = { user, event in
    guard let user else { return }
    let unmanaged = Unmanaged<WebSocketEventRouter>.fromOpaque(user)
    unmanaged.takeUnretainedValue().deliver(event)
    if event.pointee.kind == CSS_EVENT_TERMINATED {
        unmanaged.release()  // balances passRetained in init; C never calls back again
    }
}

/// The C HTTP callback of the listener: forwards to the router behind `user` (the same object as the event
/// callback's, released only after `TERMINATED`, which follows the last HTTP callback).
private let webSocketHTTPTrampoline: css_http_fn = { user, path, response in
    guard let user else { return }
    Unmanaged<WebSocketEventRouter>.fromOpaque(user).takeUnretainedValue().answer(path: path, response: response)
}

/// Where lws' process-wide log hook goes: the logger of the most recently created transport.
private enum WebSocketLogRoute {
    static let logger = Mutex<Logger?>(nil)
    /// The verbosity last given to lws; its log settings are unsynchronised globals, so they are only
    /// changed when needed.
    static let verbosity = Mutex<Int32?>(nil)

    static func install(_ logger: Logger) {
        Self.logger.withLock { $0 = logger }
        let verbose: Int32 = logger.logLevel <= .debug ? 1 : 0
        let changed = verbosity.withLock { current in
            defer { current = verbose }
            return current != verbose
        }
        if changed { css_set_log_sink(webSocketLogTrampoline, verbose) }
    }
}

private let webSocketLogTrampoline: css_log_fn = { level, line in
    guard let logger = WebSocketLogRoute.logger.withLock({ $0 }) else { return }
    let message = String(cString: line)
    switch level {
    case CSS_LOG_ERROR, CSS_LOG_WARNING:
        logger.warning("lws: \(message)", metadata: ["vigil.component": "lws"])
    default:
        logger.debug("lws: \(message)", metadata: ["vigil.component": "lws"])
    }
}
