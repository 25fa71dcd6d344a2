/// How Vigil keeps its Socket Mode connections.
///
/// Defaults follow Slack's guidance and the official SDKs' field experience (see docs/architecture.md):
/// two connections so a refresh never leaves Vigil deaf, client pings every 10 s, and a connection that shows no
/// frame and no pong for 25 s is replaced (Slack's own SDKs assume a server ping at least every 30 s).
public struct SocketModeConfiguration: Sendable {
    /// Connections to keep open at once, 1…10 (Slack's cap per app is 10). Environment: `VIGIL_CONNECTIONS`.
    public var connectionCount: Int
    /// How long a new connection may take from `apps.connections.open` to Slack's `hello` before it is dropped.
    public var helloTimeout: Duration
    /// How often Vigil pings each connection.
    public var pingInterval: Duration
    /// A connection with no frame and no pong for this long is considered dead and replaced; at most 30 s.
    public var staleAfter: Duration
    /// Backoff between failed connection attempts.
    public var backoff: ReconnectBackoff
    /// How long a handler may take to produce a response payload for a slash command or interactive envelope
    /// before the envelope is acked without one (Slack allows 3 s in all).
    public var responsePayloadDeadline: Duration
    /// Handlers running at once; envelopes beyond this wait in memory (they are already acked).
    public var maximumConcurrentHandlers: Int
    /// How long an `event_id` is remembered to drop Slack's redeliveries (Slack retries for about 5 minutes).
    public var deduplicationWindow: Duration

    public init(
        connectionCount: Int = 2,
        helloTimeout: Duration = .seconds(10),
        pingInterval: Duration = .seconds(10),
        staleAfter: Duration = .seconds(25),
        backoff: ReconnectBackoff = ReconnectBackoff(),
        responsePayloadDeadline: Duration = .milliseconds(2_500),
        maximumConcurrentHandlers: Int = 64,
        deduplicationWindow: Duration = .seconds(15 * 60)
    ) {
        self.connectionCount = connectionCount
        self.helloTimeout = helloTimeout
        self.pingInterval = pingInterval
        self.staleAfter = staleAfter
        self.backoff = backoff
        self.responsePayloadDeadline = responsePayloadDeadline
        self.maximumConcurrentHandlers = maximumConcurrentHandlers
        self.deduplicationWindow = deduplicationWindow
    }

    /// Checks the values against Slack's limits.
    /// - Throws: ``SocketModeError`` naming the setting that is out of range.
    public func validate() throws(SocketModeError) {
        guard (1...10).contains(connectionCount) else {
            throw .invalidConfiguration("VIGIL_CONNECTIONS must be between 1 and 10 (Slack allows 10 per app), got \(connectionCount)")
        }
        guard staleAfter <= .seconds(30), staleAfter > .zero else {
            throw .invalidConfiguration("the stale-connection timeout must be between 0 and 30 s")
        }
        guard pingInterval > .zero, pingInterval < staleAfter else {
            throw .invalidConfiguration("the ping interval must be positive and shorter than the stale timeout")
        }
        guard maximumConcurrentHandlers > 0 else {
            throw .invalidConfiguration("at least one handler must be allowed to run")
        }
        guard deduplicationWindow >= .seconds(600) else {
            throw .invalidConfiguration("the event dedupe window must be at least 10 minutes (Slack retries for 5)")
        }
    }
}
