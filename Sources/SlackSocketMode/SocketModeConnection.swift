import Logging
import Metrics
import Synchronization
import VigilBase

/// One Socket Mode WebSocket: acks envelopes the moment they arrive, forwards them for dispatch, and reports its
/// lifecycle (`hello`, `disconnect` requests, staleness, the end) to the slot that owns it.
///
/// The frame path runs on the libwebsockets service thread: scan the routing fields (``EnvelopeHeader``), queue the
/// ack on the same connection, drop redelivered `event_id`s, hand the envelope to the dispatcher. Nothing on that
/// path waits for Swift tasks, so a slow handler can never delay an ack.
final class SocketModeConnection: Sendable {
    /// Lifecycle news for the slot supervisor.
    enum Signal: Sendable {
        case hello(numConnections: Int?)
        case disconnectRequested(reason: String)
        /// No frame and no pong within the stale timeout, or no `hello` within the hello timeout.
        case stale(String)
        case ended(code: Int, reason: String)
        case failed(WebSocketError)
    }

    private struct Flags {
        var helloReceived = false
        var ended = false
        var retired = false
        var malformedFrames = 0
    }

    let slot: Int
    let signals: AsyncStream<Signal>
    private let signalContinuation: AsyncStream<Signal>.Continuation
    private let transport: WebSocketTransport
    private let deduplicator: EventDeduplicator
    private let sink: @Sendable (InboundEnvelope) -> Void
    private let redelivered: @Sendable (InboundEnvelope) -> Void
    private let logger: Logger
    private let metrics: SocketModeMetrics
    private let createdAt: ContinuousClock.Instant
    /// Nanoseconds since `createdAt` of the last frame or pong; written on the service thread.
    private let lastActivity = Atomic<Int64>(0)
    private let rawID = Atomic<UInt64>(0)
    private let flags = Mutex(Flags())

    init(
        slot: Int,
        transport: WebSocketTransport,
        deduplicator: EventDeduplicator,
        logger: Logger,
        metrics: SocketModeMetrics,
        sink: @escaping @Sendable (InboundEnvelope) -> Void,
        redelivered: @escaping @Sendable (InboundEnvelope) -> Void = { _ in }
    ) {
        self.metrics = metrics
        self.slot = slot
        self.transport = transport
        self.deduplicator = deduplicator
        self.logger = logger
        self.sink = sink
        self.redelivered = redelivered
        self.createdAt = .now
        (signals, signalContinuation) = AsyncStream.makeStream(of: Signal.self)
    }

    /// The transport's id for this connection, once ``open(url:)`` returned.
    var id: WebSocketConnectionID? {
        let raw = rawID.load(ordering: .acquiring)
        return raw == 0 ? nil : WebSocketConnectionID(rawValue: raw)
    }

    var isLive: Bool { flags.withLock { $0.helloReceived && !$0.ended } }

    /// Starts the WebSocket handshake.
    func open(url: String) throws(WebSocketError) {
        let id = try transport.connect(url: url) { [self] id, event in
            self.handle(event, on: id)
        }
        rawID.store(id.rawValue, ordering: .releasing)
    }

    /// Closes with a close frame (1000) after a replacement took over. After the close frame nothing more can be sent
    /// (RFC 6455), so an envelope Slack still routes here goes unacked and Slack redelivers it to a live connection.
    func retire() {
        let shouldClose = flags.withLock { flags in
            defer { flags.retired = true }
            return !flags.retired && !flags.ended
        }
        if shouldClose, let id { transport.close(id, code: 1000, reason: "replaced") }
    }

    /// Closes with a close frame because Vigil is stopping.
    func close(code: Int = 1000, reason: String = "") {
        if let id { transport.close(id, code: code, reason: reason) }
    }

    /// Drops the TCP connection without a close frame (a dead peer would never answer one).
    func abort() {
        if let id { transport.abort(id) }
    }

    /// Pings on schedule and reports a connection that went quiet, until the connection ends or the task is
    /// cancelled.
    func monitorLiveness(pingInterval: Duration, staleAfter: Duration, helloTimeout: Duration) async {
        let tick = min(pingInterval, staleAfter / 5, helloTimeout / 5)
        var sincePing = Duration.zero
        while !Task.isCancelled {
            do { try await Task.sleep(for: tick) } catch { return }
            let (hello, ended) = flags.withLock { ($0.helloReceived, $0.ended) }
            if ended { return }
            let now = ContinuousClock.now
            if !hello {
                if now - createdAt > helloTimeout {
                    signalContinuation.yield(.stale("no hello within \(helloTimeout)"))
                    return
                }
                continue
            }
            let idle = (now - createdAt) - .nanoseconds(lastActivity.load(ordering: .relaxed))
            if idle > staleAfter {
                signalContinuation.yield(.stale("no frame and no pong for \(idle.shortText)"))
                return
            }
            sincePing += tick
            if sincePing >= pingInterval, let id {
                sincePing = .zero
                transport.ping(on: id)
            }
        }
    }

    // MARK: - Service thread

    /// Records activity at `now` (read once per event; a frame's receive time is the same instant).
    private func touch(at now: ContinuousClock.Instant) {
        let elapsed = now - createdAt
        let (seconds, attoseconds) = elapsed.components
        lastActivity.store(seconds * 1_000_000_000 + attoseconds / 1_000_000_000, ordering: .relaxed)
    }

    private func handle(_ event: WebSocketEvent, on id: WebSocketConnectionID) {
        let now = ContinuousClock.now
        switch event {
        case .opened:
            touch(at: now)
            logger.debug("WebSocket open, waiting for hello", metadata: ["slack.connection": "\(id)"])
        case .text(let bytes):
            touch(at: now)
            handleFrame(bytes, receivedAt: now, on: id)
        case .binary(let bytes):
            touch(at: now)
            logger.warning(
                "binary frame on a Socket Mode connection; Slack sends text only",
                metadata: ["slack.connection": "\(id)", "slack.bytes": "\(bytes.count)"]
            )
            handleFrame(bytes, receivedAt: now, on: id)
        case .pong:
            touch(at: now)
        case .oversized(let byteCount):
            touch(at: now)
            logger.error(
                "dropped a frame larger than the configured cap; if it was an event Slack will redeliver it",
                metadata: ["slack.connection": "\(id)", "slack.bytes": "\(byteCount)"]
            )
        case .closed(let code, let reason):
            flags.withLock { $0.ended = true }
            signalContinuation.yield(.ended(code: code, reason: reason))
            signalContinuation.finish()
        case .failed(let error):
            flags.withLock { $0.ended = true }
            signalContinuation.yield(.failed(error))
            signalContinuation.finish()
        }
    }

    private func handleFrame(_ bytes: [UInt8], receivedAt: ContinuousClock.Instant, on id: WebSocketConnectionID) {
        bytes.withUnsafeBytes { raw in
            let (header, isComplete) = EnvelopeHeader.scan(raw)
            func text(_ range: Range<Int>?) -> String? {
                range.map { String(decoding: UnsafeRawBufferPointer(rebasing: raw[$0]), as: UTF8.self) }
            }
            guard let envelopeRange = header.envelopeID else {
                if !isComplete { metrics.malformed.increment() }
                handleControlFrame(header, isComplete: isComplete, text: text, byteCount: raw.count, on: id)
                return
            }
            // Ack first, before anything else, unless the handler may answer in the ack.
            let ackNow = !header.acceptsResponsePayload || !isComplete
            if ackNow {
                let ack = AckFrame.bare(rawEnvelopeID: UnsafeRawBufferPointer(rebasing: raw[envelopeRange]))
                if transport.send(text: ack, on: id) {
                    metrics.acked.increment()
                    metrics.ackLatency.recordNanoseconds((ContinuousClock.now - receivedAt).nanoseconds)
                } else {
                    logger.warning("could not queue an ack: the connection is closing; Slack will redeliver events",
                                   metadata: ["slack.connection": "\(id)"])
                }
            }
            metrics.received.increment()
            let envelopeID = text(envelopeRange) ?? ""
            guard isComplete, let rawType = text(header.type) else {
                metrics.malformed.increment()
                reportMalformed("envelope is not well-formed JSON; acked, not handled", envelopeID: envelopeID, on: id)
                return
            }
            let kind = InboundEnvelope.Kind(rawType: rawType)
            if case .unknown(let name) = kind {
                logger.notice("unknown envelope type; acked and ignored",
                              metadata: ["slack.envelope_id": "\(envelopeID)", "slack.envelope_type": "\(name)"])
                if !ackNow { sendBareAck(envelopeID, on: id) }
                return
            }
            let eventID = text(header.eventID)
            let envelope = InboundEnvelope(
                kind: kind,
                envelopeID: envelopeID,
                eventID: eventID,
                teamID: text(header.teamID),
                eventType: text(header.eventType),
                eventChannel: text(header.eventChannel),
                payloadType: text(header.payloadType),
                retryAttempt: header.retryAttempt,
                retryReason: text(header.retryReason),
                acceptsResponsePayload: !ackNow,
                frame: bytes,
                connectionID: id,
                receivedAt: receivedAt
            )
            if let eventID, !deduplicator.isFirstDelivery(of: eventID, at: receivedAt) {
                metrics.duplicates.increment()
                logger.debug("redelivered event already dispatched; acked and dropped",
                             metadata: ["slack.envelope_id": "\(envelopeID)", "slack.event_id": "\(eventID)",
                                        "slack.retry_attempt": "\(header.retryAttempt)"])
                if !ackNow { sendBareAck(envelopeID, on: id) }
                redelivered(envelope)
                return
            }
            sink(envelope)
        }
    }

    private func sendBareAck(_ envelopeID: String, on id: WebSocketConnectionID) {
        _ = transport.send(text: AckFrame.make(envelopeID: envelopeID), on: id)
    }

    private func handleControlFrame(
        _ header: EnvelopeHeader,
        isComplete: Bool,
        text: (Range<Int>?) -> String?,
        byteCount: Int,
        on id: WebSocketConnectionID
    ) {
        switch isComplete ? text(header.type) : nil {
        case "hello":
            let first = flags.withLock { flags in
                defer { flags.helloReceived = true }
                return !flags.helloReceived
            }
            if first { signalContinuation.yield(.hello(numConnections: header.numConnections)) }
        case "disconnect":
            signalContinuation.yield(.disconnectRequested(reason: text(header.reason) ?? "unknown"))
        case let type?:
            reportMalformed("frame of type \(type) without envelope_id; ignored", envelopeID: nil, on: id)
        case nil:
            reportMalformed("frame is not a JSON object (\(byteCount) bytes); ignored", envelopeID: nil, on: id)
        }
    }

    /// Logs the first few malformed frames of a connection and then one in a thousand, so garbage cannot flood the
    /// journal or slow the service thread.
    private func reportMalformed(_ message: String, envelopeID: String?, on id: WebSocketConnectionID) {
        let count = flags.withLock { flags in
            flags.malformedFrames += 1
            return flags.malformedFrames
        }
        guard count <= 10 || count % 1000 == 0 else { return }
        var metadata: Logger.Metadata = ["slack.connection": "\(id)", "slack.malformed_frames": "\(count)"]
        if let envelopeID { metadata["slack.envelope_id"] = "\(envelopeID)" }
        logger.warning("\(message)", metadata: metadata)
    }
}
