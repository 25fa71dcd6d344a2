/// One envelope the simulator sent (or queued, or failed to dispatch) over Socket Mode.
public struct SentEnvelope: Sendable, CustomStringConvertible {
    /// The envelope id.
    public let envelopeID: String
    /// The envelope type: `events_api`, `slash_commands`, `interactive`, or whatever a raw envelope said.
    public let type: String
    /// `payload.event_id`, for `events_api` envelopes.
    public let eventID: String?
    /// `retry_attempt`, for `events_api` envelopes.
    public let retryAttempt: Int
    /// The connection the envelope was routed to; `nil` while queued or when it could not be dispatched.
    public let connection: SocketModeConnectionID?
    /// When the frame was handed to the channel flush (monotonic); `nil` while still queued or undeliverable.
    /// For a silent connection this is when the frame was swallowed.
    public let writtenAt: ContinuousClock.Instant?
    /// Whether the envelope was routed to a silent ("ghost") connection and therefore never reached the client.
    public let swallowedBySilentConnection: Bool
    /// Whether the envelope waits in the queue for a live connection (events only).
    public let isQueued: Bool
    /// Whether the envelope could not be dispatched because no connection was live (slash commands and interactive
    /// payloads are not queued or retried, like Slack's `dispatch_failed`).
    public let dispatchFailed: Bool
    /// When the first ack for this envelope was read.
    public let ackedAt: ContinuousClock.Instant?
    /// Whether the simulator re-sent the event in a new envelope because this one was not acked in time.
    public let wasRedelivered: Bool
    /// The frame text.
    public let text: String

    public var description: String {
        var state =
            self.ackedAt != nil
            ? "acked" : (self.isQueued ? "queued" : (self.dispatchFailed ? "dispatch_failed" : "unacked"))
        if self.swallowedBySilentConnection { state += ", swallowed" }
        return
            "envelope(\(self.envelopeID) \(self.type)\(self.eventID.map { " \($0)" } ?? "") attempt \(self.retryAttempt) "
            + "on \(self.connection?.description ?? "-"), \(state))"
    }
}
