import CCurl
import Logging
import ServiceLifecycle
import Synchronization

import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `curl_global_init(CURL_GLOBAL_DEFAULT)`, run exactly once (Swift initializes globals lazily under `swift_once`).
///
/// It runs on the first ``CurlMultiDriver/initializeLibcurl()`` call, which every driver initializer makes. libcurl
/// 7.88 as shipped by Debian is built `threadsafe` (7.84+), so a lazy first call is safe even when other threads
/// exist; `vigil`'s `main` may still call ``CurlMultiDriver/initializeLibcurl()`` first thing, before the lws and
/// curl threads start, to keep the documented "before any thread" order. `curl_global_cleanup` is never called: the
/// process exits instead.
private let libcurlGlobalInitResult: CURLcode = curl_global_init(Int(CURL_GLOBAL_DEFAULT))

/// Performs HTTP requests with one libcurl multi handle driven by one dedicated thread named `curl-multi`.
///
/// Callers `await` ``perform(_:)`` from any task. The calling task builds the easy handle, then hands it to the
/// thread through a `Mutex` and wakes the thread with `curl_multi_wakeup`; the thread loops
/// *add pending → process cancellations → `curl_multi_perform` → `curl_multi_info_read` →
/// `curl_multi_poll(1000 ms)`*
/// and resumes each caller's continuation when its transfer is done. Nothing in Swift concurrency ever blocks: the
/// only blocking call (`curl_multi_poll`) runs on the driver's own thread.
///
/// Connections are reused across requests (the multi handle's connection cache; at most
/// ``Configuration/maxConnectionsPerHost`` per host), HTTP/2 is negotiated over TLS when the server offers it,
/// proxies come from the usual environment variables (libcurl reads them itself; nothing here overrides them), and
/// ``Configuration/extraCABundlePath`` (`VIGIL_CA_FILE`) adds trust anchors to the system store.
///
/// Lifecycle: call ``shutdown()`` (or run the driver as a `Service`) when done. Shutdown fails every transfer still
/// pending or in flight with ``CurlError/shutDown``, then the thread runs `curl_multi_cleanup` itself and exits.
/// The thread keeps the driver alive until then, so `deinit` never races the thread; the driver never tears down
/// libcurl state from `deinit`. A driver that is never shut down keeps its thread for the life of the process.
///
/// Create **one driver per process** and share it between workspaces' ``SlackWebAPI`` instances: the house rule is
/// exactly one curl thread.
///
/// `@unchecked Sendable`: this is the wrapper of the `CURLM *`. The multi handle is used only by the driver thread
/// (and by `curl_multi_wakeup`, which libcurl documents as callable from any thread); all state shared with that
/// thread is inside a `Mutex`.
public final class CurlMultiDriver: HTTPTransport, Service, @unchecked Sendable {
    /// Driver settings. Every property has a default; ``fromEnvironment(_:)`` reads `VIGIL_CA_FILE`.
    public struct Configuration: Sendable {
        /// Most simultaneous connections to one host (`CURLMOPT_MAX_HOST_CONNECTIONS`); further transfers wait
        /// for a free connection, or multiplex over HTTP/2. Default 16: over HTTP/1.1 (a proxy, the simulator)
        /// each slow call holds a connection, and Slack answering in 2 s during an incident must not cap posting
        /// below the workspace budget (16 / 2 s = 8 calls/s).
        public var maxConnectionsPerHost: Int
        /// Most simultaneous connections overall (`CURLMOPT_MAX_TOTAL_CONNECTIONS`); 0 means no limit. Default 64.
        public var maxTotalConnections: Int
        /// Path of a PEM file with extra CA certificates (for TLS-intercepting proxies or a private Slack
        /// simulator). Added to the system trust store, which stays trusted. `nil` for none. Default `nil`.
        public var extraCABundlePath: String?
        /// The `User-Agent` header. Default `"vigil (libcurl)"`.
        public var userAgent: String
        /// Largest response body accepted; bigger responses fail with ``CurlError/responseTooLarge``.
        /// Default 32 MiB.
        public var maxResponseBodyBytes: Int
        /// Forward libcurl's informational text (connects, reuse, TLS, HTTP version; never headers or data) to
        /// the logger at `debug`. Default `false`.
        public var logLibcurlDebugText: Bool

        /// Creates a configuration.
        ///
        /// - Parameters:
        ///   - maxConnectionsPerHost: `CURLMOPT_MAX_HOST_CONNECTIONS`. Default 16.
        ///   - maxTotalConnections: `CURLMOPT_MAX_TOTAL_CONNECTIONS`, 0 for no limit. Default 64.
        ///   - extraCABundlePath: Extra CA PEM file, or `nil`. Default `nil`.
        ///   - userAgent: `User-Agent`. Default `"vigil (libcurl)"`.
        ///   - maxResponseBodyBytes: Response size limit. Default 32 MiB.
        ///   - logLibcurlDebugText: Route libcurl's informational text to `debug` logs. Default `false`.
        public init(
            maxConnectionsPerHost: Int = 16,
            maxTotalConnections: Int = 64,
            extraCABundlePath: String? = nil,
            userAgent: String = "vigil (libcurl)",
            maxResponseBodyBytes: Int = 32 << 20,
            logLibcurlDebugText: Bool = false
        ) {
            self.maxConnectionsPerHost = maxConnectionsPerHost
            self.maxTotalConnections = maxTotalConnections
            self.extraCABundlePath = extraCABundlePath
            self.userAgent = userAgent
            self.maxResponseBodyBytes = maxResponseBodyBytes
            self.logLibcurlDebugText = logLibcurlDebugText
        }

        /// The default configuration with ``extraCABundlePath`` taken from `VIGIL_CA_FILE` when it is set and not
        /// empty.
        ///
        /// - Parameter environment: Looks a variable up; defaults to the process environment.
        public static func fromEnvironment(
            _ environment: (String) -> String? = { name in getenv(name).map { String(cString: $0) } }
        ) -> Configuration {
            var configuration = Configuration()
            if let path = environment("VIGIL_CA_FILE"), !path.isEmpty {
                configuration.extraCABundlePath = path
            }
            return configuration
        }
    }

    /// The PEM bytes of the extra CA bundle, read and validated once.
    final class CABundle: Sendable {
        let pem: [UInt8]
        let certificateCount: Int
        init(pem: [UInt8], certificateCount: Int) {
            self.pem = pem
            self.certificateCount = certificateCount
        }
    }

    private enum Lifecycle {
        case running
        case shuttingDown
        case stopped
    }

    private struct SharedState {
        var pending: [CurlTransfer] = []
        var cancellations: [CurlTransfer] = []
        var lifecycle: Lifecycle = .running
        var shutdownWaiters: [CheckedContinuation<Void, Never>] = []
    }

    /// The `CURLM *`. Used by the driver thread only (plus `curl_multi_wakeup`).
    private let multi: UnsafeMutableRawPointer
    private let state = Mutex(SharedState())
    private let configuration: Configuration
    private let extraCABundle: CABundle?
    private let logger: Logger

    /// Runs `curl_global_init` if it has not run yet.
    ///
    /// - Throws: ``CurlError/setupFailed`` when libcurl's global initialization failed.
    public static func initializeLibcurl() throws(CurlError) {
        let result = libcurlGlobalInitResult
        guard result == CURLE_OK else {
            throw .driver(
                .setupFailed,
                detail: "curl_global_init: \(String(cString: curl_easy_strerror(result)))",
                notDelivered: true
            )
        }
    }

    /// Creates the multi handle and starts the `curl-multi` thread.
    ///
    /// - Parameters:
    ///   - configuration: Connection limits, extra CA bundle, user agent, size limit.
    ///   - logger: Receives driver lifecycle events (and libcurl text when enabled). Never receives headers.
    /// - Throws: ``CurlError/setupFailed`` when libcurl cannot initialize, the extra CA file cannot be read or holds
    ///   no PEM certificate, or the thread cannot be started.
    public init(configuration: Configuration = .init(), logger: Logger) throws(CurlError) {
        try Self.initializeLibcurl()
        self.configuration = configuration
        self.logger = logger
        if let path = configuration.extraCABundlePath {
            let bundle = try Self.loadCABundle(path: path)
            self.extraCABundle = bundle
            logger.info(
                "Trusting extra CA certificates in addition to the system store",
                metadata: ["slack.http.ca_file": "\(path)", "slack.http.ca_count": "\(bundle.certificateCount)"]
            )
        } else {
            self.extraCABundle = nil
        }
        guard let multi = curl_multi_init() else {
            throw .driver(.setupFailed, detail: "curl_multi_init failed", notDelivered: true)
        }
        self.multi = multi
        _ = ccurl_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, max(1, configuration.maxConnectionsPerHost))
        _ = ccurl_multi_setopt_long(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, max(0, configuration.maxTotalConnections))
        _ = ccurl_multi_setopt_long(multi, CURLMOPT_PIPELINING, Int(CURLPIPE_MULTIPLEX))
        do {
            try startThread()
        } catch {
            curl_multi_cleanup(multi)
            throw error
        }
    }

    private static func loadCABundle(path: String) throws(CurlError) -> CABundle {
        let bytes: [UInt8]
        do {
            bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw .driver(.setupFailed, detail: "cannot read VIGIL_CA_FILE \(path)", notDelivered: true)
        }
        let count = bytes.withUnsafeBytes { raw -> Int32 in
            guard let base = raw.baseAddress else { return 0 }
            return ccurl_count_pem_certificates(base, raw.count)
        }
        guard count > 0 else {
            throw .driver(.setupFailed, detail: "VIGIL_CA_FILE \(path) holds no PEM certificate", notDelivered: true)
        }
        return CABundle(pem: bytes, certificateCount: Int(count))
    }

    private func startThread() throws(CurlError) {
        final class ThreadBody {
            let run: () -> Void
            init(_ run: @escaping () -> Void) { self.run = run }
        }
        // The thread holds the driver strongly until its loop ends, so the driver cannot be deinitialized while
        // libcurl may still call back into its transfers.
        let body = Unmanaged.passRetained(ThreadBody { self.threadMain() }).toOpaque()
        #if canImport(Darwin)
        var thread: pthread_t? = nil
        #else
        var thread = pthread_t()
        #endif
        let rc = pthread_create(
            &thread,
            nil,
            { argument in
                ccurl_set_current_thread_name("curl-multi")
                #if canImport(Darwin)
                let body = Unmanaged<ThreadBody>.fromOpaque(argument).takeRetainedValue()
                #else
                let body = Unmanaged<ThreadBody>.fromOpaque(argument!).takeRetainedValue()
                #endif
                body.run()
                return nil
            },
            body
        )
        guard rc == 0 else {
            Unmanaged<ThreadBody>.fromOpaque(body).release()
            throw .driver(.setupFailed, detail: "pthread_create failed (\(rc))", notDelivered: true)
        }
        #if canImport(Darwin)
        pthread_detach(thread!)
        #else
        pthread_detach(thread)
        #endif
    }

    // MARK: HTTPTransport

    /// Performs `request` on the driver thread and returns the response, whatever its status.
    ///
    /// Cancelling the calling task removes the transfer from the multi handle and throws `CancellationError`
    /// (a request already sent may still have been processed by the server).
    ///
    /// - Parameter request: The request. Its `connectTimeout` and `timeout` become `CURLOPT_CONNECTTIMEOUT_MS` and
    ///   `CURLOPT_TIMEOUT_MS`.
    /// - Returns: The final response, headers lowercased.
    /// - Throws: ``CurlError`` (see ``CurlError/requestCertainlyNotDelivered``), or `CancellationError`.
    public func perform(_ request: HTTPRequest) async throws -> HTTPResponse {
        try Task.checkCancellation()
        let transfer = try CurlTransfer.make(
            request: request,
            configuration: configuration,
            extraCABundle: extraCABundle,
            logger: logger
        )
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<HTTPResponse, any Error>) in
                transfer.continuation = continuation
                guard transfer.markSubmitted() else {
                    transfer.finish(.failure(CancellationError()))
                    return
                }
                let accepted = state.withLock { state -> Bool in
                    guard case .running = state.lifecycle else { return false }
                    state.pending.append(transfer)
                    return true
                }
                if accepted {
                    curl_multi_wakeup(multi)
                } else {
                    transfer.finish(.failure(transfer.shutdownFailure(started: false)))
                }
            }
        } onCancel: {
            if transfer.requestCancellation() {
                state.withLock { $0.cancellations.append(transfer) }
                curl_multi_wakeup(multi)
            }
        }
    }

    // MARK: Shutdown

    /// Stops the driver: fails every pending and in-flight transfer with ``CurlError/shutDown``, then the driver
    /// thread runs `curl_multi_cleanup` and exits. Returns once that has happened. Calling it again (or
    /// concurrently) waits for the same completion. Requests made after shutdown fail immediately.
    public func shutdown() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLock { state -> Bool in
                switch state.lifecycle {
                case .stopped:
                    return true
                case .running:
                    state.lifecycle = .shuttingDown
                    state.shutdownWaiters.append(continuation)
                    return false
                case .shuttingDown:
                    state.shutdownWaiters.append(continuation)
                    return false
                }
            }
            if resumeNow {
                continuation.resume()
            } else {
                curl_multi_wakeup(multi)
            }
        }
    }

    /// `Service`: waits for graceful shutdown (or cancellation) of the service group, then calls ``shutdown()``.
    /// Place the driver *before* its users in the group so it stops after them.
    public func run() async throws {
        try? await gracefulShutdown()
        await shutdown()
    }

    // MARK: The driver thread

    private func threadMain() {
        logger.debug("curl-multi thread started")
        var active: [UnsafeMutableRawPointer: CurlTransfer] = [:]
        var running: Int32 = 0
        var messagesLeft: Int32 = 0

        while true {
            let (newTransfers, cancellations, stopping) = state.withLock { state in
                let taken = (state.pending, state.cancellations, state.lifecycle != .running)
                state.pending.removeAll(keepingCapacity: true)
                state.cancellations.removeAll(keepingCapacity: true)
                return taken
            }
            if stopping {
                for transfer in newTransfers {
                    transfer.finish(.failure(transfer.shutdownFailure(started: false)))
                }
                break
            }
            for transfer in newTransfers {
                if transfer.isCancellationRequested {
                    transfer.finish(.failure(CancellationError()))
                    continue
                }
                let rc = curl_multi_add_handle(multi, transfer.easy)
                guard rc == CURLM_OK else {
                    let text = String(cString: curl_multi_strerror(rc))
                    transfer.finish(
                        .failure(
                            CurlError.driver(.setupFailed, detail: "curl_multi_add_handle: \(text)", notDelivered: true)
                        )
                    )
                    continue
                }
                active[transfer.easy] = transfer
            }
            for transfer in cancellations {
                // Not in `active`: either still in a later pending batch (the phase check above catches it) or
                // already finished. The identity check matters: a finished transfer's handle address may already
                // belong to a new transfer.
                guard let found = active[transfer.easy], found === transfer else { continue }
                active.removeValue(forKey: transfer.easy)
                curl_multi_remove_handle(multi, transfer.easy)
                transfer.finish(.failure(CancellationError()))
            }

            curl_multi_perform(multi, &running)
            while let message = curl_multi_info_read(multi, &messagesLeft) {
                guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
                let result = ccurl_msg_result(message)
                // `message` is invalid once the handle is removed: everything needed was read above.
                guard let transfer = active.removeValue(forKey: easy) else { continue }
                curl_multi_remove_handle(multi, easy)
                transfer.finish(transfer.outcome(for: result))
            }
            curl_multi_poll(multi, nil, 0, 1000, nil)
        }

        for (easy, transfer) in active {
            curl_multi_remove_handle(multi, easy)
            transfer.finish(.failure(transfer.shutdownFailure(started: true)))
        }
        active.removeAll()
        curl_multi_cleanup(multi)
        let waiters = state.withLock { state in
            state.lifecycle = .stopped
            let waiters = state.shutdownWaiters
            state.shutdownWaiters = []
            // Anything enqueued between the last drain and now was refused by `perform` (lifecycle != running).
            return waiters
        }
        logger.debug("curl-multi thread stopped")
        for waiter in waiters { waiter.resume() }
    }
}
