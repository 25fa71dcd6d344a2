/// One re-send of an `events_api` event in a new envelope (Slack's retry), or the delivery of an event that was
/// queued while no connection was live.
public struct RecordedRedelivery: Sendable, CustomStringConvertible {
    /// The stable `payload.event_id`.
    public let eventID: String
    /// The envelope that timed out; `nil` when the event was queued because no connection was live when it was
    /// first sent.
    public let previousEnvelopeID: String?
    /// The new envelope's id.
    public let newEnvelopeID: String
    /// The new envelope's `retry_attempt` (1…maxRetries).
    public let retryAttempt: Int
    /// The new envelope's `retry_reason` (`timeout`).
    public let retryReason: String
    /// The connection the timed-out envelope had been written to.
    public let fromConnection: SocketModeConnectionID?
    /// The connection the new envelope went to; `nil` if it was queued because no connection was live.
    public let toConnection: SocketModeConnectionID?
    /// When the redelivery was decided (monotonic).
    public let at: ContinuousClock.Instant

    public var description: String {
        "redelivery(\(self.eventID) attempt \(self.retryAttempt): \(self.previousEnvelopeID ?? "-") -> \(self.newEnvelopeID) "
            + "\(self.fromConnection?.description ?? "-") -> \(self.toConnection?.description ?? "queued"))"
    }
}
