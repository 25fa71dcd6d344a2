import NIOCore

/// Everything the simulator knows, guarded by one `Mutex` in ``SimulatorCore``.
///
/// Mutations return ``SimulatorEffects`` (frames to write, waiters to resume, timers to arm) that the core performs
/// after releasing the lock.
struct SimulatorState {
    // MARK: Server

    /// Set by shutdown; no new connections or timers after it.
    var isShutDown = false
    /// `http://127.0.0.1:PORT` or `https://…`, set once the server is bound.
    var httpBase = ""
    /// `ws://127.0.0.1:PORT` or `wss://…`.
    var webSocketBase = ""
    /// Every accepted TCP channel that is still open, for shutdown.
    var openChannels: [ObjectIdentifier: any Channel] = [:]
    /// Accepted TCP connections so far.
    var httpConnectionCount = 0

    // MARK: Web API

    /// Every recorded call.
    var calls: [RecordedCall] = []
    /// Recorded calls per method.
    var callCounts: [String: Int] = [:]
    /// Queued faults in injection order.
    var faults: [FaultEntry] = []
    /// Conversations, messages, users.
    var workspace: SimulatedWorkspace
    /// Socket Mode tickets handed out.
    var tickets: [String: TicketState] = [:]
    /// Trigger ids handed out.
    var triggers: [String: TriggerState] = [:]
    /// Response URLs handed out, by id.
    var responseURLs: [String: ResponseURLState] = [:]
    /// Post rate buckets per channel.
    var rateBuckets: [String: TokenBucket] = [:]
    /// Tokens answered with `token_revoked`.
    var revokedTokens: Set<String>
    /// Delay before every `chat.postMessage` answer.
    var postMessageDelay: Duration?
    /// The per-channel post rule, if on.
    var channelPostRateLimit: ChannelPostRateLimit?
    /// Override of `num_connections` in `hello`.
    var helloNumConnections: Int?
    /// The most messages one page of `conversations.history` / `conversations.replies` holds, if capped.
    var maximumPageSize: Int?
    /// Views opened or published so far.
    var viewCount = 0

    // MARK: Socket Mode

    /// Every connection accepted, by id.
    var connections: [Int: ConnectionRecord] = [:]
    /// Connections accepted so far (the last id).
    var connectionCount = 0
    /// Connections that receive envelopes (live or silent), in the order they became live.
    var routing: [Int] = []
    /// Position of the round-robin over `routing`.
    var roundRobinCursor = 0
    /// Every tracked envelope, by id.
    var envelopes: [String: EnvelopeRecord] = [:]
    /// Envelope ids in the order they were first tracked.
    var envelopeOrder: [String] = []
    /// Every ack frame read.
    var acks: [RecordedAck] = []
    /// Distinct known envelopes acked.
    var acknowledgedEnvelopeCount = 0
    /// Events waiting for a live connection.
    var queue = FIFO<QueuedEvent>()
    /// Ack deadlines in write order (hence deadline order).
    var deadlines = FIFO<Deadline>()
    /// When the armed ack timer fires; `nil` if none is armed.
    var timerArmedFor: ContinuousClock.Instant?
    /// Every redelivery.
    var redeliveries: [RecordedRedelivery] = []
    /// Events whose retries ran out.
    var abandonedEventIDs: [String] = []
    /// Client frames that were not acceptable acks.
    var violations: [ProtocolViolation] = []
    /// Live/open counts after every change.
    var timeline: [LiveConnectionSample] = []

    // MARK: Waiters

    /// Pending async waits.
    var waiters: [UInt64: Waiter] = [:]
    /// Waiter ids handed out.
    var waiterCount: UInt64 = 0

    /// The initial state for a configuration.
    init(configuration: SlackSimulator.Configuration) {
        let bot = SimulatedUser(
            id: configuration.botUserID,
            name: configuration.botUserName,
            realName: configuration.botUserName,
            isBot: true
        )
        self.workspace = SimulatedWorkspace(channels: configuration.channels, users: configuration.users, botUser: bot)
        self.revokedTokens = configuration.revokedTokens
        self.postMessageDelay = configuration.postMessageDelay
        self.channelPostRateLimit = configuration.channelPostRateLimit
        self.helloNumConnections = configuration.helloNumConnectionsReporting
        self.maximumPageSize = configuration.maximumPageSize
    }

    // MARK: Derived

    /// Connections not closed (opening, live, silent).
    var openConnectionCount: Int {
        self.connections.values.reduce(0) { $0 + ($1.state == .closed ? 0 : 1) }
    }

    /// Connections live and not silent.
    var liveConnectionCount: Int {
        self.connections.values.reduce(0) { $0 + ($1.state == .live ? 1 : 0) }
    }

    /// Records the live/open counts if they changed.
    mutating func appendTimelineSample(at instant: ContinuousClock.Instant) {
        let sample = LiveConnectionSample(
            at: instant,
            liveCount: self.liveConnectionCount,
            openCount: self.openConnectionCount
        )
        if let last = self.timeline.last, last.liveCount == sample.liveCount, last.openCount == sample.openCount {
            return
        }
        self.timeline.append(sample)
    }

    /// Removes and returns the resumptions of every waiter whose condition now holds.
    mutating func collectReadyWaiters() -> [@Sendable () -> Void] {
        guard !self.waiters.isEmpty else { return [] }
        var ready: [@Sendable () -> Void] = []
        for (id, waiter) in self.waiters {
            if let resume = waiter.poll(self) {
                self.waiters[id] = nil
                ready.append(resume)
            }
        }
        return ready
    }

    /// The public snapshot of a connection.
    func connectionInfo(_ record: ConnectionRecord) -> SocketModeConnectionInfo {
        SocketModeConnectionInfo(
            id: SocketModeConnectionID(rawValue: record.id),
            state: record.state,
            ticket: record.ticket,
            acceptedAt: record.acceptedAt,
            openedAt: record.openedAt,
            closedAt: record.closedAt,
            clientCloseCode: record.clientCloseCode,
            disconnectReasonSent: record.disconnectReasonSent,
            closedByServer: record.closedByServer,
            helloNumConnections: record.helloNumConnections,
            envelopesRouted: record.envelopesRouted,
            acksReceived: record.acksReceived,
            pingsReceived: record.pingsReceived,
            pongsReceived: record.pongsReceived
        )
    }

    /// The public snapshot of an envelope.
    func sentEnvelope(_ record: EnvelopeRecord) -> SentEnvelope {
        SentEnvelope(
            envelopeID: record.envelopeID,
            type: record.type,
            eventID: record.event?.eventID,
            retryAttempt: record.retryAttempt,
            connection: record.connection.map { SocketModeConnectionID(rawValue: $0) },
            writtenAt: record.writtenAt,
            swallowedBySilentConnection: record.swallowed,
            isQueued: record.isQueued,
            dispatchFailed: record.dispatchFailed,
            ackedAt: record.ackedAt,
            wasRedelivered: record.redelivered,
            text: record.text
        )
    }
}

/// A queued fault.
struct FaultEntry {
    /// The fault.
    var fault: WebAPIFault
    /// The method it applies to.
    var method: String
    /// The `channel` argument it is restricted to.
    var channel: String?
    /// Applications left.
    var remaining: Int
}

/// A single-use Socket Mode ticket.
enum TicketState {
    case unused
    case used
}

/// A `trigger_id` the simulator handed out.
struct TriggerState {
    /// When it was handed out.
    var issuedAt: ContinuousClock.Instant
    /// Whether `views.open` used it.
    var used = false
}

/// A slash-command `response_url`.
struct ResponseURLState {
    /// The conversation of the invocation.
    var channel: String
    /// The invoking user.
    var user: String
    /// Posts so far (5 allowed).
    var uses = 0
}

/// A token bucket for the per-channel post rule.
struct TokenBucket {
    /// Tokens available.
    var tokens: Double
    /// When `tokens` was last refilled.
    var updatedAt: ContinuousClock.Instant
}

/// An event payload shared by every delivery attempt of one event.
struct EventPayload: Sendable {
    /// The stable `event_id`.
    var eventID: String
    /// `event_time` (Unix seconds).
    var eventTime: Int
    /// The inner `event` object as JSON text.
    var eventJSON: String
}

/// Bookkeeping for one envelope.
struct EnvelopeRecord {
    /// The envelope id.
    var envelopeID: String
    /// The envelope type.
    var type: String
    /// The event, for `events_api` envelopes.
    var event: EventPayload?
    /// `retry_attempt`.
    var retryAttempt: Int
    /// The connection it was routed to.
    var connection: Int?
    /// When it was handed to the flush (or swallowed).
    var writtenAt: ContinuousClock.Instant?
    /// When its first ack was read.
    var ackedAt: ContinuousClock.Instant?
    /// Whether a silent connection swallowed it.
    var swallowed = false
    /// Whether it waits for a live connection.
    var isQueued = false
    /// Whether no connection could take it (slash/interactive).
    var dispatchFailed = false
    /// Whether its event was re-sent after the deadline.
    var redelivered = false
    /// The frame text (empty while queued).
    var text: String
}

/// An event waiting for a live connection.
struct QueuedEvent {
    /// The envelope id.
    var envelopeID: String
    /// The event.
    var event: EventPayload
    /// `retry_attempt`.
    var retryAttempt: Int
    /// `retry_reason`.
    var retryReason: String
    /// The envelope that timed out, if any.
    var previousEnvelopeID: String?
    /// The connection of the envelope that timed out.
    var fromConnection: Int?
}

/// An ack deadline.
struct Deadline {
    /// The envelope id.
    var envelopeID: String
    /// When the deadline passes.
    var at: ContinuousClock.Instant
}

/// Bookkeeping for one Socket Mode connection.
struct ConnectionRecord {
    /// The connection id.
    let id: Int
    /// The connection's channel.
    let channel: any Channel
    /// The ticket used.
    let ticket: String
    /// When the upgrade completed.
    let acceptedAt: ContinuousClock.Instant
    /// The current state.
    var state: SocketModeConnectionInfo.State = .opening
    /// When `hello` was flushed.
    var openedAt: ContinuousClock.Instant?
    /// When TCP closed.
    var closedAt: ContinuousClock.Instant?
    /// The client close frame's code.
    var clientCloseCode: Int?
    /// The last disconnect reason sent.
    var disconnectReasonSent: SocketModeDisconnectReason?
    /// Whether the simulator closed it.
    var closedByServer = false
    /// Override of `num_connections` in `hello`.
    var helloNumConnections: Int?
    /// Envelopes routed here.
    var envelopesRouted = 0
    /// Ack frames read here.
    var acksReceived = 0
    /// Client pings.
    var pingsReceived = 0
    /// Client pongs.
    var pongsReceived = 0
}

/// A registered async wait.
struct Waiter {
    /// Returns the resumption when the awaited condition holds.
    let poll: @Sendable (SimulatorState) -> (@Sendable () -> Void)?
    /// Fails the waiter.
    let fail: @Sendable (any Error) -> Void
    /// What was awaited, for the timeout message.
    let what: String
    /// What was seen, for the timeout message.
    let describe: @Sendable (SimulatorState) -> String
}
