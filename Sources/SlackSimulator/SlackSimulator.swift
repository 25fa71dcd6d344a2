import Foundation
import Logging
import NIOCore
import NIOSSL
import Synchronization

/// A local Slack over real sockets, for integration tests, `vigil-demo` and benchmarks.
///
/// One server on `127.0.0.1:<ephemeral port>` speaks HTTP/1.1 (keep-alive) and, optionally, TLS:
///
/// * `POST /api/<method>`: the Web API subset Vigil uses (`auth.test`, `apps.connections.open`, `chat.*`,
///   `reactions.*`, `conversations.*`, `users.info`, `views.open`, `views.publish`), with Slack's token rules,
///   error codes, per-channel post rate rule and injectable faults. Every call is recorded.
/// * `POST /response/<id>`: slash-command response URLs (recorded as method `response_url`).
/// * `GET /link/?ticket=…`: the Socket Mode WebSocket. Tickets come from `apps.connections.open` and are single-use
///   (a reused ticket gets HTTP 409, an unknown one 401). The simulator writes `hello`, routes envelopes
///   round-robin over live connections (silent ones included, like Slack's ghost registrations), records acks with
///   monotonic write/read times, and re-sends unacked events (new envelope id, same `event_id`,
///   `retry_attempt + 1`, `retry_reason: "timeout"`) after ``Configuration-swift.struct/ackTimeout``.
///
/// All methods are thread-safe. Waits (`waitFor…`) are resumed by the state change itself, never by polling, and
/// throw ``SlackSimulatorError`` with code `timedOut` saying what was awaited and what was seen.
///
/// ```swift
/// let slack = try await SlackSimulator.start()
/// defer { Task { await slack.shutdown() } }   // or call shutdown() at the end of the test
/// // point the client at slack.apiBaseURL, then:
/// let live = try await slack.waitForLiveConnections(count: 1)
/// let id = try slack.sendEventsAPI(event: #"{"type":"message","text":"hi","channel":"C0SIMALERTS","ts":"1.000001"}"#)
/// let ack = try await slack.waitForAck(envelopeID: id)
/// ```
public final class SlackSimulator: Sendable {
    /// The engine.
    let core: SimulatorCore
    private let server: any Channel

    /// The configuration the simulator was started with.
    public var configuration: Configuration { self.core.configuration }
    /// The bound TCP port on 127.0.0.1.
    public let port: Int
    /// The Web API base URL, ending in `/api/`: `http://127.0.0.1:PORT/api/` (or `https://` with TLS).
    public let apiBaseURL: String
    /// The server's root URL: `http://127.0.0.1:PORT/` (or `https://`).
    public let baseURL: String
    /// Whether the server speaks TLS.
    public var usesTLS: Bool { self.configuration.tls != nil }

    private init(core: SimulatorCore, server: any Channel, port: Int) {
        self.core = core
        self.server = server
        self.port = port
        let scheme = core.configuration.tls == nil ? "http" : "https"
        self.baseURL = "\(scheme)://127.0.0.1:\(port)/"
        self.apiBaseURL = "\(scheme)://127.0.0.1:\(port)/api/"
    }

    /// Starts a simulator on `127.0.0.1` with an ephemeral port.
    /// - Parameters:
    ///   - configuration: Behaviour and workspace data. Defaults mimic Slack.
    ///   - logger: Receives debug logs (server start, connections opening and closing, connection errors), with
    ///     metadata keys `slack.*`. `nil` (the default) logs nothing.
    /// - Returns: The running simulator. Call ``shutdown()`` when done.
    /// - Throws: ``SlackSimulatorError`` with code `startFailed` if the TLS files cannot be loaded or the port
    ///   cannot be bound.
    public static func start(
        configuration: Configuration = Configuration(),
        logger: Logger? = nil
    ) async throws -> SlackSimulator {
        var sslContext: NIOSSLContext?
        if let tls = configuration.tls {
            do {
                let chain = try NIOSSLCertificate.fromPEMFile(tls.certificateChainPEMPath)
                let key = try NIOSSLPrivateKey(file: tls.privateKeyPEMPath, format: .pem)
                let tlsConfiguration = TLSConfiguration.makeServerConfiguration(
                    certificateChain: chain.map { .certificate($0) },
                    privateKey: .privateKey(key)
                )
                sslContext = try NIOSSLContext(configuration: tlsConfiguration)
            } catch {
                throw SlackSimulatorError.startFailed(
                    "cannot load TLS certificate \(tls.certificateChainPEMPath) / key \(tls.privateKeyPEMPath)",
                    underlying: error
                )
            }
        }
        let core = SimulatorCore(configuration: configuration, logger: logger)
        do {
            let (server, port) = try await core.bind(sslContext: sslContext)
            logger?.debug("slack simulator listening", metadata: ["slack.port": "\(port)"])
            return SlackSimulator(core: core, server: server, port: port)
        } catch {
            try? await core.group.shutdownGracefully()
            if let error = error as? SlackSimulatorError { throw error }
            throw SlackSimulatorError.startFailed("cannot bind 127.0.0.1:0", underlying: error)
        }
    }

    /// Stops the server: closes every connection (without close frames), fails pending waits with code `shutDown`,
    /// and stops the event loops. Safe to call more than once.
    public func shutdown() async {
        let already = self.core.state.withLock { state in
            let was = state.isShutDown
            state.isShutDown = true
            return was
        }
        guard !already else { return }
        await self.core.shutdown(server: self.server)
    }

    // MARK: Web API records

    /// Every Web API and response-URL call, in arrival order.
    public func calls() -> [RecordedCall] {
        self.core.read { $0.calls }
    }

    /// The calls of one method (for example `chat.postMessage`, or `response_url`), in arrival order.
    public func calls(method: String) -> [RecordedCall] {
        self.core.read { state in state.calls.filter { $0.method == method } }
    }

    /// Waits until at least `count` calls of `method` have been recorded.
    /// - Parameters:
    ///   - method: The Slack method, or `response_url`.
    ///   - count: How many calls to wait for (in total, since start or ``resetRecords()``).
    ///   - timeout: How long to wait. Default 10 s.
    /// - Returns: All calls of the method recorded so far.
    /// - Throws: ``SlackSimulatorError`` (`timedOut`, `shutDown`), or `CancellationError`.
    @discardableResult
    public func waitForCalls(
        method: String,
        count: Int = 1,
        timeout: Duration = .seconds(10)
    ) async throws -> [RecordedCall] {
        try await self.core.wait(
            for: "\(count) \(method) call(s)",
            timeout: timeout,
            evaluate: { state in
                (state.callCounts[method] ?? 0) >= count ? state.calls.filter { $0.method == method } : nil
            },
            describe: { state in
                "\(state.callCounts[method] ?? 0) \(method) call(s); all calls: \(state.callCounts.sorted { $0.key < $1.key })"
            }
        )
    }

    /// Returns `find()` as soon as it is non-`nil`, re-checking after every new call of `method` (event-driven, no
    /// polling): for effects a test or the demo expects from the worker, such as a reply in a thread.
    /// - Parameters:
    ///   - what: The awaited effect, for the error.
    ///   - method: The Web API method whose calls can bring the effect about.
    ///   - timeout: How long to wait.
    ///   - find: Looks for the effect; `nil` while it is not there.
    /// - Throws: ``SlackSimulatorError`` `timedOut` (naming `what` and the last calls), `CancellationError`, or
    ///   what `find` throws.
    public func waitUntil<T>(
        _ what: String,
        method: String,
        timeout: Duration = .seconds(10),
        _ find: () throws -> T?
    ) async throws -> T {
        let deadline = ContinuousClock.now + timeout
        while true {
            let seen = self.calls(method: method).count
            if let found = try find() { return found }
            let remaining = deadline - ContinuousClock.now
            if remaining > .zero {
                do {
                    try await self.waitForCalls(method: method, count: seen + 1, timeout: remaining)
                    continue
                } catch is CancellationError {
                    throw CancellationError()
                } catch {
                    // Timed out (or the simulator stopped): one last look below.
                }
            }
            if let found = try find() { return found }
            throw SlackSimulatorError.timedOut(
                after: timeout, awaiting: what,
                seen: "calls: \(self.calls().suffix(20).map(\.description))")
        }
    }

    // MARK: Faults and knobs

    /// Queues a fault for the next `count` calls of `method` (optionally only those whose `channel` argument equals
    /// `channel`). Faults are consumed in injection order.
    /// - Parameters:
    ///   - fault: What to do instead of (or in addition to) the normal answer.
    ///   - method: The Slack method, or `response_url`.
    ///   - channel: Restricts the fault to calls with this `channel` argument.
    ///   - count: How many calls it applies to. Default 1.
    public func injectFault(_ fault: WebAPIFault, method: String, channel: String? = nil, count: Int = 1) {
        guard count > 0 else { return }
        self.core.mutate { state, _ in
            state.faults.append(FaultEntry(fault: fault, method: method, channel: channel, remaining: count))
        }
    }

    /// Removes every queued fault.
    public func clearFaults() {
        self.core.mutate { state, _ in state.faults.removeAll() }
    }

    /// How many fault applications are still queued (over all methods).
    public var pendingFaultCount: Int {
        self.core.read { state in state.faults.reduce(0) { $0 + $1.remaining } }
    }

    /// Sets or clears the delay before every `chat.postMessage` answer (the message is stored on arrival).
    public func setPostMessageDelay(_ delay: Duration?) {
        self.core.mutate { state, _ in state.postMessageDelay = delay }
    }

    /// Sets or clears the page size cap of `conversations.history` and `conversations.replies`
    /// (``Configuration/maximumPageSize``).
    public func setMaximumPageSize(_ size: Int?) {
        self.core.mutate { state, _ in state.maximumPageSize = size }
    }

    /// Replaces the per-channel post rate rule; `nil` turns it off.
    public func setChannelPostRateLimit(_ rule: ChannelPostRateLimit?) {
        self.core.mutate { state, _ in
            state.channelPostRateLimit = rule
            state.rateBuckets.removeAll()
        }
    }

    /// Makes `token` answer `token_revoked` from now on.
    public func revokeToken(_ token: String) {
        self.core.mutate { state, _ in _ = state.revokedTokens.insert(token) }
    }

    /// Overrides (or, with `nil`, stops overriding) the `num_connections` reported in `hello`.
    public func setHelloNumConnections(_ count: Int?) {
        self.core.mutate { state, _ in state.helloNumConnections = count }
    }

    /// Forgets recorded calls, acks, envelopes, redeliveries, violations and the live-connection timeline (for
    /// example between benchmark phases). Connections, messages, faults and queued events are kept; envelopes
    /// that are still unacked stay tracked so their acks are not reported as unknown.
    public func resetRecords() {
        self.core.mutate { state, _ in
            state.calls.removeAll()
            state.callCounts.removeAll()
            state.acks.removeAll()
            state.acknowledgedEnvelopeCount = 0
            state.redeliveries.removeAll()
            state.abandonedEventIDs.removeAll()
            state.violations.removeAll()
            let keep = state.envelopeOrder.filter { id in
                guard let record = state.envelopes[id] else { return false }
                return record.ackedAt == nil && !record.dispatchFailed
            }
            var envelopes: [String: EnvelopeRecord] = [:]
            for id in keep { envelopes[id] = state.envelopes[id] }
            state.envelopes = envelopes
            state.envelopeOrder = keep
            let last = state.timeline.last
            state.timeline.removeAll()
            if let last {
                state.timeline.append(
                    LiveConnectionSample(at: .now, liveCount: last.liveCount, openCount: last.openCount)
                )
            }
        }
    }
}
