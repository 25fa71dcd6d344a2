import Logging
import Metrics
import ServiceLifecycle
import Synchronization
import VigilBase

/// Keeps Vigil's Socket Mode connections to one workspace open and feeds every envelope to a handler.
///
/// - Each of ``SocketModeConfiguration/connectionCount`` slots holds one connection. A connection counts as live only
///   after Slack's `hello`.
/// - Every envelope is acked on arrival, on the connection it came on, exactly once (``SocketModeConnection``);
///   redelivered `event_id`s are acked and dropped (``EventDeduplicator``; the handler is told,
///   ``SocketModeEnvelopeHandler/droppedRedelivery(_:)``), and so are envelopes the handler says
///   it does not need (``SocketModeEnvelopeHandler/needsHandling(_:)``, asked on the service thread); the rest is
///   dispatched with bounded concurrency (``EnvelopeDispatcher``).
/// - `disconnect` with `warning` or `refresh_requested`: make-before-break. The slot opens a replacement and retires
///   the old connection only after the replacement's `hello`. `link_disabled` stops the service with
///   ``SocketModeError/linkDisabled``; `too_many_websockets` sheds the slot (down to one).
/// - A connection with no frame and no pong for ``SocketModeConfiguration/staleAfter`` is dropped and replaced.
/// - Failed attempts back off exponentially with jitter; `Retry-After` from `apps.connections.open` is honoured;
///   revoked or invalid tokens stop the service.
/// - Graceful shutdown (SIGTERM): every connection is closed with a close frame, no reconnect is attempted, handlers
///   still running are awaited, then ``run()`` returns.
public final class SocketModeService: Service, Sendable {
    /// A snapshot for `status` displays, metrics and systemd's `STATUS=`.
    public struct Status: Sendable, Equatable {
        public var liveConnections: Int
        public var reconnects: Int
        /// Envelopes handed to the handler: not redeliveries, not those it said it did not need.
        public var envelopesDispatched: Int
        /// Events (envelopes without a response payload: not slash commands or interactions) acked and handed over
        /// whose handling has not finished: running, or waiting for a handler slot.
        public var eventsInProgress: Int = 0
        /// Why the last attempt to open a connection failed (Slack unreachable, 5xx, rate limited), while no
        /// connection is live; `nil` once one is.
        public var lastConnectFailure: String? = nil
        /// Slots still kept: ``SocketModeConfiguration/connectionCount`` less those shed after Slack reported
        /// `too_many_websockets`.
        public var activeSlots: Int = 0
    }

    private struct State {
        var connections: [ObjectIdentifier: SocketModeConnection] = [:]
        var activeSlots: Int
        var reconnects = 0
        var envelopesDispatched = 0
        var shuttingDown = false
        var lastConnectFailure: String?
    }

    private let configuration: SocketModeConfiguration
    private let transport: WebSocketTransport
    private let urlProvider: any SocketModeURLProvider
    private let handler: any SocketModeEnvelopeHandler
    private let logger: Logger
    private let deduplicator: EventDeduplicator
    private let state: Mutex<State>
    private let statusDidChange: @Sendable (Status) -> Void
    private let metrics: SocketModeMetrics
    private let events: DispatchedEventCounter

    /// - Parameters:
    ///   - configuration: connection count, timeouts, backoff; validated here.
    ///   - transport: the shared libwebsockets transport (one per process).
    ///   - urlProvider: calls `apps.connections.open` with the app-level token.
    ///   - handler: receives every envelope after its ack.
    ///   - logger: lifecycle and error logging; never given a token.
    ///   - events: counts the events handed to `handler` and finished (``Status/eventsInProgress``); pass one to read
    ///     it without the service.
    ///   - statusDidChange: called whenever the number of live connections changes (from any thread; keep it cheap).
    /// - Throws: ``SocketModeError`` when the configuration is out of range.
    public init(
        configuration: SocketModeConfiguration,
        transport: WebSocketTransport,
        urlProvider: any SocketModeURLProvider,
        handler: any SocketModeEnvelopeHandler,
        logger: Logger,
        metrics: SocketModeMetrics = SocketModeMetrics(workspace: "default"),
        events: DispatchedEventCounter = DispatchedEventCounter(),
        statusDidChange: @escaping @Sendable (Status) -> Void = { _ in }
    ) throws(SocketModeError) {
        self.metrics = metrics
        self.events = events
        try configuration.validate()
        self.configuration = configuration
        self.transport = transport
        self.urlProvider = urlProvider
        self.handler = handler
        self.logger = logger
        self.deduplicator = EventDeduplicator(window: configuration.deduplicationWindow)
        self.state = Mutex(State(activeSlots: configuration.connectionCount))
        self.statusDidChange = statusDidChange
    }

    /// The current snapshot.
    public var status: Status {
        state.withLock { state in
            Status(
                liveConnections: state.connections.values.filter(\.isLive).count,
                reconnects: state.reconnects,
                envelopesDispatched: state.envelopesDispatched,
                eventsInProgress: events.inProgress,
                lastConnectFailure: state.connections.values.contains(where: \.isLive) ? nil : state.lastConnectFailure,
                activeSlots: state.activeSlots
            )
        }
    }

    public func run() async throws {
        let (envelopes, sink) = AsyncStream.makeStream(of: InboundEnvelope.self)
        let dispatcher = EnvelopeDispatcher(
            handler: handler,
            transport: transport,
            maximumConcurrentHandlers: configuration.maximumConcurrentHandlers,
            responsePayloadDeadline: configuration.responsePayloadDeadline,
            logger: logger,
            handlerErrors: metrics.handlerErrors,
            handlerFinished: { envelope in
                guard !envelope.acceptsResponsePayload else { return }
                self.events.recordFinished()
            }
        )
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await dispatcher.run(envelopes) }
            group.addTask {
                defer { sink.finish() }
                try await withGracefulShutdownHandler {
                    try await self.superviseSlots(sink: sink)
                } onGracefulShutdown: {
                    self.closeAll()
                }
            }
            try await group.waitForAll()
        }
        logger.info("Socket Mode stopped")
    }

    // MARK: - Slots

    private func superviseSlots(sink: AsyncStream<InboundEnvelope>.Continuation) async throws {
        let handler = self.handler
        let countingSink: @Sendable (InboundEnvelope) -> Void = { envelope in
            // On the service thread: most envelopes end here, with no task and no wake-up of a worker thread.
            guard envelope.acceptsResponsePayload || handler.needsHandling(envelope) else { return }
            self.state.withLock { $0.envelopesDispatched += 1 }
            if !envelope.acceptsResponsePayload { self.events.recordDispatched() }
            sink.yield(envelope)
        }
        try await withThrowingDiscardingTaskGroup { group in
            for slot in 0..<configuration.connectionCount {
                group.addTask { try await self.runSlot(slot, sink: countingSink) }
            }
        }
    }

    private var isShuttingDown: Bool {
        state.withLock { $0.shuttingDown } || Task.isCancelled
    }

    private func closeAll() {
        let connections = state.withLock { state in
            state.shuttingDown = true
            return Array(state.connections.values)
        }
        logger.info("closing Socket Mode connections", metadata: ["slack.connections": "\(connections.count)"])
        for connection in connections { connection.close(code: 1000, reason: "shutting down") }
    }

    private func forget(_ connection: SocketModeConnection) {
        let status = state.withLock { state in
            state.connections[ObjectIdentifier(connection)] = nil
            return Status(
                liveConnections: state.connections.values.filter(\.isLive).count,
                reconnects: state.reconnects,
                envelopesDispatched: state.envelopesDispatched,
                activeSlots: state.activeSlots
            )
        }
        metrics.liveConnections.record(status.liveConnections)
        statusDidChange(status)
    }

    private typealias Signals = AsyncStream<SocketModeConnection.Signal>.Iterator
    private typealias Slot = SocketModeSlotStateMachine<SocketModeConnection, SystemRandomNumberGenerator>

    /// Keeps why the last connection attempt failed, for `STATUS=` and `/vigil status` while none is live.
    private func recordConnectFailure(_ reason: String) {
        state.withLock { $0.lastConnectFailure = reason }
        statusDidChange(status)
    }

    /// Runs one slot until shutdown: feeds its ``SocketModeSlotStateMachine`` what happens and does what it says.
    private func runSlot(_ slot: Int, sink: @escaping @Sendable (InboundEnvelope) -> Void) async throws {
        var machine = Slot(connectionCount: configuration.connectionCount, backoff: configuration.backoff,
                           random: SystemRandomNumberGenerator())
        var signals: [ObjectIdentifier: Signals] = [:]
        let slotLogger = { var logger = self.logger; logger[metadataKey: "slack.slot"] = "\(slot)"; return logger }()

        try await withThrowingDiscardingTaskGroup { monitors in
            defer { monitors.cancelAll() }
            guard var transition = machine.handle(.start) else { return }
            while true {
                for effect in transition.effects {
                    perform(effect, logger: slotLogger)
                    switch effect {
                    case .forget(let connection), .retireReplaced(let connection):
                        signals[ObjectIdentifier(connection)] = nil
                    default:
                        break
                    }
                }
                let event: Slot.Event
                switch transition.step {
                case .finish:
                    return
                case .fail(let error):
                    throw error
                case _ where isShuttingDown:
                    event = .shutdown
                case .backOff(let delay, let attempt):
                    slotLogger.info("reconnecting after backoff", metadata: ["vigil.retry_in": "\(delay.shortText)",
                                                                              "vigil.attempt": "\(attempt)"])
                    do {
                        try await cancelWhenGracefulShutdown { try await Task.sleep(for: delay) }
                        event = .backoffElapsed
                    } catch {
                        event = .shutdown
                    }
                case .connect:
                    do {
                        let (connection, iterator) = try await open(slot: slot, sink: sink, monitors: &monitors,
                                                                    logger: slotLogger)
                        signals[ObjectIdentifier(connection)] = iterator
                        event = .connectionOpened(connection)
                    } catch {
                        event = .connectFailed(Slot.classify(error))
                    }
                case .awaitSignal(let connection):
                    let signal = await signals[ObjectIdentifier(connection)]?.next()
                    event = .signal(slotSignal(signal), from: connection)
                case .tryShedding:
                    let shed = state.withLock { state in
                        guard state.activeSlots > 1 else { return false }
                        state.activeSlots -= 1
                        return true
                    }
                    event = .shedAnswered(shed)
                }
                // An event the machine does not expect changes nothing: do the same step again.
                if let next = machine.handle(event) {
                    transition = next
                } else {
                    transition.effects = []
                }
            }
        }
    }

    /// The machine's view of a connection's signal (`nil`: the stream finished).
    private func slotSignal(_ signal: SocketModeConnection.Signal?) -> Slot.Signal {
        switch signal {
        case .hello(let numConnections): .hello(numConnections: numConnections)
        case .disconnectRequested(let reason): .disconnectRequested(reason: reason)
        case .stale(let reason): .stale(reason)
        case .ended(let code, let reason): .ended(code: code, reason: reason, duringShutdown: isShuttingDown)
        case .failed(let error): .failed("\(error)")
        case nil: .finished
        }
    }

    /// Does one effect of a slot's transition.
    private func perform(_ effect: Slot.Effect, logger: Logger) {
        switch effect {
        case .note(let note):
            switch note {
            case .linkDisabled:
                logger.critical("Slack disabled the Socket Mode link (link_disabled)")
            case .shedding:
                logger.warning("Slack reports too many WebSockets for this app; shedding this connection (another Vigil or an old process holds some)")
            case .tooManyWebSocketsBackingOff:
                logger.warning("Slack reports too many WebSockets for this app; backing off before reconnecting")
            case .refreshRequested(let reason):
                logger.info("Slack asked for a reconnect; opening the replacement first",
                            metadata: ["slack.reason": "\(reason)"])
            case .stale(let reason):
                logger.warning("connection went silent; dropping and replacing it", metadata: ["slack.reason": "\(reason)"])
            case .closed(let code, let reason):
                logger.warning("connection closed; reconnecting",
                               metadata: ["slack.close_code": "\(code)", "slack.reason": "\(reason)"])
            case .failed(let error):
                logger.warning("connection failed: \(error); reconnecting")
            case .disconnectBeforeHello(let reason):
                logger.notice("disconnect before hello", metadata: ["slack.reason": "\(reason)"])
            }
        case .reportLive(let connection, let numConnections):
            if let numConnections, numConnections > configuration.connectionCount + 1 {
                logger.warning(
                    "Slack counts more connections for this app than Vigil keeps; another process or half-open ghost connections may be swallowing envelopes",
                    metadata: ["slack.num_connections": "\(numConnections)"]
                )
            }
            metrics.liveConnections.record(status.liveConnections)
            logger.info("Socket Mode connection live", metadata: [
                "slack.connection": "\(connection.id.map(\.description) ?? "?")",
                "slack.num_connections": "\(numConnections.map(String.init) ?? "?")",
            ])
            statusDidChange(status)
        case .retireReplaced(let old):
            old.retire()
            forget(old)
            logger.info("replacement live; retired the old connection")
        case .reportConnectFailure(let reason):
            logger.warning("could not open a Socket Mode connection: \(reason)")
            recordConnectFailure(reason)
        case .close(let connection, let reason):
            connection.close(code: 1000, reason: reason)
        case .abort(let connection):
            connection.abort()
        case .forget(let connection):
            forget(connection)
        case .countReconnect(let reason):
            countReconnect(reason: reason)
        }
    }

    private func countReconnect(reason: String) {
        state.withLock { $0.reconnects += 1 }
        metrics.reconnected(reason: reason)
    }

    /// Asks for a URL, opens a connection on it and starts watching its liveness; its `hello` comes as a signal.
    /// - Throws: the URL provider's errors; `CancellationError` when the service is stopping;
    ///   ``SocketModeError/handshakeFailed(_:)`` when the transport cannot start the handshake.
    private func open(
        slot: Int,
        sink: @escaping @Sendable (InboundEnvelope) -> Void,
        monitors: inout ThrowingDiscardingTaskGroup<any Error>,
        logger: Logger
    ) async throws -> (connection: SocketModeConnection, signals: Signals) {
        let url = try await urlProvider.openSocketModeURL()
        let connection = SocketModeConnection(
            slot: slot, transport: transport, deduplicator: deduplicator, logger: logger, metrics: metrics, sink: sink,
            redelivered: { [handler] envelope in handler.droppedRedelivery(envelope) })
        let shuttingDown = state.withLock { state in
            if !state.shuttingDown { state.connections[ObjectIdentifier(connection)] = connection }
            return state.shuttingDown
        }
        if shuttingDown { throw CancellationError() }
        do {
            try connection.open(url: url)
        } catch {
            forget(connection)
            throw SocketModeError.handshakeFailed("\(error)")
        }
        let configuration = self.configuration
        monitors.addTask {
            await connection.monitorLiveness(
                pingInterval: configuration.pingInterval,
                staleAfter: configuration.staleAfter,
                helloTimeout: configuration.helloTimeout
            )
        }
        return (connection, connection.signals.makeAsyncIterator())
    }
}

extension SocketModeConnection: Equatable {
    /// The same connection object (a slot's state machine tells its connections apart by identity).
    static func == (lhs: SocketModeConnection, rhs: SocketModeConnection) -> Bool { lhs === rhs }
}
