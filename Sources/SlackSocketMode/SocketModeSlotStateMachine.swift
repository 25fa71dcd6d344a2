/// The life of one Socket Mode slot as a value: events in, effects and the next step out, no I/O.
///
/// A slot holds at most one live connection. ``SocketModeService`` owns one machine per slot and runs a small loop:
/// it performs the ``Transition/effects`` in order, then the ``Transition/step`` (back off, open a connection, wait
/// for the watched connection's next signal, ask whether the slot may shed, or end), and feeds what happened back as
/// an ``Event``. Everything that decides what a slot does lives here and is tested without sockets.
///
/// States:
/// - ``State/idle``: not started.
/// - ``State/backingOff(old:)``: waiting out a reconnect delay; `old` is a connection kept until its replacement is
///   live (make-before-break), if any.
/// - ``State/connecting(candidate:)``: no live connection; asking for a URL and opening a socket (`candidate` is
///   `nil`), then waiting for the candidate's `hello`.
/// - ``State/refreshing(old:candidate:)``: like `connecting`, while `old` stays open; when the candidate says
///   `hello`, `old` is retired.
/// - ``State/live(_:)``: `hello` received; watching the connection for `disconnect`, staleness and its end.
/// - ``State/shedding(_:)``: Slack reported `too_many_websockets`; the service decides whether this slot may go.
/// - ``State/shed``, ``State/stopped``: final.
///
/// Reconnects back off with ``ReconnectBackoff`` (attempt 0 is immediate) and never sooner than the `Retry-After`
/// of the last failed `apps.connections.open`; a connection that goes live resets both.
struct SocketModeSlotStateMachine<Connection: Equatable & Sendable, Random: RandomNumberGenerator> {
    /// Where the slot is in its life.
    enum State: Equatable, Sendable {
        case idle
        case backingOff(old: Connection?)
        case connecting(candidate: Connection?)
        case refreshing(old: Connection, candidate: Connection?)
        case live(Connection)
        case shedding(Connection)
        case shed
        case stopped
    }

    /// Lifecycle news of a watched connection (``SocketModeConnection/Signal``, without the transport's types).
    enum Signal: Equatable, Sendable {
        case hello(numConnections: Int?)
        case disconnectRequested(reason: String)
        /// No frame and no pong within the stale timeout, or no `hello` within the hello timeout.
        case stale(String)
        /// The connection closed; `duringShutdown` when the service was stopping by then (nothing is logged or
        /// counted).
        case ended(code: Int, reason: String, duringShutdown: Bool)
        case failed(String)
        /// The signal stream finished without a final signal (the waiting task was cancelled).
        case finished
    }

    /// Why an attempt to open a connection failed.
    enum ConnectFailure: Sendable {
        /// Retrying cannot help: the slot stops and the service fails with this error.
        case fatal(SocketModeError)
        /// Back off and try again. `retryAfter` replaces the minimum delay when given (a `ConnectionOpenFailure`
        /// gives `Retry-After` or zero); `nil` keeps the current one.
        case retryable(String, retryAfter: Duration?)
    }

    /// What happened.
    enum Event: Sendable {
        /// The slot starts.
        case start
        /// The delay of ``Step/backOff(_:attempt:)`` is over.
        case backoffElapsed
        /// ``Step/connect`` opened `connection` (URL obtained, handshake started, liveness monitored).
        case connectionOpened(Connection)
        /// ``Step/connect`` failed.
        case connectFailed(ConnectFailure)
        /// The watched connection reported `signal`.
        case signal(Signal, from: Connection)
        /// The answer to ``Step/tryShedding``: whether the slot may go (another slot stays).
        case shedAnswered(Bool)
        /// Graceful shutdown or cancellation was observed.
        case shutdown
    }

    /// Something to log, in the words of the transition.
    enum Note: Equatable, Sendable {
        case linkDisabled
        case shedding
        case tooManyWebSocketsBackingOff
        case refreshRequested(reason: String)
        case stale(reason: String)
        case closed(code: Int, reason: String)
        case failed(String)
        case disconnectBeforeHello(reason: String)
    }

    /// A side effect for the service to perform, in order, before the next step.
    enum Effect: Equatable, Sendable {
        /// Log one line.
        case note(Note)
        /// The connection said `hello`: record it live (metrics, log, status).
        case reportLive(Connection, numConnections: Int?)
        /// The replacement is live: retire `old` (close frame 1000 "replaced"), forget it, log.
        case retireReplaced(Connection)
        /// An attempt failed and will be retried: log it and keep it as the last connect failure.
        case reportConnectFailure(String)
        /// Close with a close frame (code 1000).
        case close(Connection, reason: String)
        /// Drop the TCP connection without a close frame.
        case abort(Connection)
        /// Stop tracking the connection (live count, status).
        case forget(Connection)
        /// Count a reconnect (metrics and status) with this reason.
        case countReconnect(reason: String)
    }

    /// What the service does next, after the effects.
    enum Step: Sendable {
        /// Sleep for the delay (unless shutdown comes first), then send ``Event/backoffElapsed``.
        case backOff(Duration, attempt: Int)
        /// Open a connection: `apps.connections.open`, then the WebSocket; send ``Event/connectionOpened(_:)`` or
        /// ``Event/connectFailed(_:)``.
        case connect
        /// Wait for the connection's next signal and send it as ``Event/signal(_:from:)``.
        case awaitSignal(Connection)
        /// Ask whether the slot may shed; send ``Event/shedAnswered(_:)``.
        case tryShedding
        /// The slot ends without error.
        case finish
        /// The slot ends; the service fails with this error.
        case fail(SocketModeError)
    }

    /// Effects to perform, then the next step.
    struct Transition: Sendable {
        var effects: [Effect]
        var step: Step
    }

    /// The connection count below which `hello`'s `num_connections` is not worth a warning.
    let connectionCount: Int
    let backoff: ReconnectBackoff
    private(set) var state: State = .idle
    /// Failed attempts since the last connection went live.
    private(set) var attempt = 0
    /// The shortest delay before the next attempt (`Retry-After`).
    private(set) var minimumDelay = Duration.zero
    private var random: Random

    /// - Parameters:
    ///   - connectionCount: the slots the service keeps (for the ``Effect/reportLive(_:numConnections:)`` warning).
    ///   - backoff: the delays between attempts.
    ///   - random: the jitter source.
    init(connectionCount: Int, backoff: ReconnectBackoff, random: Random) {
        self.connectionCount = connectionCount
        self.backoff = backoff
        self.random = random
    }

    /// Feeds one event.
    /// - Returns: what to do, or `nil` when the event cannot happen in the current state (the state is unchanged;
    ///   the service keeps doing what it did).
    mutating func handle(_ event: Event) -> Transition? {
        switch (state, event) {
        case (_, .shutdown):
            return shutDown()

        case (.idle, .start):
            return scheduleAttempt(effects: [], keeping: nil)

        case (.backingOff(let old), .backoffElapsed):
            state = old.map { .refreshing(old: $0, candidate: nil) } ?? .connecting(candidate: nil)
            return Transition(effects: [], step: .connect)

        case (.connecting(nil), .connectionOpened(let connection)):
            state = .connecting(candidate: connection)
            return Transition(effects: [], step: .awaitSignal(connection))
        case (.refreshing(let old, nil), .connectionOpened(let connection)):
            state = .refreshing(old: old, candidate: connection)
            return Transition(effects: [], step: .awaitSignal(connection))

        case (.connecting(nil), .connectFailed(let failure)):
            return connectFailed(failure, effects: [], keeping: nil)
        case (.refreshing(let old, nil), .connectFailed(let failure)):
            return connectFailed(failure, effects: [], keeping: old)

        case (.connecting(let candidate?), .signal(let signal, let from)) where from == candidate:
            return candidateSignal(signal, candidate: candidate, old: nil)
        case (.refreshing(let old, let candidate?), .signal(let signal, let from)) where from == candidate:
            return candidateSignal(signal, candidate: candidate, old: old)

        case (.live(let connection), .signal(let signal, let from)) where from == connection:
            return liveSignal(signal, connection: connection)

        case (.shedding(let connection), .shedAnswered(true)):
            state = .shed
            return Transition(effects: [.note(.shedding), .forget(connection)], step: .finish)
        case (.shedding(let connection), .shedAnswered(false)):
            attempt = max(attempt, 3)
            return scheduleAttempt(effects: [.note(.tooManyWebSocketsBackingOff)], keeping: connection)

        default:
            return nil
        }
    }

    // MARK: - Transitions

    /// Schedules the next attempt: a backoff when its delay is positive, else an immediate connect.
    private mutating func scheduleAttempt(effects: [Effect], keeping old: Connection?) -> Transition {
        let delay = max(backoff.delay(forAttempt: attempt, using: &random), minimumDelay)
        if delay > .zero {
            state = .backingOff(old: old)
            return Transition(effects: effects, step: .backOff(delay, attempt: attempt))
        }
        state = old.map { .refreshing(old: $0, candidate: nil) } ?? .connecting(candidate: nil)
        return Transition(effects: effects, step: .connect)
    }

    private mutating func connectFailed(_ failure: ConnectFailure, effects: [Effect], keeping old: Connection?) -> Transition {
        switch failure {
        case .fatal(let error):
            state = .stopped
            return Transition(effects: effects + (old.map { [.forget($0)] } ?? []), step: .fail(error))
        case .retryable(let reason, let retryAfter):
            if let retryAfter { minimumDelay = retryAfter }
            attempt += 1
            return scheduleAttempt(effects: effects + [.reportConnectFailure(reason)], keeping: old)
        }
    }

    /// A signal of the connection that has not said `hello` yet.
    private mutating func candidateSignal(_ signal: Signal, candidate: Connection, old: Connection?) -> Transition {
        func handshakeFailed(_ reason: String, _ effects: [Effect]) -> Transition {
            let error = SocketModeError.handshakeFailed(reason)
            return connectFailed(.retryable("\(error)", retryAfter: nil), effects: effects, keeping: old)
        }
        switch signal {
        case .hello(let numConnections):
            state = .live(candidate)
            attempt = 0
            minimumDelay = .zero
            var effects: [Effect] = [.reportLive(candidate, numConnections: numConnections)]
            if let old { effects.append(.retireReplaced(old)) }
            return Transition(effects: effects, step: .awaitSignal(candidate))
        case .disconnectRequested("link_disabled"):
            state = .stopped
            let forgetOld: [Effect] = old.map { [.forget($0)] } ?? []
            return Transition(effects: [.close(candidate, reason: ""), .forget(candidate)] + forgetOld,
                              step: .fail(.linkDisabled))
        case .disconnectRequested(let reason):
            return Transition(effects: [.note(.disconnectBeforeHello(reason: reason))], step: .awaitSignal(candidate))
        case .stale(let reason):
            return handshakeFailed(reason, [.abort(candidate), .forget(candidate)])
        case .ended(let code, let reason, _):
            return handshakeFailed("closed before hello (code \(code) \(reason))", [.forget(candidate)])
        case .failed(let error):
            return handshakeFailed(error, [.forget(candidate)])
        case .finished:
            return handshakeFailed("connection ended before hello", [.forget(candidate)])
        }
    }

    /// A signal of the live connection.
    private mutating func liveSignal(_ signal: Signal, connection: Connection) -> Transition {
        switch signal {
        case .hello:
            return Transition(effects: [], step: .awaitSignal(connection))
        case .disconnectRequested("link_disabled"):
            state = .stopped
            return Transition(effects: [.note(.linkDisabled), .close(connection, reason: ""), .forget(connection)],
                              step: .fail(.linkDisabled))
        case .disconnectRequested("too_many_websockets"):
            state = .shedding(connection)
            return Transition(effects: [.close(connection, reason: "")], step: .tryShedding)
        case .disconnectRequested(let reason):
            return scheduleAttempt(
                effects: [.note(.refreshRequested(reason: reason)), .countReconnect(reason: reason)],
                keeping: connection)
        case .stale(let reason):
            return scheduleAttempt(
                effects: [.note(.stale(reason: reason)), .abort(connection), .forget(connection),
                          .countReconnect(reason: "stale")],
                keeping: nil)
        case .ended(let code, let reason, let duringShutdown):
            let effects: [Effect] = duringShutdown
                ? [.forget(connection)]
                : [.forget(connection), .note(.closed(code: code, reason: reason)), .countReconnect(reason: "closed")]
            return scheduleAttempt(effects: effects, keeping: nil)
        case .failed(let error):
            return scheduleAttempt(
                effects: [.forget(connection), .note(.failed(error)), .countReconnect(reason: "failed")],
                keeping: nil)
        case .finished:
            return scheduleAttempt(effects: [.forget(connection)], keeping: nil)
        }
    }

    /// Closes what the slot holds (with a close frame, "shutting down") and stops.
    private mutating func shutDown() -> Transition? {
        let held: [Connection]
        switch state {
        case .idle:
            held = []
        case .backingOff(let old):
            held = old.map { [$0] } ?? []
        case .connecting(let candidate):
            held = candidate.map { [$0] } ?? []
        case .refreshing(let old, let candidate):
            held = [old] + (candidate.map { [$0] } ?? [])
        case .live(let connection):
            held = [connection]
        case .shedding(let connection):
            // Already closed (too_many_websockets).
            state = .stopped
            return Transition(effects: [.forget(connection)], step: .finish)
        case .shed, .stopped:
            return nil
        }
        state = .stopped
        return Transition(
            effects: held.flatMap { [Effect.close($0, reason: "shutting down"), .forget($0)] },
            step: .finish)
    }
}

extension SocketModeSlotStateMachine {
    /// Classifies an error of ``Step/connect``: fatal ``SocketModeError``s and fatal ``ConnectionOpenFailure``s stop
    /// the slot; a ``ConnectionOpenFailure`` sets the minimum delay to its `Retry-After` (or zero); anything else is
    /// retried with the minimum delay kept.
    static func classify(_ error: any Error) -> ConnectFailure {
        if let error = error as? SocketModeError, error.isFatal { return .fatal(error) }
        if let error = error as? any ConnectionOpenFailure {
            if error.isFatal { return .fatal(.connectionOpenFailed("\(error)")) }
            return .retryable("\(error)", retryAfter: error.retryAfter ?? .zero)
        }
        return .retryable("\(error)", retryAfter: nil)
    }
}
